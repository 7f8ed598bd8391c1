// AF_UNIX SOCK_DGRAM sockets for the EAL multi-process channel (src/lib/eal/mp_*.ts): bind a path,
// send a datagram to a path with SCM_RIGHTS fds, receive one with its fds and sender path, close.
// Thin checked syscalls; the wire format and all policy live in TypeScript.

#include <node.h>
#include <v8.h>

#include "common.h"

#include <cerrno>
#include <cstring>
#include <string>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

using tsdpdk::ArgU;
using tsdpdk::Str;
using tsdpdk::ThrowErrno;
using tsdpdk::ThrowType;
using v8::Context;
using v8::FunctionCallbackInfo;
using v8::Int32Array;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::Uint8Array;
using v8::Value;

constexpr int kMaxFds = 8;  // RTE_MP_MAX_FD_NUM

bool ArgSun(const FunctionCallbackInfo<Value>& a, int i, const char* fn, sockaddr_un* sun, std::string* path) {
  Isolate* iso = a.GetIsolate();
  if (a.Length() <= i || !a[i]->IsString()) {
    ThrowType(iso, std::string(fn) + ": path must be a string");
    return false;
  }
  v8::String::Utf8Value p(iso, a[i]);
  *path = std::string(*p, p.length());
  memset(sun, 0, sizeof *sun);
  sun->sun_family = AF_UNIX;
  if (path->empty() || path->size() >= sizeof sun->sun_path || path->find('\0') != std::string::npos) {
    ThrowErrno(iso, ENAMETOOLONG, std::string(fn) + "('" + *path + "')", fn);
    return false;
  }
  memcpy(sun->sun_path, path->data(), path->size());
  return true;
}

bool ArgBytes(const FunctionCallbackInfo<Value>& a, int i, const char* fn, char** data, size_t* len) {
  if (a.Length() <= i || !a[i]->IsUint8Array()) {
    ThrowType(a.GetIsolate(), std::string(fn) + ": buffer must be a Uint8Array");
    return false;
  }
  Local<Uint8Array> u = a[i].As<Uint8Array>();
  char* base = static_cast<char*>(u->Buffer()->GetBackingStore()->Data());
  *data = base == nullptr ? nullptr : base + u->ByteOffset();
  *len = u->ByteLength();
  return true;
}

bool ArgI32s(const FunctionCallbackInfo<Value>& a, int i, const char* fn, int32_t** data, size_t* len) {
  if (a.Length() <= i || !a[i]->IsInt32Array()) {
    ThrowType(a.GetIsolate(), std::string(fn) + ": fds must be an Int32Array");
    return false;
  }
  Local<Int32Array> v = a[i].As<Int32Array>();
  *data = reinterpret_cast<int32_t*>(static_cast<char*>(v->Buffer()->GetBackingStore()->Data()) + v->ByteOffset());
  *len = v->Length();
  return true;
}

