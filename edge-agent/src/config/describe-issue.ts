import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** Where a value sits in the source file, 1-based. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** What a problem description may look up: the raw input, and positions in the source. */
export interface IssueSource {
  readonly input: unknown;
  readonly locate?: (path: Path) => SourcePosition | undefined;
}

const MAX_FOUND = 40;

/**
 * Keys whose values are never printed, loosely matched so that `pasword` or `mqttPwd` count
 * too. `…File` keys hold a path, not the secret, and are shown: "cannot read /etc/hameau/pw"
 * is what an operator needs to read.
 */
const SECRET_KEY = /pa?s+w|pwd|secret|token|cred|api.?key|private/i;

/** True when a value at `path` may be a secret and must not be echoed. */
export function isSecretPath(path: Path): boolean {
  return path.some((p) => typeof p === 'string' && SECRET_KEY.test(p) && !/file$/i.test(p));
}

/** `modules.metering.buses[0].baud`; the root is `(root)`. */
export function formatPath(path: Path): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * One line per zod issue: the path (and line:column when known), what was expected and what
 * was found. Found values are short previews: strings are cut, objects and lists are
 * summarised (a nested secret is never printed) and secret keys show no value at all.
 * Schema authors: a custom message is read as what was expected, e.g. `a baud rate (1200…)`.
 */
export function describeIssue(issue: Issue, source: IssueSource): string[] {
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    // The value of an unknown key is not shown: a misspelt `pasword:` still holds a password.
    return issue.keys.map(
      (key) =>
        `${where([...path, key], source)}: expected only known keys here, found unknown key ${JSON.stringify(key)} (check the spelling)`,
    );
  }
  // A message that already says both ("expected …, found …") or states a rule ("… must …")
  // is complete as written.
  if (/^expected .*, found /.test(issue.message))
    return [`${where(path, source)}: ${issue.message}`];
  const found = foundAt(path, source);
  if (custom(issue.message) !== undefined && /\bmust\b/.test(issue.message)) {
    return [`${where(path, source)}: ${issue.message}, found ${found}`];
  }
  return [`${where(path, source)}: expected ${expected(issue)}, found ${found}`];
}

function where(path: Path, source: IssueSource): string {
  const pos = source.locate?.(path);
  return pos ? `${formatPath(path)} (line ${pos.line}, column ${pos.column})` : formatPath(path);
}

function foundAt(path: Path, source: IssueSource): string {
  let value: unknown = source.input;
  for (const p of path) {
    if (value === null || typeof value !== 'object') {
      value = undefined;
      break;
    }
    value = (value as Record<PropertyKey, unknown>)[p];
  }
  if (value === undefined) return 'nothing (the key is missing)';
  if (isSecretPath(path)) return 'a value (hidden: it may be a secret)';
  return preview(value);
}

/** A short, safe rendering of a value found in a config. */
export function preview(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (typeof value === 'string') {
    // A URL may carry user:password; never echo it.
    const safe = value.replace(/\/\/[^/@\s]*@/, '//***@');
    const cut = safe.length > MAX_FOUND ? `${safe.slice(0, MAX_FOUND)}…` : safe;
    return JSON.stringify(cut);
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0 ? 'an empty map' : `a map (keys: ${keys.slice(0, 6).join(', ')})`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return typeof value;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a map',
  record: 'a map',
  array: 'a list',
  null: 'null',
};

function expected(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_NAMES[issue.expected] ?? issue.expected;
    case 'too_small':
      return bound(issue.origin, issue.inclusive ? '>=' : '>', issue.minimum, 'at least');
    case 'too_big':
      return bound(issue.origin, issue.inclusive ? '<=' : '<', issue.maximum, 'at most');
    case 'invalid_format':
      return custom(issue.message) ?? `a valid ${issue.format}`;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `exactly ${JSON.stringify(issue.values[0])}`
        : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return custom(issue.message) ?? 'one of the allowed forms';
    case 'invalid_key':
      return `a valid key (${issue.issues[0]?.message ?? 'see the documentation'})`;
    case 'invalid_element':
      return `a valid entry (${issue.issues[0]?.message ?? 'see the documentation'})`;
    case 'custom':
      return custom(issue.message) ?? 'a valid value';
    case 'unrecognized_keys':
      return 'no unknown keys';
  }
}

function bound(origin: string, op: string, limit: number | bigint | Date, words: string): string {
  const n = limit instanceof Date ? limit.toISOString() : String(limit);
  switch (origin) {
    case 'string':
      return `${words} ${n} characters`;
    case 'array':
    case 'set':
      return `${words} ${n} item${n === '1' ? '' : 's'}`;
    default:
      return `a number ${op} ${n}`;
  }
}

/** zod's own messages start with "Invalid"/"Too"; a schema's custom message is kept as is. */
function custom(message: string): string | undefined {
  return /^(Invalid|Too )/.test(message) ? undefined : message;
}
