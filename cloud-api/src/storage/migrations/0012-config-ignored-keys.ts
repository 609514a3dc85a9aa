import type { Kysely, Migration } from 'kysely';

/**
 * The local-only keys a device's running configuration set and the agent ignored
 * (`modules.<name>.ignoredKeys` of its `…/state` report), kept with the rest of the report as a
 * JSON object `{module: [key, …]}` so the console can warn about them. `{}` for the reports
 * stored before, which had none to say.
 */
export const configIgnoredKeysMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('device_config_reports')
      .addColumn('ignored_keys', 'text', (c) => c.notNull().defaultTo('{}'))
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('device_config_reports').dropColumn('ignored_keys').execute();
  },
};
