import type { Database, Statement } from 'better-sqlite3';

/** One series of the embedded store. */
export interface SeriesEntry {
  readonly id: number;
  readonly measurement: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * The embedded store's ids for series, fields and the (series, field) pairs that exist, kept in
 * memory (a town has hundreds of series, not millions) so that writes look ids up without a
 * query and dashboards filter series by tag in JavaScript before touching the big tables.
 */
export class SeriesCatalog {
  readonly #seriesByKey = new Map<string, SeriesEntry>();
  readonly #seriesByMeasurement = new Map<string, SeriesEntry[]>();
  readonly #fieldIds = new Map<string, number>();
  readonly #pairs = new Set<string>();
  readonly #db: Database;
  readonly #insertSeries: Statement<[string, string]>;
  readonly #insertField: Statement<[string]>;
  readonly #insertPair: Statement<[number, number]>;

  constructor(db: Database) {
    this.#insertSeries = db.prepare('INSERT INTO series (measurement, tags) VALUES (?, ?)');
    this.#insertField = db.prepare('INSERT INTO fields (name) VALUES (?)');
    this.#insertPair = db.prepare('INSERT INTO series_fields (series_id, field_id) VALUES (?, ?)');
    this.#db = db;
    this.reload();
  }

  /**
   * Re-reads every id from the database. Called after a rolled-back write: ids handed out inside
   * that transaction no longer exist, and reloading is simpler than tracking them.
   */
  reload(): void {
    this.#seriesByKey.clear();
    this.#seriesByMeasurement.clear();
    this.#fieldIds.clear();
    this.#pairs.clear();
    const db = this.#db;
    const series = db.prepare('SELECT id, measurement, tags FROM series').all() as {
      id: number;
      measurement: string;
      tags: string;
    }[];
    for (const row of series) {
      const tags = Object.fromEntries(JSON.parse(row.tags) as [string, string][]);
      this.#remember({ id: row.id, measurement: row.measurement, tags }, row.tags);
    }
    const fields = db.prepare('SELECT id, name FROM fields').all() as {
      id: number;
      name: string;
    }[];
    for (const row of fields) this.#fieldIds.set(row.name, row.id);
    const pairs = db.prepare('SELECT series_id, field_id FROM series_fields').raw().all() as [
      number,
      number,
    ][];
    for (const [s, f] of pairs) this.#pairs.add(`${s}:${f}`);
  }

  /** The id of a series, created on first sight. Call inside the write transaction. */
  seriesId(measurement: string, tags: Readonly<Record<string, string>>): number {
    const tagsJson = canonicalTags(tags);
    const known = this.#seriesByKey.get(`${measurement}\u0000${tagsJson}`);
    if (known) return known.id;
    const id = Number(this.#insertSeries.run(measurement, tagsJson).lastInsertRowid);
    this.#remember({ id, measurement, tags: { ...tags } }, tagsJson);
    return id;
  }

  /** The id of a field name, created on first sight. Call inside the write transaction. */
  fieldId(name: string): number {
    const known = this.#fieldIds.get(name);
    if (known !== undefined) return known;
    const id = Number(this.#insertField.run(name).lastInsertRowid);
    this.#fieldIds.set(name, id);
    return id;
  }

  /** The id of a field name if anything was ever written to it. */
  existingFieldId(name: string): number | undefined {
    return this.#fieldIds.get(name);
  }

  /** Records that a series has a field, so retention and `latest` know which pairs exist. */
  notePair(seriesId: number, fieldId: number): void {
    const key = `${seriesId}:${fieldId}`;
    if (this.#pairs.has(key)) return;
    this.#insertPair.run(seriesId, fieldId);
    this.#pairs.add(key);
  }

  hasPair(seriesId: number, fieldId: number): boolean {
    return this.#pairs.has(`${seriesId}:${fieldId}`);
  }

  /** Every series id. */
  seriesIds(): number[] {
    return [...this.#seriesByKey.values()].map((s) => s.id);
  }

  /** Every (series id, field id) pair ever written. */
  *pairs(): IterableIterator<[seriesId: number, fieldId: number]> {
    for (const key of this.#pairs) {
      const [s, f] = key.split(':');
      yield [Number(s), Number(f)];
    }
  }

  /** The series of a measurement whose tags include every `filter` tag with the same value. */
  find(measurement: string, filter: Readonly<Record<string, string>>): SeriesEntry[] {
    const all = this.#seriesByMeasurement.get(measurement) ?? [];
    const wanted = Object.entries(filter);
    if (wanted.length === 0) return all;
    return all.filter((s) => wanted.every(([k, v]) => s.tags[k] === v));
  }

  #remember(entry: SeriesEntry, tagsJson: string): void {
    this.#seriesByKey.set(`${entry.measurement}\u0000${tagsJson}`, entry);
    const list = this.#seriesByMeasurement.get(entry.measurement);
    if (list) list.push(entry);
    else this.#seriesByMeasurement.set(entry.measurement, [entry]);
  }
}

/** Tags as a JSON array of [key, value] pairs sorted by key: one spelling per tag set. */
export function canonicalTags(tags: Readonly<Record<string, string>>): string {
  const keys = Object.keys(tags).sort();
  return JSON.stringify(keys.map((k) => [k, tags[k]]));
}
