// AF_PACKET (PACKET_MMAP, TPACKET_V2/V3) sockets and interface ioctls for net_af_packet.
// Rings are mapped over part of the shared Memory so JS reads and writes frames in place.

#include <node.h>
#include <v8.h>

#include "common.h"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
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







// ioctl on a throwaway AF_INET datagram socket (needs no CAP_NET_RAW).
int IfIoctl(unsigned long req, struct ifreq* ifr) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return errno;
  int rc = ioctl(s, req, ifr);
  int err = rc < 0 ? errno : 0;
  close(s);
  return err;
}


// packetIfInfo(name) -> { ifindex, mac: number[6], mtu, flags }
void IfInfo(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  Local<Context> ctx = iso->GetCurrentContext();
  std::string name;
  if (!ArgIfName(a, 0, "packetIfInfo", &name)) return;
  struct ifreq ifr;
  InitIfr(&ifr, name);
  if (int e = IfIoctl(SIOCGIFINDEX, &ifr)) return ThrowErrno(iso, e, "ioctl(" + name + ", SIOCGIFINDEX)", "ioctl");
  int index = ifr.ifr_ifindex;
  InitIfr(&ifr, name);
  if (int e = IfIoctl(SIOCGIFHWADDR, &ifr)) return ThrowErrno(iso, e, "ioctl(" + name + ", SIOCGIFHWADDR)", "ioctl");
  unsigned char mac[6];
  memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
  int hwtype = ifr.ifr_hwaddr.sa_family;
  InitIfr(&ifr, name);
  if (int e = IfIoctl(SIOCGIFMTU, &ifr)) return ThrowErrno(iso, e, "ioctl(" + name + ", SIOCGIFMTU)", "ioctl");
  int mtu = ifr.ifr_mtu;
  InitIfr(&ifr, name);
  if (int e = IfIoctl(SIOCGIFFLAGS, &ifr)) return ThrowErrno(iso, e, "ioctl(" + name + ", SIOCGIFFLAGS)", "ioctl");
  int flags = static_cast<unsigned short>(ifr.ifr_flags);
  Local<Object> o = Object::New(iso);
  v8::Local<v8::Array> m = v8::Array::New(iso, 6);
  for (int i = 0; i < 6; i++) m->Set(ctx, i, Integer::New(iso, mac[i])).Check();
  o->Set(ctx, Str(iso, "ifindex"), Integer::New(iso, index)).Check();
  o->Set(ctx, Str(iso, "mac"), m).Check();
  o->Set(ctx, Str(iso, "hwtype"), Integer::New(iso, hwtype)).Check();
  o->Set(ctx, Str(iso, "mtu"), Integer::New(iso, mtu)).Check();
  o->Set(ctx, Str(iso, "flags"), Integer::New(iso, flags)).Check();
  a.GetReturnValue().Set(o);
}

// packetIfSetFlags(name, set, clear): SIOCGIFFLAGS, then SIOCSIFFLAGS when something changes.
void IfSetFlags(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  std::string name;
  uint64_t set, clr;
  if (!ArgIfName(a, 0, "packetIfSetFlags", &name) || !ArgU(a, 1, "packetIfSetFlags", 65535, &set) ||
      !ArgU(a, 2, "packetIfSetFlags", 65535, &clr))
    return;
  struct ifreq ifr;
  InitIfr(&ifr, name);
  if (int e = IfIoctl(SIOCGIFFLAGS, &ifr)) return ThrowErrno(iso, e, "ioctl(" + name + ", SIOCGIFFLAGS)", "ioctl");
  short cur = ifr.ifr_flags;
  ifr.ifr_flags = static_cast<short>((cur & ~static_cast<short>(clr)) | static_cast<short>(set));
  if (ifr.ifr_flags == cur) return;
  if (int e = IfIoctl(SIOCSIFFLAGS, &ifr)) return ThrowErrno(iso, e, "ioctl(" + name + ", SIOCSIFFLAGS)", "ioctl");
}

