import { UserService, type RunningApi } from '@hameau/cloud-api';
import { systemClock } from '@hameau/protocol';
import { pino } from 'pino';

/** The demo's console user. */
export const DEMO_TECHNICIAN = 'technicien';

/**
 * The technician's sign-in for the console, with a password new for this run: created at the
 * first start, its password reset at every later one (and the user enabled again if someone
 * disabled it), like the demo devices' MQTT passwords. Shown once, never stored.
 */
export async function provisionDemoTechnician(
  api: RunningApi,
  actor: string,
): Promise<{ name: string; password: string }> {
  const users = new UserService({
    db: api.database.db,
    clock: systemClock,
    log: pino({ level: 'silent' }),
  });
  const existing = (await users.list()).find((u) => u.name === DEMO_TECHNICIAN);
  if (existing === undefined) {
    const created = await users.create({ name: DEMO_TECHNICIAN, role: 'technician' }, actor);
    return { name: created.name, password: created.password };
  }
  if (existing.disabled) await users.enable(DEMO_TECHNICIAN, actor);
  const reset = await users.resetPassword(DEMO_TECHNICIAN, actor);
  return { name: reset.name, password: reset.password };
}
