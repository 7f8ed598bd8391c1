// AF_UNIX SOCK_SEQPACKET sockets for the telemetry server (src/lib/telemetry): listen, connect,
// accept, recv, send, poll, shutdown, close. Thin checked syscalls; policy lives in TypeScript.
// Calls block the calling thread (the telemetry server runs in its own worker thread).

#include <node.h>
#include <v8.h>

#include "common.h"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

using tsdpdk::Str;
using tsdpdk::ThrowErrno;
using v8::Context;
using v8::Exception;
using v8::FunctionCallbackInfo;
using v8::Int32Array;
using v8::Integer;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::String;
using v8::Uint8Array;
using v8::Value;




bool ArgInt(const FunctionCallbackInfo<Value>& a, int i, const char* fn, const char* name, double lo,
            double hi, int* out) {
  Isolate* iso = a.GetIsolate();
  if (a.Length() <= i || !a[i]->IsNumber()) {
    iso->ThrowException(Exception::TypeError(Str(iso, std::string(fn) + ": " + name + " must be a number")));
    return false;
  }
  double d = a[i].As<v8::Number>()->Value();
  if (!std::isfinite(d) || d != std::floor(d) || d < lo || d > hi) {
    iso->ThrowException(Exception::RangeError(Str(iso, std::string(fn) + ": " + name + " out of range")));
    return false;
  }
  *out = static_cast<int>(d);
  return true;
}

bool ArgFd(const FunctionCallbackInfo<Value>& a, int i, const char* fn, int* fd) {
  return ArgInt(a, i, fn, "fd", 0, 2147483647.0, fd);
}

bool ArgPath(const FunctionCallbackInfo<Value>& a, const char* fn, sockaddr_un* sun, std::string* path) {
  Isolate* iso = a.GetIsolate();
  if (a.Length() < 1 || !a[0]->IsString()) {
    iso->ThrowException(Exception::TypeError(Str(iso, std::string(fn) + ": path must be a string")));
    return false;
  }
  String::Utf8Value p(iso, a[0]);
  *path = std::string(*p, p.length());
  memset(sun, 0, sizeof *sun);
  sun->sun_family = AF_UNIX;
  if (path->empty() || path->size() >= sizeof sun->sun_path || path->find('\0') != std::string::npos) {
    ThrowErrno(iso, ENAMETOOLONG, std::string(fn) + "('" + *path + "')", "bind");
    return false;
  }
  memcpy(sun->sun_path, path->data(), path->size());
  return true;
}

// Bytes of a Uint8Array (over an ArrayBuffer or a SharedArrayBuffer).
bool ArgBytes(const FunctionCallbackInfo<Value>& a, int i, const char* fn, char** data, size_t* len) {
  Isolate* iso = a.GetIsolate();
  if (a.Length() <= i || !a[i]->IsUint8Array()) {
    iso->ThrowException(Exception::TypeError(Str(iso, std::string(fn) + ": buffer must be a Uint8Array")));
    return false;
  }
  Local<Uint8Array> u = a[i].As<Uint8Array>();
  char* base = static_cast<char*>(u->Buffer()->GetBackingStore()->Data());
  *data = base == nullptr ? nullptr : base + u->ByteOffset();
  *len = u->ByteLength();
  return true;
}

int NewSocket() { return socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0); }

// sockListen(path, backlog) -> fd: socket + bind + listen; the socket is closed on failure.
void Listen(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  sockaddr_un sun;
  std::string path;
  int backlog;
  if (!ArgPath(a, "sockListen", &sun, &path) || !ArgInt(a, 1, "sockListen", "backlog", 0, 65535, &backlog)) return;
  int fd = NewSocket();
  if (fd < 0) return ThrowErrno(iso, errno, "socket(AF_UNIX, SOCK_SEQPACKET)", "socket");
  if (bind(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0) {
    int err = errno;
    close(fd);
    return ThrowErrno(iso, err, "bind('" + path + "')", "bind");
  }
  if (listen(fd, backlog) != 0) {
    int err = errno;
    close(fd);
    return ThrowErrno(iso, err, "listen('" + path + "')", "listen");
  }
  a.GetReturnValue().Set(fd);
}

// sockConnect(path) -> fd
void Connect(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  sockaddr_un sun;
  std::string path;
  if (!ArgPath(a, "sockConnect", &sun, &path)) return;
  int fd = NewSocket();
  if (fd < 0) return ThrowErrno(iso, errno, "socket(AF_UNIX, SOCK_SEQPACKET)", "socket");
  int rc;
  do rc = connect(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun);
  while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    int err = errno;
    close(fd);
    return ThrowErrno(iso, err, "connect('" + path + "')", "connect");
  }
  a.GetReturnValue().Set(fd);
}

// sockAccept(fd) -> client fd (blocking)
void Accept(const FunctionCallbackInfo<Value>& a) {
  int fd;
  if (!ArgFd(a, 0, "sockAccept", &fd)) return;
  int c;
  do c = accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
  while (c < 0 && errno == EINTR);
  if (c < 0) return ThrowErrno(a.GetIsolate(), errno, "accept(fd=" + std::to_string(fd) + ")", "accept");
  a.GetReturnValue().Set(c);
}