// packetIfSetMtu(name, mtu)
void IfSetMtu(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  std::string name;
  uint64_t mtu;
  if (!ArgIfName(a, 0, "packetIfSetMtu", &name) || !ArgU(a, 1, "packetIfSetMtu", 2147483647.0, &mtu)) return;
  struct ifreq ifr;
  InitIfr(&ifr, name);
  ifr.ifr_mtu = static_cast<int>(mtu);
  if (int e = IfIoctl(SIOCSIFMTU, &ifr))
    return ThrowErrno(iso, e, "ioctl(" + name + ", SIOCSIFMTU, " + std::to_string(mtu) + ")", "ioctl");
}

// packetIfSetMac(name, mac: number[6])
void IfSetMac(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  Local<Context> ctx = iso->GetCurrentContext();
  std::string name;
  if (!ArgIfName(a, 0, "packetIfSetMac", &name)) return;
  if (a.Length() < 2 || !a[1]->IsArray() || a[1].As<v8::Array>()->Length() != 6)
    return ThrowType(iso, "packetIfSetMac: mac must be an array of 6 numbers");
  struct ifreq ifr;
  InitIfr(&ifr, name);
  ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
  for (uint32_t i = 0; i < 6; i++) {
    Local<Value> v;
    if (!a[1].As<v8::Array>()->Get(ctx, i).ToLocal(&v) || !v->IsNumber())
      return ThrowType(iso, "packetIfSetMac: mac must be an array of 6 numbers");
    ifr.ifr_hwaddr.sa_data[i] = static_cast<char>(v.As<Number>()->Value());
  }
  if (int e = IfIoctl(SIOCSIFHWADDR, &ifr)) return ThrowErrno(iso, e, "ioctl(" + name + ", SIOCSIFHWADDR)", "ioctl");
}

