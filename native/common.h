// Helpers shared by the addon's source files: errno names, JS errors, argument readers.
#ifndef TSDPDK_NATIVE_COMMON_H_
#define TSDPDK_NATIVE_COMMON_H_

#include <node.h>
#include <v8.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include <net/if.h>

namespace tsdpdk {

inline const char* ErrnoName(int err) {
  switch (err) {
#define E(x) case x: return #x;
    E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG) E(ENOEXEC) E(EBADF)
    E(ECHILD) E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT) E(EBUSY) E(EEXIST) E(EXDEV)
    E(ENODEV) E(ENOTDIR) E(EISDIR) E(EINVAL) E(ENFILE) E(EMFILE) E(ETXTBSY) E(EFBIG)
    E(ENOSPC) E(ESPIPE) E(EROFS) E(EMLINK) E(EPIPE) E(ERANGE) E(EDEADLK) E(ENAMETOOLONG)
    E(ENOLCK) E(ENOSYS) E(EOVERFLOW) E(EOPNOTSUPP) E(ETIMEDOUT) E(ENOTRECOVERABLE)
    E(ENOTSOCK) E(EMSGSIZE) E(EPROTOTYPE) E(EPROTONOSUPPORT) E(EADDRINUSE) E(EADDRNOTAVAIL)
    E(ENETDOWN) E(ECONNABORTED) E(ECONNRESET) E(ENOBUFS) E(EISCONN) E(ENOTCONN)
    E(ECONNREFUSED) E(ELOOP) E(EAFNOSUPPORT)
#undef E
    default: return "EUNKNOWN";
  }
}

inline v8::Local<v8::String> Str(v8::Isolate* iso, const std::string& s) {
  return v8::String::NewFromUtf8(iso, s.c_str()).ToLocalChecked();
}

// Throws Error("<call>: <strerror>") with code/errno/syscall like Node's own errors (errno positive,
// matching TsdpdkError).
inline void ThrowErrno(v8::Isolate* iso, int err, const std::string& call, const char* syscall_name) {
  v8::Local<v8::Context> ctx = iso->GetCurrentContext();
  v8::Local<v8::Object> e = v8::Exception::Error(Str(iso, call + ": " + strerror(err))).As<v8::Object>();
  e->Set(ctx, Str(iso, "code"), Str(iso, ErrnoName(err))).Check();
  e->Set(ctx, Str(iso, "errno"), v8::Integer::New(iso, err)).Check();
  e->Set(ctx, Str(iso, "syscall"), Str(iso, syscall_name)).Check();
  iso->ThrowException(e);
}

inline void ThrowType(v8::Isolate* iso, const std::string& msg) {
  iso->ThrowException(v8::Exception::TypeError(Str(iso, msg)));
}

inline void ThrowRange(v8::Isolate* iso, const std::string& msg) {
  iso->ThrowException(v8::Exception::RangeError(Str(iso, msg)));
}

// An integer argument in [0, max]; throws and returns false otherwise.
inline bool ArgU(const v8::FunctionCallbackInfo<v8::Value>& a, int i, const char* fn, double max, uint64_t* out) {
  v8::Isolate* iso = a.GetIsolate();
  if (a.Length() <= i || !a[i]->IsNumber()) {
    ThrowType(iso, std::string(fn) + ": argument " + std::to_string(i + 1) + " must be a number");
    return false;
  }
  double d = a[i].As<v8::Number>()->Value();
  if (!std::isfinite(d) || d != std::floor(d) || d < 0 || d > max) {
    ThrowRange(iso, std::string(fn) + ": argument " + std::to_string(i + 1) + " out of range");
    return false;
  }
  *out = static_cast<uint64_t>(d);
  return true;
}

// A network interface name (1..IFNAMSIZ-1 bytes).
inline bool ArgIfName(const v8::FunctionCallbackInfo<v8::Value>& a, int i, const char* fn, std::string* out) {
  v8::Isolate* iso = a.GetIsolate();
  if (a.Length() <= i || !a[i]->IsString()) {
    ThrowType(iso, std::string(fn) + ": interface name must be a string");
    return false;
  }
  v8::String::Utf8Value v(iso, a[i]);
  *out = *v;
  if (out->empty() || out->size() >= IFNAMSIZ) {
    ThrowRange(iso, std::string(fn) + ": interface name '" + *out + "' must have 1.." + std::to_string(IFNAMSIZ - 1) + " bytes");
    return false;
  }
  return true;
}

inline void InitIfr(struct ifreq* ifr, const std::string& name) {
  memset(ifr, 0, sizeof *ifr);
  memcpy(ifr->ifr_name, name.c_str(), name.size());
}

}  // namespace tsdpdk

#endif  // TSDPDK_NATIVE_COMMON_H_
