// tsdpdk native addon: the few Linux calls Node has no API for (mmap over a
// SharedArrayBuffer, memfd, fallocate, fcntl locks, CPU affinity, gettid).
// All policy lives in TypeScript; every function here is a thin, checked syscall.
//
// Plain V8 API, not N-API: N-API in Node 20 cannot reach a SharedArrayBuffer's
// backing store.

#include <node.h>
#include <v8.h>

#include "common.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#ifndef HUGETLBFS_MAGIC
#define HUGETLBFS_MAGIC 0x958458f6
#endif
#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x0004U
#endif

namespace tsdpdk {

using v8::Array;
using v8::BigInt;
using v8::Context;
using v8::Exception;
using v8::FunctionCallbackInfo;
using v8::Integer;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::SharedArrayBuffer;
using v8::String;
using v8::Value;

// Largest integer a JS number holds exactly.
constexpr double kMaxSafe = 9007199254740991.0;
// sched_setaffinity masks are sized from the largest id; cap it so a typo cannot allocate gigabytes.
constexpr double kMaxCpu = 65535.0;




// Argument errors that are not errno failures but must still carry a code.
void ThrowCoded(Isolate* iso, const std::string& msg, const char* code) {
  Local<Context> ctx = iso->GetCurrentContext();
  Local<Object> e = Exception::Error(Str(iso, msg)).As<Object>();
  e->Set(ctx, Str(iso, "code"), Str(iso, code)).Check();
  iso->ThrowException(e);
}



std::string Hex(uint64_t v) {
  char buf[32];
  snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// ---- argument readers: each throws and returns false on bad input ----

bool ArgSab(const FunctionCallbackInfo<Value>& a, int i, const char* fn,
            std::shared_ptr<v8::BackingStore>* out) {
  if (a.Length() <= i || !a[i]->IsSharedArrayBuffer()) {
    ThrowType(a.GetIsolate(), std::string(fn) + ": argument " + std::to_string(i + 1) +
                                  " must be a SharedArrayBuffer");
    return false;
  }
  *out = a[i].As<SharedArrayBuffer>()->GetBackingStore();
  return true;
}

bool ArgU64(const FunctionCallbackInfo<Value>& a, int i, const char* fn, const char* name,
            double max, uint64_t* out) {
  Isolate* iso = a.GetIsolate();
  if (a.Length() <= i || !a[i]->IsNumber()) {
    ThrowType(iso, std::string(fn) + ": " + name + " must be a number");
    return false;
  }
  double d = a[i].As<v8::Number>()->Value();
  if (!std::isfinite(d) || d != std::floor(d) || d < 0 || d > max) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", d);
    ThrowRange(iso, std::string(fn) + ": " + name + " must be an integer in [0, " +
                        std::to_string(static_cast<uint64_t>(max)) + "], got " + buf);
    return false;
  }
  *out = static_cast<uint64_t>(d);
  return true;
}

bool ArgFd(const FunctionCallbackInfo<Value>& a, int i, const char* fn, int* out) {
  uint64_t v;
  if (!ArgU64(a, i, fn, "fd", 2147483647.0, &v)) return false;
  *out = static_cast<int>(v);
  return true;
}

bool ArgBool(const FunctionCallbackInfo<Value>& a, int i, const char* fn, const char* name,
             bool* out) {
  if (a.Length() <= i || !a[i]->IsBoolean()) {
    ThrowType(a.GetIsolate(), std::string(fn) + ": " + name + " must be a boolean");
    return false;
  }
  *out = a[i]->IsTrue();
  return true;
}

// [off, off+len) must be a non-empty range inside the buffer.
bool CheckRange(Isolate* iso, const char* fn, const std::shared_ptr<v8::BackingStore>& bs,
                uint64_t off, uint64_t len) {
  uint64_t size = bs->ByteLength();
  if (len == 0 || off > size || len > size - off) {
    ThrowRange(iso, std::string(fn) + ": byteOffset+length (" + std::to_string(off) + "+" +
                        std::to_string(len) + ") must be non-empty and within the buffer's " +
                        std::to_string(size) + " bytes");
    return false;
  }
  return true;
}

uint64_t PageSize() { return static_cast<uint64_t>(sysconf(_SC_PAGESIZE)); }

// Fresh private zero pages, flagged like V8's own reservation.
void* MapAnon(void* addr, size_t len) {
  return mmap(addr, len, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
}

// ---- exported functions ----

void BufferAddress(const FunctionCallbackInfo<Value>& a) {
  std::shared_ptr<v8::BackingStore> bs;
  if (!ArgSab(a, 0, "bufferAddress", &bs)) return;
  a.GetReturnValue().Set(BigInt::NewFromUnsigned(
      a.GetIsolate(), static_cast<uint64_t>(reinterpret_cast<uintptr_t>(bs->Data()))));
}

// mapFile(sab, byteOffset, length, fd, fileOffset, populate)
void MapFile(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  const char* fn = "mapFile";
  std::shared_ptr<v8::BackingStore> bs;
  uint64_t off, len, foff;
  int fd;
  bool populate;
  if (!ArgSab(a, 0, fn, &bs) || !ArgU64(a, 1, fn, "byteOffset", kMaxSafe, &off) ||
      !ArgU64(a, 2, fn, "length", kMaxSafe, &len) || !ArgFd(a, 3, fn, &fd) ||
      !ArgU64(a, 4, fn, "fileOffset", kMaxSafe, &foff) ||
      !ArgBool(a, 5, fn, "populate", &populate) || !CheckRange(iso, fn, bs, off, len))
    return;

  std::string call = "mmap(len=" + std::to_string(len) + ", fd=" + std::to_string(fd) +
                     (foff ? ", off=" + std::to_string(foff) : "") + ")";

  // hugetlbfs rounds a short length up to a whole hugepage, which would map past
  // the range we checked, so enforce the file's page size ourselves.
  struct statfs sfs;
  if (fstatfs(fd, &sfs) != 0) return ThrowErrno(iso, errno, call, "fstatfs");
  bool huge = static_cast<uint64_t>(sfs.f_type) == HUGETLBFS_MAGIC;
  uint64_t align = huge ? static_cast<uint64_t>(sfs.f_bsize) : PageSize();
  uint64_t addr = reinterpret_cast<uintptr_t>(bs->Data()) + off;
  if (addr % align || len % align || foff % align) {
    return ThrowRange(iso, std::string(fn) + ": address " + Hex(addr) + " (byteOffset " +
                               std::to_string(off) + "), length " + std::to_string(len) +
                               " and fileOffset " + std::to_string(foff) +
                               " must be multiples of " + std::to_string(align) +
                               (huge ? " (hugetlbfs page size)" : " (page size)"));
  }
  // Touching a shared file mapping past EOF raises SIGBUS; hugetlbfs extends the file itself.
  if (!huge) {
    struct stat st;
    if (fstat(fd, &st) != 0) return ThrowErrno(iso, errno, call, "fstat");
    if (static_cast<uint64_t>(st.st_size) < foff + len) {
      return ThrowCoded(iso, call + ": file is " + std::to_string(st.st_size) +
                                 " bytes but the mapping needs " + std::to_string(foff + len) +
                                 " (ftruncate it first; pages past EOF raise SIGBUS)",
                        "EINVAL");
    }
  }

  void* want = reinterpret_cast<void*>(addr);
  int flags = MAP_SHARED | MAP_FIXED | (populate ? MAP_POPULATE : 0);
  void* got = mmap(want, len, PROT_READ | PROT_WRITE, flags, fd, static_cast<off_t>(foff));
  if (got == MAP_FAILED) {
    int err = errno;
    // Some kernels drop the old pages before failing; never leave a hole that V8 would fault on.
    if (msync(want, len, MS_ASYNC) != 0 && errno == ENOMEM) MapAnon(want, len);
    return ThrowErrno(iso, err, call, "mmap");
  }
  if (got != want) {  // cannot happen with MAP_FIXED; refuse to leave a stray mapping
    munmap(got, len);
    return ThrowCoded(iso, call + ": kernel placed the mapping elsewhere", "EFAULT");
  }
}

// unmapRegion(sab, byteOffset, length)
void UnmapRegion(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  const char* fn = "unmapRegion";
  std::shared_ptr<v8::BackingStore> bs;
  uint64_t off, len;
  if (!ArgSab(a, 0, fn, &bs) || !ArgU64(a, 1, fn, "byteOffset", kMaxSafe, &off) ||
      !ArgU64(a, 2, fn, "length", kMaxSafe, &len) || !CheckRange(iso, fn, bs, off, len))
    return;
  uint64_t addr = reinterpret_cast<uintptr_t>(bs->Data()) + off;
  uint64_t ps = PageSize();
  if (addr % ps || len % ps) {
    return ThrowRange(iso, std::string(fn) + ": address " + Hex(addr) + " (byteOffset " +
                               std::to_string(off) + ") and length " + std::to_string(len) +
                               " must be multiples of the page size " + std::to_string(ps));
  }
  // Replacing (not munmap) keeps the range valid for V8 and JS views.
  if (MapAnon(reinterpret_cast<void*>(addr), len) == MAP_FAILED)
    return ThrowErrno(iso, errno, "mmap(anonymous, len=" + std::to_string(len) + ")", "mmap");
}

// memfdCreate(name, hugetlb) -> fd
void MemfdCreate(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  if (a.Length() < 1 || !a[0]->IsString()) return ThrowType(iso, "memfdCreate: name must be a string");
  bool huge;
  if (!ArgBool(a, 1, "memfdCreate", "hugetlb", &huge)) return;
  String::Utf8Value name(iso, a[0]);
  unsigned flags = MFD_CLOEXEC | (huge ? MFD_HUGETLB : 0);
  int fd = static_cast<int>(syscall(SYS_memfd_create, *name, flags));
  if (fd < 0)
    return ThrowErrno(iso, errno,
                      std::string("memfd_create(") + *name + (huge ? ", MFD_HUGETLB" : "") + ")",
                      "memfd_create");
  a.GetReturnValue().Set(fd);
}

// fallocate(fd, offset, length)
void Fallocate(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  const char* fn = "fallocate";
  int fd;
  uint64_t off, len;
  if (!ArgFd(a, 0, fn, &fd) || !ArgU64(a, 1, fn, "offset", kMaxSafe, &off) ||
      !ArgU64(a, 2, fn, "length", kMaxSafe, &len))
    return;
  int rc;
  do rc = fallocate(fd, 0, static_cast<off_t>(off), static_cast<off_t>(len));
  while (rc != 0 && errno == EINTR);
  if (rc != 0)
    ThrowErrno(iso, errno,
               "fallocate(fd=" + std::to_string(fd) + ", off=" + std::to_string(off) +
                   ", len=" + std::to_string(len) + ")",
               "fallocate");
}

// lockFile(fd, exclusive, wait) -> bool
void LockFile(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  const char* fn = "lockFile";
  int fd;
  bool excl, wait;
  if (!ArgFd(a, 0, fn, &fd) || !ArgBool(a, 1, fn, "exclusive", &excl) ||
      !ArgBool(a, 2, fn, "wait", &wait))
    return;
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = excl ? F_WRLCK : F_RDLCK;
  fl.l_whence = SEEK_SET;  // l_start = l_len = 0: the whole file, however it grows
  int rc;
  do rc = fcntl(fd, wait ? F_SETLKW : F_SETLK, &fl);
  while (rc != 0 && errno == EINTR);
  if (rc == 0) return a.GetReturnValue().Set(true);
  if (!wait && (errno == EAGAIN || errno == EACCES)) return a.GetReturnValue().Set(false);
  ThrowErrno(iso, errno,
             std::string("fcntl(fd=") + std::to_string(fd) + (wait ? ", F_SETLKW, " : ", F_SETLK, ") +
                 (excl ? "F_WRLCK)" : "F_RDLCK)"),
             "fcntl");
}

// unlockFile(fd)
void UnlockFile(const FunctionCallbackInfo<Value>& a) {
  int fd;
  if (!ArgFd(a, 0, "unlockFile", &fd)) return;
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = F_UNLCK;
  fl.l_whence = SEEK_SET;
  if (fcntl(fd, F_SETLK, &fl) != 0)
    ThrowErrno(a.GetIsolate(), errno, "fcntl(fd=" + std::to_string(fd) + ", F_SETLK, F_UNLCK)",
               "fcntl");
}

// setAffinity(cpus: number[]) for the calling thread
void SetAffinity(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  Local<Context> ctx = iso->GetCurrentContext();
  if (a.Length() < 1 || !a[0]->IsArray()) return ThrowType(iso, "setAffinity: cpus must be an array");
  Local<Array> arr = a[0].As<Array>();
  uint32_t n = arr->Length();
  if (n == 0) return ThrowRange(iso, "setAffinity: cpus must not be empty");
  std::vector<int> cpus;
  int max = 0;
  for (uint32_t i = 0; i < n; i++) {
    Local<Value> v;
    if (!arr->Get(ctx, i).ToLocal(&v)) return;
    if (!v->IsNumber()) return ThrowType(iso, "setAffinity: cpus must be numbers");
    double d = v.As<v8::Number>()->Value();
    if (!std::isfinite(d) || d != std::floor(d) || d < 0 || d > kMaxCpu)
      return ThrowRange(iso, "setAffinity: CPU ids must be integers in [0, 65535]");
    cpus.push_back(static_cast<int>(d));
    if (cpus.back() > max) max = cpus.back();
  }
  cpu_set_t* set = CPU_ALLOC(max + 1);
  if (!set) return ThrowErrno(iso, ENOMEM, "setAffinity", "malloc");
  size_t sz = CPU_ALLOC_SIZE(max + 1);
  CPU_ZERO_S(sz, set);
  std::string list;
  for (int c : cpus) {
    CPU_SET_S(c, sz, set);
    list += (list.empty() ? "" : ",") + std::to_string(c);
  }
  int rc = sched_setaffinity(0, sz, set);  // 0 = calling thread on Linux
  int err = errno;
  CPU_FREE(set);
  if (rc != 0) ThrowErrno(iso, err, "sched_setaffinity([" + list + "])", "sched_setaffinity");
}

// getAffinity() -> sorted CPU ids of the calling thread
void GetAffinity(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  Local<Context> ctx = iso->GetCurrentContext();
  // The kernel rejects masks smaller than its nr_cpu_ids; grow until it fits.
  for (int ncpu = 1024; ncpu <= (1 << 20); ncpu *= 2) {
    cpu_set_t* set = CPU_ALLOC(ncpu);
    if (!set) return ThrowErrno(iso, ENOMEM, "getAffinity", "malloc");
    size_t sz = CPU_ALLOC_SIZE(ncpu);
    CPU_ZERO_S(sz, set);
    if (sched_getaffinity(0, sz, set) != 0) {
      int err = errno;
      CPU_FREE(set);
      if (err == EINVAL) continue;
      return ThrowErrno(iso, err, "sched_getaffinity()", "sched_getaffinity");
    }
    Local<Array> out = Array::New(iso);
    uint32_t k = 0;
    for (int c = 0; c < ncpu; c++) {
      if (CPU_ISSET_S(c, sz, set)) out->Set(ctx, k++, Integer::New(iso, c)).Check();
    }
    CPU_FREE(set);
    return a.GetReturnValue().Set(out);
  }
  ThrowErrno(iso, EINVAL, "sched_getaffinity()", "sched_getaffinity");
}

void Gettid(const FunctionCallbackInfo<Value>& a) {
  a.GetReturnValue().Set(static_cast<int32_t>(syscall(SYS_gettid)));
}

}  // namespace tsdpdk

namespace tsdpdk { void RegisterSocket(v8::Local<v8::Object> exports); }
namespace tsdpdk { void RegisterPacket(v8::Local<v8::Object> exports); }
namespace tsdpdk { void RegisterTap(v8::Local<v8::Object> exports); }
namespace tsdpdk { void RegisterMp(v8::Local<v8::Object> exports); }
// Context-aware so worker_threads can load it too; the addon keeps no global state.
NODE_MODULE_INIT(/* exports, module, context */) {
  NODE_SET_METHOD(exports, "bufferAddress", tsdpdk::BufferAddress);
  NODE_SET_METHOD(exports, "mapFile", tsdpdk::MapFile);
  NODE_SET_METHOD(exports, "unmapRegion", tsdpdk::UnmapRegion);
  NODE_SET_METHOD(exports, "memfdCreate", tsdpdk::MemfdCreate);
  NODE_SET_METHOD(exports, "fallocate", tsdpdk::Fallocate);
  NODE_SET_METHOD(exports, "lockFile", tsdpdk::LockFile);
  NODE_SET_METHOD(exports, "unlockFile", tsdpdk::UnlockFile);
  NODE_SET_METHOD(exports, "setAffinity", tsdpdk::SetAffinity);
  NODE_SET_METHOD(exports, "getAffinity", tsdpdk::GetAffinity);
  NODE_SET_METHOD(exports, "gettid", tsdpdk::Gettid);
  tsdpdk::RegisterSocket(exports);
  tsdpdk::RegisterPacket(exports);
  tsdpdk::RegisterTap(exports);
  tsdpdk::RegisterMp(exports);
}