// packetSocket(ifindex, version, rings, blockSize, blockNr, frameSize, frameNr, retireTovMs, qdiscBypass,
//              fanoutArg, ignoreOutgoing) -> fd
// TPACKET_V2 or V3 socket with an RX ring (rings & 1) and/or a TX ring (rings & 2) of the same geometry,
// PACKET_LOSS, bound to ifindex. The socket is created with protocol 0 and only bound with ETH_P_ALL once
// the rings exist, so no other interface's frame can land in the ring; a TX-only socket stays protocol 0
// and receives nothing. V3 RX blocks retire after retireTovMs (0 = kernel default); the V3 TX ring takes
// tpacket_req3 with those fields zero (kernel >= 4.11). fanoutArg 0 = no PACKET_FANOUT.
void PacketSocket(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  const char* fn = "packetSocket";
  uint64_t ifindex, version, rings, bs, bn, fs, fnr, tov, bypass, fanout, ignoreOut;
  if (!ArgU(a, 0, fn, 2147483647.0, &ifindex) || !ArgU(a, 1, fn, 3, &version) || !ArgU(a, 2, fn, 3, &rings) ||
      !ArgU(a, 3, fn, 4294967295.0, &bs) || !ArgU(a, 4, fn, 4294967295.0, &bn) ||
      !ArgU(a, 5, fn, 4294967295.0, &fs) || !ArgU(a, 6, fn, 4294967295.0, &fnr) ||
      !ArgU(a, 7, fn, 4294967295.0, &tov) || !ArgU(a, 8, fn, 1, &bypass) ||
      !ArgU(a, 9, fn, 4294967295.0, &fanout) || !ArgU(a, 10, fn, 1, &ignoreOut))
    return;
  if (version != 2 && version != 3) return ThrowType(iso, "packetSocket: version must be 2 or 3");
  if (rings == 0) return ThrowType(iso, "packetSocket: rings must name the RX ring (1), the TX ring (2) or both");
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) return ThrowErrno(iso, errno, "socket(AF_PACKET, SOCK_RAW)", "socket");
  auto opt = [&](int name, const void* v, socklen_t len, const char* what) -> bool {
    if (setsockopt(fd, SOL_PACKET, name, v, len) == 0) return true;
    int e = errno;
    close(fd);
    ThrowErrno(iso, e, std::string("setsockopt(SOL_PACKET, ") + what + ")", "setsockopt");
    return false;
  };
  int ver = version == 3 ? TPACKET_V3 : TPACKET_V2, one = 1, byp = static_cast<int>(bypass);
  if (!opt(PACKET_VERSION, &ver, sizeof ver, version == 3 ? "PACKET_VERSION=TPACKET_V3" : "PACKET_VERSION=TPACKET_V2")) return;
  if ((rings & 2) && !opt(PACKET_LOSS, &one, sizeof one, "PACKET_LOSS")) return;
  if (byp && !opt(PACKET_QDISC_BYPASS, &byp, sizeof byp, "PACKET_QDISC_BYPASS")) return;
  if (ignoreOut && !opt(PACKET_IGNORE_OUTGOING, &one, sizeof one, "PACKET_IGNORE_OUTGOING")) return;
  struct tpacket_req3 req;
  memset(&req, 0, sizeof req);
  req.tp_block_size = static_cast<unsigned>(bs);
  req.tp_block_nr = static_cast<unsigned>(bn);
  req.tp_frame_size = static_cast<unsigned>(fs);
  req.tp_frame_nr = static_cast<unsigned>(fnr);
  socklen_t reqLen = version == 3 ? sizeof(struct tpacket_req3) : sizeof(struct tpacket_req);
  if (rings & 1) {
    req.tp_retire_blk_tov = static_cast<unsigned>(tov);
    if (!opt(PACKET_RX_RING, &req, reqLen, "PACKET_RX_RING")) return;
    req.tp_retire_blk_tov = 0;
  }
  if ((rings & 2) && !opt(PACKET_TX_RING, &req, reqLen, "PACKET_TX_RING")) return;
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = (rings & 1) ? htons(ETH_P_ALL) : 0;
  sll.sll_ifindex = static_cast<int>(ifindex);
  if (bind(fd, reinterpret_cast<struct sockaddr*>(&sll), sizeof sll) != 0) {
    int e = errno;
    close(fd);
    return ThrowErrno(iso, e, "bind(AF_PACKET, ifindex=" + std::to_string(ifindex) + ")", "bind");
  }
  if (fanout) {
    int f = static_cast<int>(fanout);
    if (!opt(PACKET_FANOUT, &f, sizeof f, "PACKET_FANOUT")) return;
  }
  a.GetReturnValue().Set(fd);
}