// mpBind(path) -> fd: unlinks a stale file first (like DPDK's open_socket_fd), then binds.
void Bind(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  sockaddr_un sun;
  std::string path;
  if (!ArgSun(a, 0, "mpBind", &sun, &path)) return;
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ThrowErrno(iso, errno, "socket(AF_UNIX, SOCK_DGRAM)", "socket");
  unlink(path.c_str());
  if (bind(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0) {
    int err = errno;
    close(fd);
    return ThrowErrno(iso, err, "bind('" + path + "')", "bind");
  }
  a.GetReturnValue().Set(fd);
}

// mpSend(fd, path, bytes, fds: Int32Array, nfds) -> bytes sent. Never blocks: a peer whose queue is full
// gives EAGAIN. Errors keep their errno code (ECONNREFUSED: nobody bound there any more; ENOENT: no file).
void Send(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  uint64_t fd, nfds;
  sockaddr_un sun;
  std::string path;
  char* data;
  size_t len, nfa;
  int32_t* fds;
  if (!ArgU(a, 0, "mpSend", 2147483647.0, &fd) || !ArgSun(a, 1, "mpSend", &sun, &path) ||
      !ArgBytes(a, 2, "mpSend", &data, &len) || !ArgI32s(a, 3, "mpSend", &fds, &nfa) ||
      !ArgU(a, 4, "mpSend", kMaxFds, &nfds))
    return;
  if (nfds > nfa) return tsdpdk::ThrowRange(iso, "mpSend: nfds exceeds the fds array");
  iovec iov{data, len};
  msghdr mh;
  memset(&mh, 0, sizeof mh);
  mh.msg_name = &sun;
  mh.msg_namelen = sizeof sun;
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
  if (nfds > 0) {
    memset(control, 0, sizeof control);
    mh.msg_control = control;
    mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
    cmsghdr* c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
    memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
  }
  ssize_t n;
  do n = sendmsg(static_cast<int>(fd), &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n < 0) return ThrowErrno(iso, errno, "sendmsg('" + path + "')", "sendmsg");
  a.GetReturnValue().Set(static_cast<double>(n));
}

// mpRecv(fd, buf, fdsOut: Int32Array(8), timeoutMs) -> null on timeout, else
// { len, nfds, truncated, path }: len is the datagram's real length (MSG_TRUNC), truncated is set when
// the datagram or its control data did not fit. Received fds are close-on-exec; extra ones are closed.
void Recv(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  Local<Context> ctx = iso->GetCurrentContext();
  uint64_t fd, timeout;
  char* data;
  size_t len, nfa;
  int32_t* fdsOut;
  if (!ArgU(a, 0, "mpRecv", 2147483647.0, &fd) || !ArgBytes(a, 1, "mpRecv", &data, &len) ||
      !ArgI32s(a, 2, "mpRecv", &fdsOut, &nfa) || !ArgU(a, 3, "mpRecv", 2147483647.0, &timeout))
    return;
  pollfd p{static_cast<int>(fd), POLLIN, 0};
  int rc = poll(&p, 1, static_cast<int>(timeout));
  if (rc < 0 && errno != EINTR) return ThrowErrno(iso, errno, "poll(fd=" + std::to_string(fd) + ")", "poll");
  if (rc <= 0) return a.GetReturnValue().SetNull();
  sockaddr_un from;
  memset(&from, 0, sizeof from);
  iovec iov{data, len};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
  msghdr mh;
  memset(&mh, 0, sizeof mh);
  mh.msg_name = &from;
  mh.msg_namelen = sizeof from;
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = control;
  mh.msg_controllen = sizeof control;
  ssize_t n;
  do n = recvmsg(static_cast<int>(fd), &mh, MSG_TRUNC | MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno == EAGAIN) return a.GetReturnValue().SetNull();
    return ThrowErrno(iso, errno, "recvmsg(fd=" + std::to_string(fd) + ")", "recvmsg");
  }
  size_t got = 0;
  for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c != nullptr; c = CMSG_NXTHDR(&mh, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    int* in = reinterpret_cast<int*>(CMSG_DATA(c));
    for (size_t i = 0; i < k; i++) {
      if (got < nfa && got < static_cast<size_t>(kMaxFds)) fdsOut[got++] = in[i];
      else close(in[i]);
    }
  }
  Local<Object> o = Object::New(iso);
  o->Set(ctx, Str(iso, "len"), v8::Number::New(iso, static_cast<double>(n))).Check();
  o->Set(ctx, Str(iso, "nfds"), v8::Integer::New(iso, static_cast<int32_t>(got))).Check();
  o->Set(ctx, Str(iso, "truncated"),
         v8::Boolean::New(iso, (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0 || static_cast<size_t>(n) > len)).Check();
  size_t plen = mh.msg_namelen > offsetof(sockaddr_un, sun_path) ? strnlen(from.sun_path, sizeof from.sun_path) : 0;
  o->Set(ctx, Str(iso, "path"), v8::String::NewFromUtf8(iso, from.sun_path, v8::NewStringType::kNormal,
                                                         static_cast<int>(plen)).ToLocalChecked()).Check();
  a.GetReturnValue().Set(o);
}

// mpClose(fd)
void Close(const FunctionCallbackInfo<Value>& a) {
  uint64_t fd;
  if (!ArgU(a, 0, "mpClose", 2147483647.0, &fd)) return;
  if (close(static_cast<int>(fd)) != 0 && errno != EINTR)
    ThrowErrno(a.GetIsolate(), errno, "close(fd=" + std::to_string(fd) + ")", "close");
}

}  // namespace

namespace tsdpdk {

void RegisterMp(v8::Local<v8::Object> exports) {
  NODE_SET_METHOD(exports, "mpBind", Bind);
  NODE_SET_METHOD(exports, "mpSend", Send);
  NODE_SET_METHOD(exports, "mpRecv", Recv);
  NODE_SET_METHOD(exports, "mpClose", Close);
}

}  // namespace tsdpdk