// sockRecv(fd, u8) -> bytes (0 at EOF); a longer packet is truncated to the buffer, like read().
void Recv(const FunctionCallbackInfo<Value>& a) {
  int fd;
  char* data;
  size_t len;
  if (!ArgFd(a, 0, "sockRecv", &fd) || !ArgBytes(a, 1, "sockRecv", &data, &len)) return;
  ssize_t n;
  do n = recv(fd, data, len, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0) return ThrowErrno(a.GetIsolate(), errno, "recv(fd=" + std::to_string(fd) + ")", "recv");
  a.GetReturnValue().Set(static_cast<double>(n));
}

// sockSend(fd, u8) -> bytes sent (one packet; no SIGPIPE)
void Send(const FunctionCallbackInfo<Value>& a) {
  int fd;
  char* data;
  size_t len;
  if (!ArgFd(a, 0, "sockSend", &fd) || !ArgBytes(a, 1, "sockSend", &data, &len)) return;
  ssize_t n;
  do n = send(fd, data, len, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0) return ThrowErrno(a.GetIsolate(), errno, "send(fd=" + std::to_string(fd) + ")", "send");
  a.GetReturnValue().Set(static_cast<double>(n));
}

// sockPoll(fds: Int32Array, revents: Int32Array, timeoutMs) -> ready count. Waits for POLLIN on every fd >= 0.
void Poll(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  if (a.Length() < 2 || !a[0]->IsInt32Array() || !a[1]->IsInt32Array()) {
    iso->ThrowException(Exception::TypeError(Str(iso, "sockPoll: fds and revents must be Int32Arrays")));
    return;
  }
  int timeout;
  if (!ArgInt(a, 2, "sockPoll", "timeoutMs", -1, 2147483647.0, &timeout)) return;
  Local<Int32Array> fa = a[0].As<Int32Array>();
  Local<Int32Array> ra = a[1].As<Int32Array>();
  size_t n = fa->Length();
  if (ra->Length() < n) {
    iso->ThrowException(Exception::RangeError(Str(iso, "sockPoll: revents is shorter than fds")));
    return;
  }
  int32_t* fds = reinterpret_cast<int32_t*>(static_cast<char*>(fa->Buffer()->GetBackingStore()->Data()) + fa->ByteOffset());
  int32_t* rev = reinterpret_cast<int32_t*>(static_cast<char*>(ra->Buffer()->GetBackingStore()->Data()) + ra->ByteOffset());
  std::vector<pollfd> p(n);
  for (size_t i = 0; i < n; i++) p[i] = pollfd{fds[i], POLLIN, 0};
  int rc = poll(p.data(), n, timeout);
  if (rc < 0 && errno != EINTR) return ThrowErrno(iso, errno, "poll(" + std::to_string(n) + " fds)", "poll");
  for (size_t i = 0; i < n; i++) rev[i] = rc > 0 ? p[i].revents : 0;
  a.GetReturnValue().Set(rc < 0 ? 0 : rc);
}

// sockSetTimeout(fd, ms): SO_RCVTIMEO and SO_SNDTIMEO (0 = none); a timed-out call throws EAGAIN.
void SetTimeout(const FunctionCallbackInfo<Value>& a) {
  int fd, ms;
  if (!ArgFd(a, 0, "sockSetTimeout", &fd) || !ArgInt(a, 1, "sockSetTimeout", "ms", 0, 2147483647.0, &ms)) return;
  timeval tv{ms / 1000, (ms % 1000) * 1000};
  if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0)
    ThrowErrno(a.GetIsolate(), errno, "setsockopt(fd=" + std::to_string(fd) + ", SO_RCVTIMEO)", "setsockopt");
}

// sockShutdown(fd): SHUT_RDWR; wakes a thread blocked in accept/recv/poll on it. ENOTCONN is ignored.
void Shutdown(const FunctionCallbackInfo<Value>& a) {
  int fd;
  if (!ArgFd(a, 0, "sockShutdown", &fd)) return;
  if (shutdown(fd, SHUT_RDWR) != 0 && errno != ENOTCONN)
    ThrowErrno(a.GetIsolate(), errno, "shutdown(fd=" + std::to_string(fd) + ")", "shutdown");
}

// sockClose(fd)
void Close(const FunctionCallbackInfo<Value>& a) {
  int fd;
  if (!ArgFd(a, 0, "sockClose", &fd)) return;
  if (close(fd) != 0 && errno != EINTR)
    ThrowErrno(a.GetIsolate(), errno, "close(fd=" + std::to_string(fd) + ")", "close");
}

}  // namespace

namespace tsdpdk {

void RegisterSocket(v8::Local<v8::Object> exports) {
  NODE_SET_METHOD(exports, "sockListen", Listen);
  NODE_SET_METHOD(exports, "sockConnect", Connect);
  NODE_SET_METHOD(exports, "sockAccept", Accept);
  NODE_SET_METHOD(exports, "sockRecv", Recv);
  NODE_SET_METHOD(exports, "sockSend", Send);
  NODE_SET_METHOD(exports, "sockPoll", Poll);
  NODE_SET_METHOD(exports, "sockSetTimeout", SetTimeout);
  NODE_SET_METHOD(exports, "sockShutdown", Shutdown);
  NODE_SET_METHOD(exports, "sockClose", Close);
}

}  // namespace tsdpdk
