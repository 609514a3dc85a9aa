import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { afterEach, expect, it, vi } from 'vitest';
import { startSystemdWatchdog } from '../../src/watchdog/systemd-watchdog.js';

const log = pino({ level: 'silent' });
afterEach(() => {
  vi.useRealTimers();
});

it('does nothing outside systemd', () => {
  const sent: string[] = [];
  startSystemdWatchdog({}, log, (s) => sent.push(s)).stop();
  expect(sent).toEqual([]);
});

it('signals ready, then pings at half the watchdog period, then stopping', () => {
  vi.useFakeTimers();
  const sent: string[] = [];
  const env = { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '30000000' };
  const w = startSystemdWatchdog(env, log, (s) => sent.push(s));
  expect(sent).toEqual(['READY=1']);
  vi.advanceTimersByTime(15_000 * 3);
  expect(sent).toEqual(['READY=1', 'WATCHDOG=1', 'WATCHDOG=1', 'WATCHDOG=1']);
  w.stop();
  vi.advanceTimersByTime(60_000);
  expect(sent.at(-1)).toBe('STOPPING=1');
  expect(sent.filter((s) => s === 'WATCHDOG=1')).toHaveLength(3);
});

it('ships a unit that restarts the agent and arms the watchdog', () => {
  const unit = readFileSync(new URL('../../deploy/hameau-agent.service', import.meta.url), 'utf8');
  expect(unit).toMatch(/^Type=notify$/m);
  expect(unit).toMatch(/^WatchdogSec=\d+s$/m);
  expect(unit).toMatch(/^Restart=always$/m);
  expect(unit).toMatch(/^NotifyAccess=all$/m);
  expect(unit).toMatch(/^ExecStart=.* agent --config /m);
});
