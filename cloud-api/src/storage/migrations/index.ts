import type { Migration } from 'kysely';
import { coreMigration } from './0001-core.js';
import { ingestionMigration } from './0002-ingestion.js';
import { alarmsMigration } from './0004-alarms.js';
import { commandsMigration } from './0003-commands.js';
import { deviceConfigMigration } from './0005-device-config.js';
import { energyMigration } from './0006-energy.js';
import { lockersMigration } from './0007-lockers.js';
import { lightingMigration } from './0008-lighting.js';
import { usersMigration } from './0009-users.js';
import { agentVersionMigration } from './0010-agent-version.js';
import { lightingTonightMigration } from './0011-lighting-tonight.js';
import { configIgnoredKeysMigration } from './0012-config-ignored-keys.js';

/**
 * Every migration, by name. Names sort in the order they run, so a new one takes the next
 * number (`0002-commands`), lives in its own file beside this one and is added here. A
 * migration that has shipped is never edited: add a new one instead.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-core': coreMigration,
  '0002-ingestion': ingestionMigration,
  '0003-commands': commandsMigration,
  '0004-alarms': alarmsMigration,
  '0005-device-config': deviceConfigMigration,
  '0006-energy': energyMigration,
  '0007-lockers': lockersMigration,
  '0008-lighting': lightingMigration,
  '0009-users': usersMigration,
  '0010-agent-version': agentVersionMigration,
  '0011-lighting-tonight': lightingTonightMigration,
  '0012-config-ignored-keys': configIgnoredKeysMigration,
});
