import { fork, type ChildProcess } from 'node:child_process';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Principal } from '@hameau/protocol';

/** The brokers that run in Node, each in a child process of its own. */
export type NodeBrokerKind = 'hameau' | 'aedes';

/** Parent → child: start a broker on 127.0.0.1 and an ephemeral port. */
export interface StartRequest {
  readonly type: 'start';
  readonly kind: NodeBrokerKind;
  /** Accounts to create, each with a fresh password (hameau only; bare aedes has no auth). */
  readonly principals: readonly Principal[];
  /** Per-address connection rate and burst (hameau only): every bench client is 127.0.0.1. */
  readonly connectionsPerSecond: number;
}

/** Parent → child: close the broker and exit. */
export interface StopRequest {
  readonly type: 'stop';
}

export type ParentMessage = StartRequest | StopRequest;

/** Child → parent. */
export type ChildMessage =
  | { readonly type: 'progress'; readonly accountsCreated: number; readonly accounts: number }
  | {
      readonly type: 'ready';
      readonly port: number;
      /** Username → password of every account created. */
      readonly passwords: Readonly<Record<string, string>>;
      readonly setupSeconds: number;
    }
  | { readonly type: 'failed'; readonly message: string };

export interface BrokerProcessOptions {
  /** When set, the child runs with `--cpu-prof` and writes its profile there on exit. */
  readonly profileDir?: string | null;
  readonly onProgress?: (created: number, total: number) => void;
}

/**
 * A broker in a child process, so the load generator never shares an event loop with it (the
 * same position mosquitto is in). The child is `broker-server`, started with this process's
 * loader flags (`--import tsx`, `--conditions=source`).
 */
export class BrokerProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly passwords: ReadonlyMap<string, string>,
    readonly setupSeconds: number,
  ) {}

  get pid(): number | null {
    return this.child.pid ?? null;
  }

  static start(
    request: Omit<StartRequest, 'type'>,
    options: BrokerProcessOptions = {},
  ): Promise<BrokerProcess> {
    const here = fileURLToPath(import.meta.url);
    const script = fileURLToPath(new URL(`./broker-server${extname(here)}`, import.meta.url));
    // One directory per broker: Node writes a profile per thread (the tsx loader has its own).
    const profile =
      options.profileDir == null
        ? []
        : ['--cpu-prof', `--cpu-prof-dir=${join(options.profileDir, request.kind)}`];
    const child = fork(script, [], {
      execArgv: [...process.execArgv, ...profile],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null, signal: string | null) => {
        reject(new Error(`${request.kind} broker exited during start (code ${code}, ${signal})`));
      };
      const onMessage = (msg: ChildMessage) => {
        switch (msg.type) {
          case 'progress':
            options.onProgress?.(msg.accountsCreated, msg.accounts);
            return;
          case 'ready':
            child.off('exit', onExit).off('message', onMessage);
            resolve(
              new BrokerProcess(
                child,
                msg.port,
                new Map(Object.entries(msg.passwords)),
                msg.setupSeconds,
              ),
            );
            return;
          case 'failed':
            child.off('exit', onExit).off('message', onMessage);
            child.kill();
            reject(new Error(`${request.kind} broker failed to start: ${msg.message}`));
            return;
        }
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.once('error', reject);
      const start: StartRequest = { type: 'start', ...request };
      child.send(start);
    });
  }

  /** Asks the broker to close and waits for the child to exit; kills it after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        resolve();
      }),
    );
    const stop: StopRequest = { type: 'stop' };
    if (child.connected) child.send(stop);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}
