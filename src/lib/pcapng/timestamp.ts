// Timestamp arithmetic without BigInt on the per-packet path.
//
// A time is carried as two numbers: whole seconds since the epoch (`sec`) and nanoseconds within that
// second (`nsec`, 0..999999999). A single float64 of nanoseconds is exact only up to 2^53 ns (~104 days
// after 1970), so it cannot hold today's time; microseconds (sec*1e6 + usec) stay exact until ~2255.
// pcapng stores a 64-bit count of if_tsresol units split into two u32 halves; the conversions do long
// division in 16-bit digits so every intermediate stays below 2^53.

/** Results of the conversions below, so no result object is allocated per packet. */
export const tsScratch = new Float64Array(2);

const TWO16 = 65536;
const TWO32 = 4294967296;

/**
 * A pcapng timestamp resolution (if_tsresol): `unitsPerSec` is 10^n, or 2^n when the byte's high bit is
 * set. Exact integer math is used for unitsPerSec < 2^37 (decimal up to 10^-11 s, binary up to 2^-36 s);
 * finer resolutions are converted in floating point (sub-microsecond error).
 */
export class TsResolution {
  readonly raw: number;
  readonly unitsPerSec: number;
  readonly exact: boolean;
  private readonly nsMul: number;
  private readonly nsDiv: number;

  constructor(raw: number) {
    this.raw = raw & 0xff;
    const n = raw & 0x7f;
    this.unitsPerSec = raw & 0x80 ? 2 ** n : 10 ** n;
    this.exact = this.unitsPerSec < 2 ** 37;
    const u = this.unitsPerSec;
    if (u <= 1e9 && 1e9 % u === 0) {
      this.nsMul = 1e9 / u;
      this.nsDiv = 1;
    } else if (u > 1e9 && u % 1e9 === 0) {
      this.nsMul = 1;
      this.nsDiv = u / 1e9;
    } else {
      this.nsMul = 0;
      this.nsDiv = 0;
    }
  }

  /** Nanoseconds for `frac` units below one second. */
  fracToNs(frac: number): number {
    if (this.nsDiv === 1) return frac * this.nsMul;
    if (this.nsMul === 1) return Math.floor(frac / this.nsDiv);
    return Math.floor((frac * 1e9) / this.unitsPerSec);
  }

  /** Splits the 64-bit unit count hi:lo into tsScratch[0] = seconds, tsScratch[1] = units below a second. */
  split(hi: number, lo: number): void {
    const u = this.unitsPerSec;
    if (!this.exact) {
      const v = hi * TWO32 + lo;
      const s = Math.floor(v / u);
      tsScratch[0] = s;
      tsScratch[1] = Math.max(0, Math.min(u - 1, v - s * u));
      return;
    }
    let q = 0;
    let r = 0;
    for (let i = 0; i < 4; i++) {
      const d = i === 0 ? hi >>> 16 : i === 1 ? hi & 0xffff : i === 2 ? lo >>> 16 : lo & 0xffff;
      const cur = r * TWO16 + d;
      let qd = Math.floor(cur / u);
      r = cur - qd * u;
      if (r < 0) {
        qd--;
        r += u;
      } else if (r >= u) {
        qd++;
        r -= u;
      }
      q = q * TWO16 + qd;
    }
    tsScratch[0] = q;
    tsScratch[1] = r;
  }
}

/** Nanosecond resolution (if_tsresol = 9), what DPDK and this package write. */
export const TSRESOL_NS = new TsResolution(9);
/** The pcapng default when if_tsresol is absent: microseconds. */
export const TSRESOL_US = new TsResolution(6);

/**
 * sec*unitsPerSec + frac as a 64-bit count: tsScratch[0] = high 32 bits, tsScratch[1] = low 32 bits.
 * Exact for sec < 2^36 and unitsPerSec <= 1e9.
 */
export function toUnits64(sec: number, frac: number, unitsPerSec: number): void {
  const sh = Math.floor(sec / TWO16);
  const sl = sec - sh * TWO16;
  const a = sl * unitsPerSec + frac;
  const b = sh * unitsPerSec;
  const bLow = b % TWO16;
  let lo = bLow * TWO16 + (a % TWO32);
  let hi = (b - bLow) / TWO16 + Math.floor(a / TWO32);
  if (lo >= TWO32) {
    lo -= TWO32;
    hi += 1;
  }
  tsScratch[0] = hi;
  tsScratch[1] = lo;
}

/** Exact 64-bit bigint of a (sec, nsec) pair in nanoseconds (control path only). */
export function toBigNs(sec: number, nsec: number): bigint {
  return BigInt(sec) * 1_000_000_000n + BigInt(nsec);
}

/**
 * Wall clock with nanosecond fields and no allocation per sample: one epoch anchor taken at
 * construction plus the monotonic performance.now() delta (the way DPDK anchors TSC to
 * CLOCK_REALTIME once in rte_pcapng and net_pcap).
 */
export class WallClock {
  sec = 0;
  nsec = 0;
  private baseSec = 0;
  private baseNs = 0;
  private basePerf = 0;

  constructor() {
    this.resync();
  }

  /** Re-anchors to the system clock (e.g. after it was stepped). */
  resync(): void {
    const perf = performance.now();
    const ms = performance.timeOrigin + perf;
    const s = Math.floor(ms / 1000);
    this.baseSec = s;
    this.baseNs = Math.min(999_999_999, Math.round((ms - s * 1000) * 1e6));
    this.basePerf = perf;
    this.now();
  }

  /** Samples the clock into `sec` / `nsec`. */
  now(): void {
    const ns = this.baseNs + Math.floor((performance.now() - this.basePerf) * 1e6);
    const s = Math.floor(ns / 1e9);
    this.sec = this.baseSec + s;
    this.nsec = ns - s * 1e9;
  }
}
