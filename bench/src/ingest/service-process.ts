import { fork, type ChildProcess } from 'node:child_process';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage, type ToChild, type ToParent } from './service-protocol.js';

export interface ServiceProcessOptions {
  /** Names the service in errors and its profile folder, e.g. `api`. */
  readonly name: string;
  /** When set, the child runs with `--cpu-prof` and writes its profile under it on exit. */
  readonly profileDir: string | null;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
}

/**
 * A service (broker, API) in a child process of its own, as in production where each is a
 * program: the simulated agents never share an event loop with what they measure. The child
 * is one of the `*-child` entries beside this file, started with this process's loader flags
 * (`--import tsx`, `--conditions=source`).
 */
export class ServiceProcess<Info> {
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #exited = false;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly info: Info,
  ) {
    child.on('message', (msg: ToParent) => {
      if (msg.type !== 'result' && msg.type !== 'error') return;
      const pending = this.#pending.get(msg.id);
      this.#pending.delete(msg.id);
      if (msg.type === 'result') pending?.resolve(msg.value);
      else pending?.reject(new Error(`${name}: ${msg.message}`));
    });
    child.once('exit', (code, signal) => {
      this.#exited = true;
      for (const p of this.#pending.values()) {
        p.reject(new Error(`${name} exited (code ${code}, ${signal})`));
      }
      this.#pending.clear();
    });
  }

  get pid(): number | null {
    return this.child.pid ?? null;
  }

  /** Forks `<entry>.ts` (or `.js` once built) and waits until it has started with `settings`. */
  static start<Info>(
    entry: string,
    settings: unknown,
    options: ServiceProcessOptions,
  ): Promise<ServiceProcess<Info>> {
    const ext = extname(fileURLToPath(import.meta.url));
    const script = fileURLToPath(new URL(`./${entry}${ext}`, import.meta.url));
    const profile =
      options.profileDir === null
        ? []
        : ['--cpu-prof', `--cpu-prof-dir=${join(options.profileDir, options.name)}`];
    const child = fork(script, [], {
      execArgv: [...process.execArgv, ...profile],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null, signal: string | null) => {
        reject(new Error(`${options.name} exited during start (code ${code}, ${signal})`));
      };
      const onMessage = (msg: ToParent) => {
        if (msg.type === 'ready') {
          child.off('exit', onExit).off('message', onMessage);
          resolve(new ServiceProcess<Info>(options.name, child, msg.info as Info));
        } else if (msg.type === 'failed') {
          child.off('exit', onExit).off('message', onMessage);
          child.kill();
          reject(new Error(`${options.name} failed to start: ${msg.message}`));
        }
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.once('error', reject);
      const start: ToChild = { type: 'start', settings };
      child.send(start);
    });
  }

  /** Calls one of the child's methods and waits for its answer. */
  call<T>(method: string, params: unknown = null): Promise<T> {
    if (this.#exited) return Promise.reject(new Error(`${this.name} is not running`));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      const call: ToChild = { type: 'call', id, method, params };
      this.child.send(call, (err) => {
        if (err) {
          this.#pending.delete(id);
          reject(new Error(`${this.name}: ${errorMessage(err)}`));
        }
      });
    });
  }

  /** Asks the service to close and waits for the child to exit; kills it after `graceMs`. */
  async stop(graceMs = 30_000): Promise<void> {
    const child = this.child;
    if (this.#exited || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        resolve();
      });
    });
    const stop: ToChild = { type: 'stop' };
    if (child.connected) child.send(stop);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
