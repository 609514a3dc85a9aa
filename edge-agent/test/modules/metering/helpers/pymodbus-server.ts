import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/pymodbus-meter.py');

/** A pymodbus server process serving the SDM630-shaped image of `fixtures/pymodbus-meter.py`. */
export interface PymodbusServer {
  /** The TCP port it listens on (0 for a serial server). */
  readonly port: number;
  /** Kills it at once (SIGKILL: no goodbye on the wire, like a power cut) and waits for it. */
  kill(): Promise<void>;
}

/**
 * Starts the fixture with `args` under Debian's python3 (the one with `python3-pymodbus`) and
 * resolves once it prints `READY <port>`.
 */
export async function startPymodbus(args: readonly string[]): Promise<PymodbusServer> {
  const child: ChildProcess = spawn('/usr/bin/python3', [SCRIPT, ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  const port = await new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      const ready = /^READY (\d+)$/.exec(line);
      if (ready) resolve(Number(ready[1]));
    });
    void exited.then(([code]) => {
      reject(new Error(`pymodbus fixture exited with ${String(code)} before it was ready`));
    });
  });
  return {
    port,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
