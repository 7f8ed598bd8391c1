// Typed control-path errors with errno-like codes (DPDK returns -errno and sets rte_errno).

export const Errno = {
  EPERM: 1, ENOENT: 2, EIO: 5, E2BIG: 7, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14,
  EBUSY: 16, EEXIST: 17, ENODEV: 19, EINVAL: 22, ENOSPC: 28, ENAMETOOLONG: 36, ENOSYS: 38,
  ENOTSUP: 95, EALREADY: 114, ENOBUFS: 105, EOVERFLOW: 75, ESRCH: 3, ETIMEDOUT: 110, ECONNREFUSED: 111,
  ENOEXEC: 8, ENOTRECOVERABLE: 131, EADDRINUSE: 98, ENOTCONN: 107, EPIPE: 32, ERANGE: 34,
} as const;

export type ErrnoCode = keyof typeof Errno;

/** Error thrown by every tsdpdk control-path call: `code` is an errno name, `errno` its number. */
export class TsdpdkError extends Error {
  readonly code: ErrnoCode;
  readonly errno: number;
  constructor(code: ErrnoCode, message: string) {
    super(message);
    this.name = 'TsdpdkError';
    this.code = code;
    this.errno = Errno[code];
  }
}

export function fail(code: ErrnoCode, message: string): never {
  throw new TsdpdkError(code, message);
}
