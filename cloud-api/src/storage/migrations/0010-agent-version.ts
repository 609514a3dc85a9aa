import type { Kysely, Migration } from 'kysely';

/**
 * The agent software version a device announced in its latest birth (`version` of the status
 * payload), kept with the rest of its status so the console can tell which devices still run an
 * old agent. Null for devices that never announced one.
 */
export const agentVersionMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('device_status').addColumn('agent_version', 'text').execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('device_status').dropColumn('agent_version').execute();
  },
};
