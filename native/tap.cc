// TUN/TAP queues and interface ioctls for net_tap. Frames move in bursts: one native call reads
// (or writes) many frames between the fd and the shared Memory.

#include <node.h>
#include <v8.h>

#include "common.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace tsdpdk {
namespace {

using v8::Context;
using v8::Exception;
using v8::FunctionCallbackInfo;
using v8::Integer;
using v8::Isolate;
using v8::Local;
using v8::Number;
using v8::Object;
using v8::String;
using v8::Value;

constexpr int kMaxSegs = 64;  // iovecs per Tx packet







// Base address of a SharedArrayBuffer argument, with [off, off+len) checked.
uint8_t* ArgMem(const FunctionCallbackInfo<Value>& a, int i, const char* fn, uint64_t off, uint64_t len) {
  Isolate* iso = a.GetIsolate();
  if (a.Length() <= i || !a[i]->IsSharedArrayBuffer()) {
    ThrowType(iso, std::string(fn) + ": argument " + std::to_string(i + 1) + " must be a SharedArrayBuffer");
    return nullptr;
  }
  std::shared_ptr<v8::BackingStore> bs = a[i].As<v8::SharedArrayBuffer>()->GetBackingStore();
  uint64_t size = bs->ByteLength();
  if (off > size || len > size - off) {
    iso->ThrowException(Exception::RangeError(
        Str(iso, std::string(fn) + ": range " + std::to_string(off) + "+" + std::to_string(len) + " is outside the buffer")));
    return nullptr;
  }
  return static_cast<uint8_t*>(bs->Data());
}


// tapOpen(name, persist) -> [fd, ifname]: a nonblocking TAP queue (IFF_TAP|IFF_NO_PI|IFF_MULTI_QUEUE).
// A name with %d is completed by the kernel. persist: TUNSETPERSIST 1 on this fd.
void TapOpen(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  Local<Context> ctx = iso->GetCurrentContext();
  std::string name;
  if (!ArgIfName(a, 0, "tapOpen", &name)) return;
  if (a.Length() < 2 || !a[1]->IsBoolean()) return ThrowType(iso, "tapOpen: persist must be a boolean");
  bool persist = a[1]->IsTrue();
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return ThrowErrno(iso, errno, "open(/dev/net/tun)", "open");
  struct ifreq ifr;
  InitIfr(&ifr, name);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_MULTI_QUEUE;
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int e = errno;
    close(fd);
    return ThrowErrno(iso, e, "ioctl(TUNSETIFF, " + name + ", IFF_TAP|IFF_NO_PI|IFF_MULTI_QUEUE)", "ioctl");
  }
  if (persist && ioctl(fd, TUNSETPERSIST, 1) < 0) {
    int e = errno;
    close(fd);
    return ThrowErrno(iso, e, "ioctl(TUNSETPERSIST, " + name + ")", "ioctl");
  }
  char got[IFNAMSIZ + 1];
  memcpy(got, ifr.ifr_name, IFNAMSIZ);
  got[IFNAMSIZ] = 0;
  v8::Local<v8::Array> out = v8::Array::New(iso, 2);
  out->Set(ctx, 0, Integer::New(iso, fd)).Check();
  out->Set(ctx, 1, Str(iso, got)).Check();
  a.GetReturnValue().Set(out);
}

// tapSetPersist(fd, on)
void TapSetPersist(const FunctionCallbackInfo<Value>& a) {
  uint64_t fd, on;
  if (!ArgU(a, 0, "tapSetPersist", 2147483647.0, &fd) || !ArgU(a, 1, "tapSetPersist", 1, &on)) return;
  if (ioctl(static_cast<int>(fd), TUNSETPERSIST, static_cast<unsigned long>(on)) < 0)
    ThrowErrno(a.GetIsolate(), errno, "ioctl(TUNSETPERSIST)", "ioctl");
}

// tapClose(fd)
void TapClose(const FunctionCallbackInfo<Value>& a) {
  uint64_t fd;
  if (!ArgU(a, 0, "tapClose", 2147483647.0, &fd)) return;
  if (close(static_cast<int>(fd)) != 0) ThrowErrno(a.GetIsolate(), errno, "close(" + std::to_string(fd) + ")", "close");
}

