import { spawn, type ChildProcess } from 'node:child_process';
import { lstat } from 'node:fs/promises';
import { HameauError } from '@hameau/protocol';

/**
 * Two linked pseudo-terminals made by `socat`, the virtual null-modem cable between a simulated
 * serial device and the driver under test:
 *
 *     socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B
 *
 * Bytes written to one end come out of the other, with no baud-rate pacing (the simulator
 * emulates wire time itself). `open` resolves once socat runs its transfer loop and both links
 * exist; `close` ends that socat process (and socat removes the links).
 */
export class SocatPtyPair {
  /** The end the simulator opens. */
  readonly a: string;
  /** The end the driver under test opens. */
  readonly b: string;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  /** Stops socat if this process exits without `close` (a crash, a test run cut short). */
  readonly #onProcessExit = () => {
    this.#child.kill('SIGTERM');
  };

  private constructor(a: string, b: string, child: ChildProcess, exited: Promise<void>) {
    this.a = a;
    this.b = b;
    this.#child = child;
    this.#exited = exited;
    process.once('exit', this.#onProcessExit);
  }

  /**
   * Starts socat linking `a` and `b`. socat replaces whatever is at those paths, so a path that
   * holds anything but a (stale) symlink is refused rather than deleted.
   */
  static async open(a: string, b: string, socat = 'socat'): Promise<SocatPtyPair> {
    for (const path of [a, b]) await refuseNonLink(path);
    const child = spawn(
      socat,
      ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const exited = new Promise<void>((resolve) => {
      child.once('close', () => {
        resolve();
      });
    });
    try {
      await untilTransferLoop(child, a, b, socat);
      for (const path of [a, b]) {
        const stat = await lstat(path);
        if (!stat.isSymbolicLink()) throw new Error(`socat did not create the link ${path}`);
      }
    } catch (err) {
      // Never leave a socat behind when the pair could not be used.
      if (child.pid !== undefined && child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      throw err;
    }
    return new SocatPtyPair(a, b, child, exited);
  }

  /** Stops socat and waits until it has exited. Safe to call twice. */
  async close(): Promise<void> {
    process.off('exit', this.#onProcessExit);
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
    }
    await this.#exited;
  }
}

/** Resolves once socat logs its transfer loop (both ptys and links exist); rejects if it dies. */
function untilTransferLoop(
  child: ChildProcess,
  a: string,
  b: string,
  socat: string,
): Promise<void> {
  let stderr = '';
  return new Promise<void>((resolve, reject) => {
    const fail = (why: string) => {
      reject(new HameauError('CONFIG_INVALID', `socat pty pair ${a} ${b}: ${why}`, { a, b }));
    };
    const onExit = (code: number | null) => {
      fail(`socat exited (${String(code)}): ${stderr.trim().split('\n').slice(-2).join(' / ')}`);
    };
    child.once('error', (err: NodeJS.ErrnoException) => {
      fail(err.code === 'ENOENT' ? `${socat} is not installed` : err.message);
    });
    child.once('exit', onExit);
    const stream = child.stderr;
    if (stream === null) {
      fail('no stderr to watch');
      return;
    }
    stream.setEncoding('utf8');
    const onData = (text: string) => {
      stderr += text;
      if (!stderr.includes('starting data transfer loop')) return;
      child.off('exit', onExit);
      stream.off('data', onData);
      // Keep draining socat's log so a full pipe never blocks it.
      stream.resume();
      resolve();
    };
    stream.on('data', onData);
  });
}

async function refuseNonLink(path: string): Promise<void> {
  try {
    const stat = await lstat(path);
    if (!stat.isSymbolicLink()) {
      throw new HameauError(
        'CONFIG_INVALID',
        `${path} exists and is not a symlink; socat would replace it: choose another pty path`,
        { path },
      );
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
}