// packetMapRing(sab, byteOffset, length, fd): mmap the socket's rings (RX then TX) MAP_SHARED|MAP_FIXED.
void PacketMapRing(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  const char* fn = "packetMapRing";
  if (a.Length() < 1 || !a[0]->IsSharedArrayBuffer()) return ThrowType(iso, "packetMapRing: argument 1 must be a SharedArrayBuffer");
  std::shared_ptr<v8::BackingStore> bs = a[0].As<v8::SharedArrayBuffer>()->GetBackingStore();
  uint64_t off, len, fd;
  if (!ArgU(a, 1, fn, 9007199254740991.0, &off) || !ArgU(a, 2, fn, 9007199254740991.0, &len) ||
      !ArgU(a, 3, fn, 2147483647.0, &fd))
    return;
  uint64_t ps = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  uint64_t addr = reinterpret_cast<uintptr_t>(bs->Data()) + off;
  if (len == 0 || off > bs->ByteLength() || len > bs->ByteLength() - off || addr % ps || len % ps) {
    iso->ThrowException(Exception::RangeError(
        Str(iso, "packetMapRing: range " + std::to_string(off) + "+" + std::to_string(len) +
                   " must be page aligned and inside the buffer")));
    return;
  }
  void* want = reinterpret_cast<void*>(addr);
  void* got = mmap(want, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, static_cast<int>(fd), 0);
  if (got == MAP_FAILED) {
    int e = errno;
    // Never leave a hole under V8.
    mmap(want, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
    return ThrowErrno(iso, e, "mmap(PACKET ring, len=" + std::to_string(len) + ")", "mmap");
  }
}

// packetKick(fd) -> 0 or errno; never throws (data path).
void PacketKick(const FunctionCallbackInfo<Value>& a) {
  int fd = static_cast<int>(a[0].As<Number>()->Value());
  ssize_t r = send(fd, nullptr, 0, MSG_DONTWAIT);
  a.GetReturnValue().Set(r < 0 ? errno : 0);
}

// packetStats(fd) -> [tp_packets, tp_drops, tp_freeze_q_cnt] since the last call (the kernel resets them;
// a V2 socket fills only the first two, freeze stays 0).
void PacketStats(const FunctionCallbackInfo<Value>& a) {
  Isolate* iso = a.GetIsolate();
  Local<Context> ctx = iso->GetCurrentContext();
  uint64_t fd;
  if (!ArgU(a, 0, "packetStats", 2147483647.0, &fd)) return;
  struct tpacket_stats_v3 st;
  memset(&st, 0, sizeof st);
  socklen_t len = sizeof st;
  if (getsockopt(static_cast<int>(fd), SOL_PACKET, PACKET_STATISTICS, &st, &len) != 0)
    return ThrowErrno(iso, errno, "getsockopt(PACKET_STATISTICS)", "getsockopt");
  v8::Local<v8::Array> out = v8::Array::New(iso, 3);
  out->Set(ctx, 0, Number::New(iso, st.tp_packets)).Check();
  out->Set(ctx, 1, Number::New(iso, st.tp_drops)).Check();
  out->Set(ctx, 2, Number::New(iso, st.tp_freeze_q_cnt)).Check();
  a.GetReturnValue().Set(out);
}

// packetPromisc(fd, ifindex): PACKET_ADD_MEMBERSHIP PACKET_MR_PROMISC (undone by the kernel when the
// socket closes, unlike IFF_PROMISC), as libpcap does for a promiscuous capture.
void PacketPromisc(const FunctionCallbackInfo<Value>& a) {
  uint64_t fd, ifindex;
  if (!ArgU(a, 0, "packetPromisc", 2147483647.0, &fd) || !ArgU(a, 1, "packetPromisc", 2147483647.0, &ifindex)) return;
  struct packet_mreq mr;
  memset(&mr, 0, sizeof mr);
  mr.mr_ifindex = static_cast<int>(ifindex);
  mr.mr_type = PACKET_MR_PROMISC;
  if (setsockopt(static_cast<int>(fd), SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) != 0)
    ThrowErrno(a.GetIsolate(), errno, "setsockopt(SOL_PACKET, PACKET_ADD_MEMBERSHIP, PACKET_MR_PROMISC)", "setsockopt");
}

// packetClose(fd)
void PacketClose(const FunctionCallbackInfo<Value>& a) {
  uint64_t fd;
  if (!ArgU(a, 0, "packetClose", 2147483647.0, &fd)) return;
  if (close(static_cast<int>(fd)) != 0) ThrowErrno(a.GetIsolate(), errno, "close(" + std::to_string(fd) + ")", "close");
}

}  // namespace

void RegisterPacket(Local<Object> exports) {
  NODE_SET_METHOD(exports, "packetIfInfo", IfInfo);
  NODE_SET_METHOD(exports, "packetIfSetFlags", IfSetFlags);
  NODE_SET_METHOD(exports, "packetIfSetMtu", IfSetMtu);
  NODE_SET_METHOD(exports, "packetIfSetMac", IfSetMac);
  NODE_SET_METHOD(exports, "packetSocket", PacketSocket);
  NODE_SET_METHOD(exports, "packetMapRing", PacketMapRing);
  NODE_SET_METHOD(exports, "packetKick", PacketKick);
  NODE_SET_METHOD(exports, "packetStats", PacketStats);
  NODE_SET_METHOD(exports, "packetClose", PacketClose);
  NODE_SET_METHOD(exports, "packetPromisc", PacketPromisc);
}

}  // namespace tsdpdk
