import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { ConfigError } from '@hameau/protocol';
import { agentConfigSchema, type AgentConfig } from './agent-config.js';
import { deepFreeze } from './deep-freeze.js';
import { describeIssue, type SourcePosition } from './describe-issue.js';
import type { ModuleSchemaSource } from './module-schemas.js';
import { Secret } from './secret.js';

/** How to read a config: the modules this agent build knows (their schemas validate `modules`). */
export interface LoadAgentConfigOptions {
  readonly modules?: readonly ModuleSchemaSource[];
}

/**
 * Reads, parses and validates `site.yaml`. Every problem (YAML syntax, schema, unreadable
 * password or CA file) is collected and thrown at once as a `ConfigError` whose lines name the
 * path, line and column, what was expected and what was found. Secrets are never echoed.
 */
export function loadAgentConfig(path: string, options: LoadAgentConfigOptions = {}): AgentConfig {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [`cannot read the file: ${errorCode(err)}`]);
  }
  return parseAgentConfig(text, file, options);
}

/** `loadAgentConfig` for text already read; `file` names the source and anchors relative paths. */
export function parseAgentConfig(
  text: string,
  file: string,
  options: LoadAgentConfigOptions = {},
): AgentConfig {
  const configFile = resolve(file);
  const dir = dirname(configFile);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // The offending source line is not quoted: it might be the one holding a password.
    throw new ConfigError(
      configFile,
      doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return `line ${pos.line}, column ${pos.col}: YAML syntax error: ${firstLine(e.message)}`;
      }),
    );
  }
  let input: unknown;
  try {
    input = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // An alias bomb or an unresolvable alias: the file parses but cannot become a value.
    throw new ConfigError(configFile, [`YAML could not be read: ${errorCode(err)}`]);
  }
  const locate = (p: readonly PropertyKey[]) => locateNode(doc, lines, p);

  const problems: string[] = [];
  const result = agentConfigSchema(options.modules ?? []).safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues)
      problems.push(...describeIssue(issue, { input, locate }));
  }

  // Checked on the raw input, even when the schema failed, so one run shows every problem
  // (zod skips an object's refinements once a field of it is invalid).
  const mqtt = isRecord(input) && isRecord(input['mqtt']) ? input['mqtt'] : undefined;
  if (mqtt !== undefined) {
    const hasInline = mqtt['password'] !== undefined;
    const hasFile = mqtt['passwordFile'] !== undefined;
    if (hasInline === hasFile) {
      problems.push(
        `mqtt: expected exactly one of passwordFile or password, found ${hasInline ? 'both' : 'neither'}`,
      );
    }
  }
  const password = readSecretFile(mqtt?.['passwordFile'], dir, 'mqtt.passwordFile', problems);
  const caPem = readTextFile(mqtt?.['ca'], dir, 'mqtt.ca', problems);

  if (!result.success || problems.length > 0) throw new ConfigError(configFile, problems);

  const c = result.data;
  const { url, keepaliveSeconds, reconnect, ca: caFile } = c.mqtt;
  const secret = c.mqtt.password ?? password;
  if (secret === undefined) throw new ConfigError(configFile, ['mqtt: no password']);
  return deepFreeze({
    ...c,
    mqtt: {
      url,
      keepaliveSeconds,
      reconnect,
      username: c.mqtt.username ?? `${c.site}/${c.device}`,
      password: new Secret(secret),
      ...(caFile !== undefined &&
        caPem !== undefined && {
          ca: { file: resolve(dir, caFile), pem: caPem },
        }),
    },
    dataDir: resolve(dir, c.dataDir),
    configFile,
    writtenModules: writtenModules(input, Object.keys(c.modules)),
  });
}

function readSecretFile(
  ref: unknown,
  dir: string,
  key: string,
  problems: string[],
): string | undefined {
  const text = readTextFile(ref, dir, key, problems);
  if (text === undefined) return undefined;
  // Editors and `echo` add a final newline; it is never part of the password.
  const secret = text.replace(/\r?\n$/, '');
  if (secret === '') {
    problems.push(`${key}: expected a file holding the password, found an empty file`);
    return undefined;
  }
  return secret;
}

function readTextFile(
  ref: unknown,
  dir: string,
  key: string,
  problems: string[],
): string | undefined {
  if (typeof ref !== 'string' || ref === '') return undefined;
  const path = resolve(dir, ref);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`${key}: expected a readable file, found ${path} (${errorCode(err)})`);
    return undefined;
  }
}

/** The position of the deepest node along `path` that exists in the document. */
function locateNode(
  doc: Document,
  lines: LineCounter,
  path: readonly PropertyKey[],
): SourcePosition | undefined {
  let node: unknown = doc.contents;
  let at: number | undefined = rangeStart(node);
  for (const key of path) {
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (pair === undefined) break;
      // A missing value (`lighting:`) has no node of its own: point at its key.
      at = rangeStart(pair.value) ?? rangeStart(pair.key) ?? at;
      next = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      next = node.items[key];
      if (next === undefined) break;
      at = rangeStart(next) ?? at;
    } else {
      break;
    }
    node = next;
  }
  if (at === undefined) return undefined;
  const pos = lines.linePos(at);
  return { line: pos.line, column: pos.col };
}

function rangeStart(node: unknown): number | undefined {
  if (node === null || typeof node !== 'object' || !('range' in node)) return undefined;
  const range = (node as { range?: readonly number[] | null }).range;
  return range?.[0];
}

/** The enabled modules' sections as the file has them; `lighting:` with no value is `{}`. */
function writtenModules(input: unknown, names: readonly string[]): Record<string, unknown> {
  const modules = isRecord(input) && isRecord(input['modules']) ? input['modules'] : {};
  return Object.fromEntries(names.map((name) => [name, modules[name] ?? {}]));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function errorCode(err: unknown): string {
  if (err !== null && typeof err === 'object' && 'code' in err && typeof err.code === 'string') {
    return err.code;
  }
  return err instanceof Error ? err.message : String(err);
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
