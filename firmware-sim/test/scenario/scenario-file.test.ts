import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@hameau/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinDeviceTypes } from '../../src/device-registry.js';
import { loadScenarioFile, parseScenario } from '../../src/scenario/scenario-file.js';

const registry = builtinDeviceTypes();
const KNOWN =
  'counter, em24, iem3000, lamp-nodes, lock-board, modbus-gateway, rtu-bus, sdm120, sdm630';
const scenarios = fileURLToPath(new URL('../../scenarios/', import.meta.url));

function problemsOf(text: string): readonly string[] {
  try {
    parseScenario(text, registry);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('parseScenario', () => {
  it('parses the shipped scenarios', async () => {
    const counter = await loadScenarioFile(join(scenarios, 'counter.yaml'), registry);
    expect(counter.name).toBe('counter');
    expect(counter.devices.map((d) => [d.type, d.id, d.entry])).toEqual([
      [
        'counter',
        'c1',
        {
          type: 'counter',
          id: 'c1',
          host: '127.0.0.1',
          port: 0,
          start: 1,
          scale: 0.5,
          seed: 1,
          faults: [],
        },
      ],
    ]);
    const faults = await loadScenarioFile(join(scenarios, 'counter-faults.yaml'), registry);
    expect(faults.devices[0]?.entry.faults).toEqual([
      { mode: 'silent', atMs: 10000, durationMs: 5000 },
      { mode: 'garbage', atMs: 30000, durationMs: 5000 },
      { mode: 'disconnect', atMs: 60000, durationMs: 0 },
    ]);
  });

  it('lists every problem of every device at once, top to bottom, with lines', () => {
    const problems = problemsOf(
      [
        'devices:',
        '  - type: counter', // 2
        '    id: c1',
        '    port: 70000', // 4
        '    colour: blue', // 5
        '  - type: lamp', // 6
        '    id: l1',
        '  - type: counter', // 8
        '    id: c1', // 9
        '    scale: lots', // 10
        '    faults:',
        '      - { mode: flaky, atMs: -5 }', // 12
        '  - id: nope', // 13
        '  - 42', // 14
        '',
      ].join('\n'),
    );
    expect(problems).toEqual([
      'devices[0].port: Too big: expected number to be <=65535 (line 4)',
      'devices[0].colour: Unrecognized key: "colour" (line 5)',
      `devices[1].type: unknown device type "lamp" (known: ${KNOWN}) (line 6)`,
      'devices[2].id: "c1" is already the id of devices[0] (line 9)',
      'devices[2].scale: Invalid input: expected number, received string (line 10)',
      'devices[2].faults[0].mode: Invalid option: expected one of "silent"|"garbage"|"disconnect" (line 12)',
      'devices[2].faults[0].atMs: Too small: expected number to be >=0 (line 12)',
      `devices[3].type: required: one of ${KNOWN} (line 13)`,
      'devices[4]: expected a device entry (a mapping with type and id) (line 14)',
    ]);
  });

  it('points a missing field at its entry', () => {
    expect(problemsOf('devices:\n  - type: counter\n    port: 1\n')).toEqual([
      'devices[0].id: Invalid input: expected string, received undefined (line 2)',
    ]);
  });

  it('checks ids as protocol device ids', () => {
    const [problem] = problemsOf('devices:\n  - { type: counter, id: "Not OK" }\n');
    expect(problem).toMatch(/^devices\[0\]\.id: device id must be .* \(line 2\)$/);
  });

  it('reports the outer shape: no devices, unknown keys, not a mapping, empty file', () => {
    expect(problemsOf('devices: []\nextra: 1\n')).toEqual([
      'devices: a scenario needs at least one device (line 1)',
      'extra: Unrecognized key: "extra" (line 2)',
    ]);
    expect(problemsOf('- type: counter\n')).toEqual([
      '(file): Invalid input: expected object, received array (line 1)',
    ]);
    expect(problemsOf('')).toEqual(['the file is empty; it needs a `devices:` list']);
    expect(problemsOf('# only a comment\n')).toEqual([
      'the file is empty; it needs a `devices:` list',
    ]);
  });

  it('reports YAML syntax errors with their line and column', () => {
    const problems = problemsOf('devices:\n  - type: counter\n    id: [c1\n');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^line 4, column 1: .+/);
    expect(problemsOf('a: 1\na: 2\n')).toEqual(['line 2, column 1: Map keys must be unique']);
  });

  it('names its source in the message', () => {
    expect(() => parseScenario('devices: []', registry, 'scenario town.yaml')).toThrow(
      /^scenario town\.yaml is invalid:\n {2}- devices: a scenario needs at least one device/,
    );
  });
});

describe('loadScenarioFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hameau-sim-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports a missing file or a directory as a ConfigError', async () => {
    await expect(loadScenarioFile(join(dir, 'missing.yaml'), registry)).rejects.toThrow(
      /missing\.yaml is invalid:\n {2}- cannot read it: no such file/,
    );
    await expect(loadScenarioFile(dir, registry)).rejects.toBeInstanceOf(ConfigError);
  });

  it('names the file in the problems', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'devices:\n  - { type: counter, id: c1, port: -1 }\n');
    await expect(loadScenarioFile(file, registry)).rejects.toThrow(
      `scenario ${file} is invalid:\n  - devices[0].port: Too small: expected number to be >=0 (line 2)`,
    );
  });
});
