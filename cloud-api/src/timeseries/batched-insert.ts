import type { Database, Statement } from 'better-sqlite3';

type Value = number | bigint | string;

/**
 * Sends rows to one INSERT in multi-row statements (`VALUES (…), (…), …`): on a small CPU the
 * per-statement cost (crossing into native code, binding, starting the VM) is a large part of
 * inserting a small row, and a batch of 1,000 points has thousands of rows.
 */
export class BatchedInsert {
  readonly #db: Database;
  readonly #sql: (rows: number) => string;
  readonly #width: number;
  readonly #rows: number;
  /** Statements by row count, prepared on first use (at most `rows` of them). */
  readonly #statements = new Map<number, Statement<[Value[]]>>();
  #pending: Value[] = [];

  /**
   * `head` is `INSERT INTO t (cols)`, `tail` what follows the VALUES list (an ON CONFLICT
   * clause or ''), `width` the number of columns, `rows` how many rows one statement carries.
   */
  constructor(db: Database, head: string, tail: string, width: number, rows = 64) {
    const tuple = `(${Array.from({ length: width }, () => '?').join(', ')})`;
    this.#db = db;
    this.#sql = (n) =>
      `${head} VALUES ${Array.from({ length: n }, () => tuple).join(', ')} ${tail}`;
    this.#width = width;
    this.#rows = rows;
  }

  /** Queues one row; a full statement's worth is sent at once. */
  add(...row: Value[]): void {
    this.#pending.push(...row);
    if (this.#pending.length >= this.#width * this.#rows) this.flush();
  }

  /** Sends what is queued. Call it before anything else reads or writes the table. */
  flush(): void {
    const n = this.#pending.length / this.#width;
    if (n === 0) return;
    let statement = this.#statements.get(n);
    if (!statement) {
      statement = this.#db.prepare<[Value[]]>(this.#sql(n));
      this.#statements.set(n, statement);
    }
    const values = this.#pending;
    this.#pending = [];
    statement.run(values);
  }

  /** Drops what is queued (after a failed transaction). */
  discard(): void {
    this.#pending = [];
  }
}