// tapReadBurst(fd, sab, memOff, frameSize, maxFrames, lensOff) -> frames read (>= 0) or -errno.
// Frame i goes to memOff + i*frameSize, its length to the u32 at lensOff + 4*i. Stops at EAGAIN.
void TapReadBurst(const FunctionCallbackInfo<Value>& a) {
  const char* fn = "tapReadBurst";
  uint64_t fd, off, fs, max, lens;
  if (!ArgU(a, 0, fn, 2147483647.0, &fd) || !ArgU(a, 2, fn, 9007199254740991.0, &off) ||
      !ArgU(a, 3, fn, 1 << 24, &fs) || !ArgU(a, 4, fn, 65536, &max) || !ArgU(a, 5, fn, 9007199254740991.0, &lens))
    return;
  uint8_t* base = ArgMem(a, 1, fn, off, fs * max);
  if (base == nullptr || ArgMem(a, 1, fn, lens, 4 * max) == nullptr) return;
  uint32_t* lv = reinterpret_cast<uint32_t*>(base + lens);
  uint64_t k = 0;
  while (k < max) {
    ssize_t r = read(static_cast<int>(fd), base + off + k * fs, fs);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || k > 0) break;
      return a.GetReturnValue().Set(-errno);
    }
    lv[k++] = static_cast<uint32_t>(r);
  }
  a.GetReturnValue().Set(static_cast<double>(k));
}

// tapWriteBurst(fd, sab, base, listOff, nPkts) -> packets consumed. Offsets are relative to base.
// List: per packet u32 nsegs, u32 status, then nsegs x (u32 offset, u32 len). Each packet is one
// writev. Stops at EAGAIN/ENOBUFS (not consumed); other errors drop the packet and set status=errno.
void TapWriteBurst(const FunctionCallbackInfo<Value>& a) {
  const char* fn = "tapWriteBurst";
  uint64_t fd, boff, list, n;
  if (!ArgU(a, 0, fn, 2147483647.0, &fd) || !ArgU(a, 2, fn, 9007199254740991.0, &boff) ||
      !ArgU(a, 3, fn, 9007199254740991.0, &list) || !ArgU(a, 4, fn, 65536, &n))
    return;
  uint8_t* base = ArgMem(a, 1, fn, boff, 0);
  if (base == nullptr) return;
  base += boff;
  uint64_t size = a[1].As<v8::SharedArrayBuffer>()->ByteLength() - boff;
  if (list > size || size - list < 8) {
    a.GetIsolate()->ThrowException(Exception::RangeError(Str(a.GetIsolate(), std::string(fn) + ": list is outside the buffer")));
    return;
  }
  struct iovec iov[kMaxSegs];
  uint64_t p = list;
  uint64_t k = 0;
  for (; k < n; k++) {
    if (p + 8 > size) break;
    uint32_t* h = reinterpret_cast<uint32_t*>(base + p);
    uint32_t ns = h[0];
    if (ns > kMaxSegs || p + 8 + 8ull * ns > size) {
      h[1] = EINVAL;
      break;
    }
    if (ns == 0) {  // dropped by the caller: status kept
      p += 8;
      continue;
    }
    bool bad = false;
    for (uint32_t s = 0; s < ns; s++) {
      uint64_t o = h[2 + 2 * s], l = h[3 + 2 * s];
      if (o + l > size) bad = true;
      iov[s].iov_base = base + o;
      iov[s].iov_len = l;
    }
    if (bad) {
      h[1] = EFAULT;
    } else {
      ssize_t r;
      do r = writev(static_cast<int>(fd), iov, static_cast<int>(ns));
      while (r < 0 && errno == EINTR);
      if (r < 0 && (errno == EAGAIN || errno == ENOBUFS)) break;
      h[1] = r < 0 ? errno : 0;
    }
    p += 8 + 8ull * ns;
  }
  a.GetReturnValue().Set(static_cast<double>(k));
}

}  // namespace

void RegisterTap(Local<Object> exports) {
  NODE_SET_METHOD(exports, "tapOpen", TapOpen);
  NODE_SET_METHOD(exports, "tapSetPersist", TapSetPersist);
  NODE_SET_METHOD(exports, "tapClose", TapClose);
  NODE_SET_METHOD(exports, "tapReadBurst", TapReadBurst);
  NODE_SET_METHOD(exports, "tapWriteBurst", TapWriteBurst);
}

}  // namespace tsdpdk
