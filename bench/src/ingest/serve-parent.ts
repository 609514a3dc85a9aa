import {
  errorMessage,
  type StartedService,
  type ToChild,
  type ToParent,
} from './service-protocol.js';

/**
 * The child side of `ServiceProcess`: starts the service when asked, answers calls, and closes
 * it (then exits normally, so `--cpu-prof` writes its profile) when asked or when the parent
 * goes away.
 */
export function serveParent(what: string, start: (settings: never) => Promise<StartedService>) {
  if (process.send === undefined) {
    process.stderr.write(`${what} is started by the ingest bench over an IPC channel\n`);
    process.exit(2);
  }
  const send = (msg: ToParent) => process.send?.(msg);
  let running: Promise<StartedService> | null = null;
  let stopping: Promise<void> | null = null;

  const shutdown = () =>
    (stopping ??= (async () => {
      try {
        if (running) await (await running).close();
      } catch (err) {
        process.stderr.write(`${what}: close failed: ${errorMessage(err)}\n`);
      } finally {
        process.exit(0);
      }
    })());

  process.on('message', (msg: ToChild) => {
    switch (msg.type) {
      case 'start':
        running = start(msg.settings as never);
        running.then(
          (s) => send({ type: 'ready', info: s.info }),
          (err: unknown) => send({ type: 'failed', message: errorMessage(err) }),
        );
        return;
      case 'call':
        void (async () => {
          try {
            if (!running) throw new Error('not started');
            const { methods } = await running;
            const method: unknown = (methods as Record<string, unknown>)[msg.method];
            if (typeof method !== 'function') throw new Error(`no method ${msg.method}`);
            const value: unknown = await (method as (p: unknown) => unknown).call(
              methods,
              msg.params,
            );
            send({ type: 'result', id: msg.id, value });
          } catch (err) {
            send({ type: 'error', id: msg.id, message: errorMessage(err) });
          }
        })();
        return;
      case 'stop':
        void shutdown();
        return;
    }
  });
  // The parent died or let go: do not linger as an orphan.
  process.on('disconnect', () => void shutdown());
}
