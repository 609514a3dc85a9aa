/** One step of the agent database schema; `version`s are applied in increasing order, once. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * The agent database schema, as an append-only list: never edit a released step, add a new one.
 * A box in the field may skip several releases, so every step must apply to the schema the
 * previous one left behind.
 */
export const AGENT_DB_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'outbox',
    sql: `
      -- AUTOINCREMENT: ids are never reused, even after the newest rows are deleted, so
      -- "id > afterId" paging stays correct across removals and restarts.
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        seq INTEGER NOT NULL UNIQUE,
        kind TEXT NOT NULL CHECK (kind IN ('telemetry', 'event', 'command-result')),
        topic TEXT NOT NULL,
        payload BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        critical INTEGER NOT NULL CHECK (critical IN (0, 1))
      );
      -- The overflow policy walks (critical = 0, kind) in id order; the rowid ends every index.
      CREATE INDEX outbox_by_policy ON outbox (critical, kind);
      -- The age cap and the oldest age read MIN/ranges of created_at per criticality.
      CREATE INDEX outbox_by_age ON outbox (critical, created_at);

      -- Counters live in their own rows so they survive the rows they count: the seq is bumped
      -- in the same transaction as the insert, and never goes back even when every row has been
      -- acknowledged and deleted. depth and critical spare a COUNT(*) scan on every append.
      CREATE TABLE outbox_counter (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO outbox_counter (name, value)
        VALUES ('seq', 0), ('depth', 0), ('critical', 0), ('dropped', 0);

      -- Triggers, not application code, keep depth exact whoever inserts or deletes.
      CREATE TRIGGER outbox_count_insert AFTER INSERT ON outbox BEGIN
        UPDATE outbox_counter SET value = value + 1 WHERE name = 'depth';
        UPDATE outbox_counter SET value = value + NEW.critical WHERE name = 'critical';
      END;
      CREATE TRIGGER outbox_count_delete AFTER DELETE ON outbox BEGIN
        UPDATE outbox_counter SET value = value - 1 WHERE name = 'depth';
        UPDATE outbox_counter SET value = value - OLD.critical WHERE name = 'critical';
      END;
    `,
  },
  {
    version: 2,
    name: 'executed-commands',
    sql: `
      -- outcome is NULL from begin() until finish(): a NULL left after a restart means the agent
      -- died mid-command.
      CREATE TABLE executed_command (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        outcome TEXT
      );
      CREATE INDEX executed_command_by_start ON executed_command (started_at);
    `,
  },
  {
    version: 3,
    name: 'agent-state',
    sql: `
      CREATE TABLE agent_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
];
