import type { Migration } from 'kysely/migration';
import { coreMigration } from './0001-core.js';

/**
 * Every migration, by name. Names sort in the order they run, so a new one takes the next
 * number (`0002-commands`), lives in its own file beside this one and is added here. A
 * migration that has shipped is never edited: add a new one instead.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-core': coreMigration,
});
