import { execFile } from 'node:child_process';
import type { Logger } from 'pino';

/**
 * Tells systemd the agent is alive (`sd_notify`). systemd sets `NOTIFY_SOCKET` and, with
 * `WatchdogSec=`, `WATCHDOG_USEC`; the agent then sends `WATCHDOG=1` at half that period from a
 * timer on its own event loop, so a blocked loop stops the pings and systemd restarts the
 * agent. Node cannot write to a Unix datagram socket without a native module, so this runs
 * `systemd-notify` (the unit sets `NotifyAccess=all` for it). Outside systemd it does nothing.
 *
 * Uses the real timer on purpose: the watchdog watches the real event loop, not simulated time.
 */
export function startSystemdWatchdog(
  env: NodeJS.ProcessEnv,
  log: Logger,
  notify: (state: string) => void = systemdNotify(log),
): { stop(): void } {
  if (env['NOTIFY_SOCKET'] === undefined) return { stop: () => undefined };
  notify('READY=1');
  const usec = Number(env['WATCHDOG_USEC']);
  if (!Number.isFinite(usec) || usec <= 0) {
    return {
      stop: () => {
        notify('STOPPING=1');
      },
    };
  }
  const timer = setInterval(
    () => {
      notify('WATCHDOG=1');
    },
    Math.max(1, Math.floor(usec / 2_000)),
  );
  log.info({ periodMs: Math.floor(usec / 2_000) }, 'systemd watchdog armed');
  return {
    stop() {
      clearInterval(timer);
      notify('STOPPING=1');
    },
  };
}

function systemdNotify(log: Logger): (state: string) => void {
  return (state) => {
    execFile('systemd-notify', [state], (err) => {
      if (err) log.warn({ err: err.message, state }, 'systemd-notify failed');
    });
  };
}
