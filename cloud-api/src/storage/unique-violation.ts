/**
 * Whether a database error is a unique or primary key violation, on either dialect. Services
 * insert without checking first and turn this into a 409 error, so two racing requests can never
 * both succeed.
 */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null || !('code' in err)) return false;
  const code = err.code;
  // better-sqlite3 reports SQLite's extended result codes; PostgreSQL's SQLSTATE is 23505.
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505'
  );
}
