import { readFile } from 'node:fs/promises';
import { ConfigError } from '@hameau/protocol';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import type { DeviceRegistry } from '../device-registry.js';
import type { DevicePlan } from '../device-type.js';

/** A validated scenario: the devices to start, in file order. */
export interface ScenarioPlan {
  /** Where it came from, for messages (a file path, or `scenario`). */
  readonly source: string;
  readonly name: string | undefined;
  readonly devices: readonly DevicePlan[];
}

/** The file's outer shape; each device entry is then validated by its own device type. */
const ScenarioShape = z
  .object({
    /** Shown at start; optional. */
    name: z.string().min(1).optional(),
    devices: z.array(z.unknown()).min(1, 'a scenario needs at least one device'),
  })
  .strict();

type Path = readonly PropertyKey[];

/**
 * Parses a scenario file's YAML text. Every problem (YAML syntax, unknown device types, bad
 * fields of any device, duplicate ids) is collected and thrown as one ConfigError, each with
 * its path and line.
 */
export function parseScenario(
  text: string,
  registry: DeviceRegistry,
  source = 'scenario',
): ScenarioPlan {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    // Broken YAML has no trustworthy structure to validate further.
    throw new ConfigError(
      source,
      doc.errors.map((e) => {
        const at = e.linePos?.[0];
        const message = firstLine(e.message).replace(/ at line \d+, column \d+:?$/, '');
        return `${at ? `line ${at.line}, column ${at.col}: ` : ''}${message}`;
      }),
    );
  }
  const problems: { line: number; text: string }[] = [];
  const report = (path: Path, message: string) => {
    const line = lineOf(doc, lines, path);
    problems.push({
      line: line ?? 0,
      text: `${formatPath(path)}: ${message}${line === null ? '' : ` (line ${line})`}`,
    });
  };
  // Reported top to bottom, as the reader fixes them.
  const fail = () =>
    new ConfigError(
      source,
      problems.sort((a, b) => a.line - b.line).map((p) => p.text),
    );

  const content: unknown = doc.toJS();
  if (content === null || content === undefined) {
    throw new ConfigError(source, ['the file is empty; it needs a `devices:` list']);
  }
  const shape = ScenarioShape.safeParse(content);
  if (!shape.success) {
    for (const issue of shape.error.issues) report(issuePath([], issue), issue.message);
    throw fail();
  }

  const devices: DevicePlan[] = [];
  const known = registry
    .list()
    .map((t) => t.type)
    .join(', ');
  shape.data.devices.forEach((entry, index) => {
    const at = ['devices', index] as const;
    if (!isMapping(entry)) {
      report(at, 'expected a device entry (a mapping with type and id)');
      return;
    }
    const type = entry.type;
    if (typeof type !== 'string') {
      report([...at, 'type'], `required: one of ${known}`);
      return;
    }
    const deviceType = registry.get(type);
    if (deviceType === undefined) {
      report([...at, 'type'], `unknown device type "${type}" (known: ${known})`);
      return;
    }
    const plan = deviceType.planSchema.safeParse(entry);
    if (!plan.success) {
      for (const issue of plan.error.issues) report(issuePath(at, issue), issue.message);
      return;
    }
    devices.push(plan.data);
  });

  const firstIndex = new Map<string, number>();
  shape.data.devices.forEach((entry, index) => {
    const id = isMapping(entry) ? entry.id : undefined;
    if (typeof id !== 'string') return;
    const first = firstIndex.get(id);
    if (first === undefined) firstIndex.set(id, index);
    else report(['devices', index, 'id'], `"${id}" is already the id of devices[${first}]`);
  });

  if (problems.length > 0) throw fail();
  return Object.freeze({ source, name: shape.data.name, devices: Object.freeze(devices) });
}

/** Reads and parses a scenario file; a missing or unreadable file is a ConfigError too. */
export async function loadScenarioFile(
  path: string,
  registry: DeviceRegistry,
): Promise<ScenarioPlan> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : String(code ?? err);
    throw new ConfigError(`scenario ${path}`, [`cannot read it: ${why}`]);
  }
  return parseScenario(text, registry, `scenario ${path}`);
}

/** Where a zod issue points; an unknown key points at that key rather than its mapping. */
function issuePath(prefix: Path, issue: z.core.$ZodIssue): Path {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys' && issue.keys.length === 1) {
    const [key] = issue.keys;
    if (key !== undefined) path.push(key);
  }
  return path;
}

/** `devices[0].faults[1].mode`. */
function formatPath(path: Path): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(file)' : out;
}

/** The line of the deepest node of `path` that exists in the file (missing keys: their parent). */
function lineOf(doc: Document, lines: LineCounter, path: Path): number | null {
  for (let depth = path.length; depth >= 0; depth--) {
    const node: unknown = doc.getIn(path.slice(0, depth), true);
    const range = (node as { range?: readonly number[] } | undefined)?.range;
    const offset = range?.[0];
    if (offset !== undefined) return lines.linePos(offset).line;
  }
  return null;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}
