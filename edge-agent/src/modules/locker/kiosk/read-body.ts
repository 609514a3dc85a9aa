import type { IncomingMessage } from 'node:http';
import { HameauError, type Clock } from '@hameau/protocol';

/** Limits of one request body. */
export interface ReadBodyOptions {
  /** Bytes accepted; one more and the body is refused as BODY_TOO_LARGE. */
  readonly limit: number;
  /** The whole body must arrive within this, on `clock` (a stalled client holds no slot). */
  readonly timeoutMs: number;
  readonly clock: Clock;
}

/**
 * Reads a request body into memory, refusing it as soon as it passes `limit` (by its declared
 * length, or while it streams in when it declares none), and rejecting with REQUEST_INVALID when
 * it is cut off or too slow. The reader stops at the first refusal: the caller answers and closes.
 */
export function readBody(request: IncomingMessage, options: ReadBodyOptions): Promise<Buffer> {
  const { limit, timeoutMs, clock } = options;
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (error: HameauError | null) => {
      if (done) return;
      done = true;
      clock.clearTimeout(timer);
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
      if (error === null) {
        resolve(Buffer.concat(chunks, size));
      } else {
        request.pause();
        reject(error);
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        finish(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      finish(null);
    };
    const onError = () => {
      finish(new HameauError('REQUEST_INVALID', 'the request body could not be read'));
    };
    // 'close' before 'end': the client went away mid-body.
    const onClose = () => {
      finish(new HameauError('REQUEST_INVALID', 'the request body was cut off'));
    };
    const timer = clock.setTimeout(() => {
      finish(new HameauError('REQUEST_INVALID', 'the request body did not arrive in time'));
    }, timeoutMs);
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

function tooLarge(limit: number): HameauError {
  return new HameauError('BODY_TOO_LARGE', `the request body is over ${limit} bytes`, { limit });
}
