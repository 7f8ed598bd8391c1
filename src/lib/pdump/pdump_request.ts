// The `mp_pdump` messages between a capture tool (secondary) and the primary: DPDK 22.11's
// struct pdump_request (112 bytes) and struct pdump_response (8 bytes). Where DPDK puts raw pointers
// (ring, mempool, BPF program) tsdpdk puts window offsets: its objects are found by offset in every process.

export const PDUMP_MP = 'mp_pdump';
export const PDUMP_REQ_SIZE = 112;
export const PDUMP_RESP_SIZE = 8;
export const PDUMP_OP_DISABLE = 1;
export const PDUMP_OP_ENABLE = 2;
/** Request versions: 1 = plain copies (pdump), 2 = pcapng copies (dumpcap). tsdpdk copies the same way for both. */
export const PDUMP_V1 = 1;
export const PDUMP_V2 = 2;
const DEVICE_LEN = 64;

export interface PdumpRequest {
  ver: number;
  op: number;
  flags: number;
  device: string;
  queue: number;
  ring: number;
  mempool: number;
  filter: number;
  snaplen: number;
}

export interface PdumpResponse {
  ver: number;
  op: number;
  /** 0 or -errno */
  err: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export function encodeRequest(r: PdumpRequest): Uint8Array {
  const b = new Uint8Array(PDUMP_REQ_SIZE);
  const v = new DataView(b.buffer);
  const name = enc.encode(r.device);
  if (name.length >= DEVICE_LEN) throw new RangeError(`pdump: device name '${r.device}' is longer than ${DEVICE_LEN - 1} bytes`);
  v.setUint16(0, r.ver, true);
  v.setUint16(2, r.op, true);
  v.setUint32(4, r.flags, true);
  b.set(name, 8);
  v.setUint16(72, r.queue, true);
  v.setBigUint64(80, BigInt(r.ring), true);
  v.setBigUint64(88, BigInt(r.mempool), true);
  v.setBigUint64(96, BigInt(r.filter), true);
  v.setUint32(104, r.snaplen, true);
  return b;
}

/** The request, or why it is malformed. */
export function decodeRequest(p: Uint8Array): PdumpRequest | string {
  if (p.length !== PDUMP_REQ_SIZE) return `request of ${p.length} bytes (expected ${PDUMP_REQ_SIZE})`;
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const ver = v.getUint16(0, true);
  const op = v.getUint16(2, true);
  if (ver !== PDUMP_V1 && ver !== PDUMP_V2) return `unknown request version ${ver}`;
  if (op !== PDUMP_OP_ENABLE && op !== PDUMP_OP_DISABLE) return `unknown operation ${op}`;
  const nul = p.subarray(8, 8 + DEVICE_LEN).indexOf(0);
  if (nul < 0) return 'device name is not NUL-terminated';
  const off = (at: number): number => {
    const x = v.getBigUint64(at, true);
    return x > 0xffffffffn ? -1 : Number(x);
  };
  const ring = off(80);
  const mempool = off(88);
  const filter = off(96);
  if (ring < 0 || mempool < 0 || filter < 0) return 'ring, mempool or filter offset beyond the shared window';
  return {
    ver, op, flags: v.getUint32(4, true), device: dec.decode(p.subarray(8, 8 + nul)), queue: v.getUint16(72, true),
    ring, mempool, filter, snaplen: v.getUint32(104, true),
  };
}

export function encodeResponse(r: PdumpResponse): Uint8Array {
  const b = new Uint8Array(PDUMP_RESP_SIZE);
  const v = new DataView(b.buffer);
  v.setUint16(0, r.ver, true);
  v.setUint16(2, r.op, true);
  v.setInt32(4, r.err, true);
  return b;
}

export function decodeResponse(p: Uint8Array): PdumpResponse | string {
  if (p.length !== PDUMP_RESP_SIZE) return `response of ${p.length} bytes (expected ${PDUMP_RESP_SIZE})`;
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  return { ver: v.getUint16(0, true), op: v.getUint16(2, true), err: v.getInt32(4, true) };
}
