// glibc's strerror texts for the errno names tsdpdk errors carry (testpmd prints rte_strerror(-ret)).

import { TsdpdkError } from '../../lib/eal/index.js';

const TEXT: Record<string, string> = {
  EPERM: 'Operation not permitted', ENOENT: 'No such file or directory', EIO: 'Input/output error',
  E2BIG: 'Argument list too long', EBADF: 'Bad file descriptor', EAGAIN: 'Resource temporarily unavailable',
  ENOMEM: 'Cannot allocate memory', EACCES: 'Permission denied', EFAULT: 'Bad address',
  EBUSY: 'Device or resource busy', EEXIST: 'File exists', ENODEV: 'No such device', EINVAL: 'Invalid argument',
  ENOSPC: 'No space left on device', ENAMETOOLONG: 'File name too long', ENOSYS: 'Function not implemented',
  ENOTSUP: 'Operation not supported', EALREADY: 'Operation already in progress', ENOBUFS: 'No buffer space available',
  EOVERFLOW: 'Value too large for defined data type', ESRCH: 'No such process', ETIMEDOUT: 'Connection timed out',
  ECONNREFUSED: 'Connection refused', ENOEXEC: 'Exec format error', ENOTRECOVERABLE: 'State not recoverable',
  EADDRINUSE: 'Address already in use', ENOTCONN: 'Transport endpoint is not connected', EPIPE: 'Broken pipe',
  ERANGE: 'Numerical result out of range',
};

/** strerror of a thrown error: the errno text for a TsdpdkError, else its message. */
export function strerror(e: unknown): string {
  if (e instanceof TsdpdkError) return TEXT[e.code] ?? e.code;
  return e instanceof Error ? e.message : String(e);
}

/** What a control-path failure says, for the log line DPDK's library would have printed. */
export function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
