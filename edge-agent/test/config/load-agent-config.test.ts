import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '@hameau/protocol';
import { loadAgentConfig } from '../../src/config/load-agent-config.js';
import { useTempFolders } from './temp-files.js';

const folder = useTempFolders();

const metering = {
  name: 'metering',
  configSchema: z.strictObject({
    buses: z
      .array(z.strictObject({ port: z.string().min(1), baud: z.int().min(1200).max(115200) }))
      .min(1),
  }),
};
const lighting = {
  name: 'lighting',
  configSchema: z.strictObject({ zones: z.int().min(1).default(4) }),
};
const modules = [metering, lighting];

const MINIMAL = `site: gare
device: lockers
kind: locker
mqtt:
  url: mqtt://127.0.0.1:1883
  passwordFile: pw
`;

/** The ConfigError `fn` throws; fails the test if it throws anything else or nothing. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('loadAgentConfig', () => {
  it('applies every default and reads the password file relative to the config folder', () => {
    const dir = folder({ 'site.yaml': MINIMAL, pw: 's3cret-pass\n' });
    const config = loadAgentConfig(join(dir, 'site.yaml'));
    expect(config).toMatchObject({
      site: 'gare',
      device: 'lockers',
      kind: 'locker',
      mqtt: {
        url: 'mqtt://127.0.0.1:1883',
        username: 'gare/lockers',
        keepaliveSeconds: 30,
        reconnect: { minMs: 1000, maxMs: 60000 },
      },
      dataDir: '/var/lib/hameau',
      outbox: {
        maxRecords: 200000,
        maxAgeDays: 30,
        replayPerSecond: 50,
        statsIntervalSeconds: 60,
        deleteOn: 'cloud-ack',
      },
      log: { level: 'info' },
      modules: {},
      configFile: join(dir, 'site.yaml'),
    });
    // The final newline an editor adds is not part of the password.
    expect(config.mqtt.password.reveal()).toBe('s3cret-pass');
    expect(config.mqtt.ca).toBeUndefined();
  });

  it('never shows the password when the config is logged or inspected', () => {
    const dir = folder({ 'site.yaml': MINIMAL, pw: 's3cret-pass' });
    const config = loadAgentConfig(join(dir, 'site.yaml'));
    expect(JSON.stringify(config)).not.toContain('s3cret-pass');
    expect(inspect(config, { depth: 10 })).not.toContain('s3cret-pass');
    expect(String(config.mqtt.password)).toBe('[redacted]');
    expect(`password=${String(config.mqtt.password)}`).toBe('password=[redacted]');
  });

  it('resolves relative paths against the config folder, not the working directory', () => {
    const dir = folder({
      'etc/site.yaml': `${MINIMAL.replace('passwordFile: pw', 'passwordFile: ../secrets/pw\n  ca: tls/ca.pem')}dataDir: data\n`,
      'secrets/pw': 'pw-from-file',
      'etc/tls/ca.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    });
    const config = loadAgentConfig(join(dir, 'etc/site.yaml'));
    expect(config.dataDir).toBe(join(dir, 'etc/data'));
    expect(config.mqtt.password.reveal()).toBe('pw-from-file');
    expect(config.mqtt.ca).toEqual({
      file: join(dir, 'etc/tls/ca.pem'),
      pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    });
  });

  it('returns a deeply frozen config', () => {
    const dir = folder({
      'site.yaml': `${MINIMAL}modules:\n  metering:\n    buses:\n      - { port: /dev/ttyUSB0, baud: 9600 }\n`,
      pw: 'x',
    });
    const config = loadAgentConfig(join(dir, 'site.yaml'), { modules });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.mqtt.reconnect)).toBe(true);
    expect(Object.isFrozen(config.modules)).toBe(true);
    const bus = (config.modules['metering'] as { buses: { baud: number }[] }).buses[0];
    expect(Object.isFrozen(bus)).toBe(true);
    expect(() => {
      (bus as { baud: number }).baud = 19200;
    }).toThrow(TypeError);
  });

  it('validates each module with its own schema and keeps the order of the file', () => {
    const dir = folder({
      'site.yaml': `${MINIMAL}modules:\n  lighting:\n  metering:\n    buses: [{ port: /dev/ttyUSB0, baud: 9600 }]\n`,
      pw: 'x',
    });
    const config = loadAgentConfig(join(dir, 'site.yaml'), { modules });
    // `lighting:` with no value runs the module with its defaults.
    expect(config.modules).toEqual({
      lighting: { zones: 4 },
      metering: { buses: [{ port: '/dev/ttyUSB0', baud: 9600 }] },
    });
    expect(Object.keys(config.modules)).toEqual(['lighting', 'metering']);
  });

  it('keeps each module section as written, without defaults, for the local-only keys', () => {
    const dir = folder({
      'site.yaml': `${MINIMAL}modules:\n  lighting:\n  metering:\n    buses: [{ port: /dev/ttyUSB0, baud: 9600 }]\n`,
      pw: 'x',
    });
    const config = loadAgentConfig(join(dir, 'site.yaml'), { modules });
    expect(config.writtenModules).toEqual({
      lighting: {},
      metering: { buses: [{ port: '/dev/ttyUSB0', baud: 9600 }] },
    });
    expect(Object.isFrozen(config.writtenModules['metering'])).toBe(true);
  });

  it('lists every problem at once, each with its path, line, expectation and found value', () => {
    const dir = folder({
      'site.yaml': `site: Gare
device: lockers
kind: lockers
mqtt:
  url: http://broker.example.org
  passwordFile: missing-pw
  keepaliveSeconds: 2
  reconnect: { minMs: 5000, maxMs: 1000 }
outbox:
  maxRecords: many
  replayPerSecond: 0
log: { level: loud }
modules:
  metering:
    buses:
      - port: /dev/ttyUSB0
        baud: fast
      - baud: 9600
`,
    });
    const err = configError(() => loadAgentConfig(join(dir, 'site.yaml'), { modules }));
    expect(err.problems).toEqual([
      'site (line 1, column 7): site id must be 1-40 lower-case letters, digits or inner dashes, found "Gare"',
      'kind (line 3, column 7): expected one of "locker", "meters", "lighting", found "lockers"',
      'mqtt.url (line 5, column 8): expected an mqtt://, mqtts://, ws:// or wss:// URL, found "http://broker.example.org"',
      'mqtt.keepaliveSeconds (line 7, column 21): expected a number >= 5, found 2',
      'mqtt.reconnect.maxMs (line 8, column 36): expected a value >= mqtt.reconnect.minMs, found 1000',
      'outbox.maxRecords (line 10, column 15): expected a number, found "many"',
      'outbox.replayPerSecond (line 11, column 20): expected a number >= 1, found 0',
      'log.level (line 12, column 15): expected one of "fatal", "error", "warn", "info", "debug", "trace", "silent", found "loud"',
      'modules.metering.buses[0].baud (line 17, column 15): expected a number, found "fast"',
      'modules.metering.buses[1].port (line 18, column 9): expected a string, found nothing (the key is missing)',
      `mqtt.passwordFile: expected a readable file, found ${join(dir, 'missing-pw')} (ENOENT)`,
    ]);
    // One readable message, no stack trace in it.
    expect(err.message).toContain(`${join(dir, 'site.yaml')} is invalid:`);
    expect(err.message).not.toMatch(/\n\s+at /);
  });

  it('deletes outbox records on the cloud acknowledgement unless told puback', () => {
    const puback = folder({ 'site.yaml': `${MINIMAL}outbox: { deleteOn: puback }\n`, pw: 'x' });
    expect(loadAgentConfig(join(puback, 'site.yaml')).outbox.deleteOn).toBe('puback');
    const wrong = folder({ 'site.yaml': `${MINIMAL}outbox: { deleteOn: broker }\n`, pw: 'x' });
    const err = configError(() => loadAgentConfig(join(wrong, 'site.yaml')));
    expect(err.problems).toEqual([
      'outbox.deleteOn (line 7, column 21): expected one of "cloud-ack", "puback", found "broker"',
    ]);
  });

  it('names an unknown module and lists the known ones', () => {
    const dir = folder({ 'site.yaml': `${MINIMAL}modules:\n  meterign: {}\n`, pw: 'x' });
    const err = configError(() => loadAgentConfig(join(dir, 'site.yaml'), { modules }));
    expect(err.problems).toEqual([
      'modules.meterign (line 8, column 13): expected a module name (known modules: metering, lighting), found "meterign"',
    ]);
  });

  it('reports unknown keys as probable typos', () => {
    const dir = folder({ 'site.yaml': `${MINIMAL}  keepalive: 10\n`, pw: 'x' });
    const err = configError(() => loadAgentConfig(join(dir, 'site.yaml')));
    expect(err.problems).toEqual([
      'mqtt.keepalive (line 7, column 14): expected only known keys here, found unknown key "keepalive" (check the spelling)',
    ]);
  });

  it('turns a YAML syntax error into a problem with its line and column', () => {
    const dir = folder({
      'site.yaml': 'site: gare\ndevice: lockers\nmqtt:\n  url: "mqtt://x\n  password: hunter2\n',
    });
    const err = configError(() => loadAgentConfig(join(dir, 'site.yaml')));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(/^line \d+, column \d+: YAML syntax error: /);
    // The source line is not quoted back: it could be the one with the password.
    expect(err.message).not.toContain('hunter2');
  });

  it('reports duplicate keys as a YAML error at the duplicate', () => {
    const dir = folder({ 'site.yaml': `${MINIMAL}site: other\n`, pw: 'x' });
    const err = configError(() => loadAgentConfig(join(dir, 'site.yaml')));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(/^line 7, column 1: YAML syntax error: .*unique/);
  });

  it('never prints a password value, wherever the problem is', () => {
    const dir = folder({
      'site.yaml': `site: gare
device: lockers
kind: locker
mqtt:
  url: mqtt://gare:hunter2-url@broker
  password: 12345678
  passwordFile: pw
  pasword: hunter2-typo
`,
      pw: 'hunter2-file',
    });
    const err = configError(() => loadAgentConfig(join(dir, 'site.yaml')));
    expect(err.problems).toEqual([
      'mqtt.url (line 5, column 8): expected a URL without user:password (use mqtt.username and mqtt.passwordFile), found "mqtt://***@broker"',
      'mqtt.password (line 6, column 13): expected a string, found a value (hidden: it may be a secret)',
      'mqtt.pasword (line 8, column 12): expected only known keys here, found unknown key "pasword" (check the spelling)',
      'mqtt: expected exactly one of passwordFile or password, found both',
    ]);
    expect(err.message).not.toMatch(/hunter2|12345678/);
  });

  it('requires a password: neither, or an empty file, is a problem', () => {
    const neither = folder({ 'site.yaml': MINIMAL.replace('  passwordFile: pw\n', '') });
    expect(configError(() => loadAgentConfig(join(neither, 'site.yaml'))).problems).toEqual([
      'mqtt: expected exactly one of passwordFile or password, found neither',
    ]);
    const empty = folder({ 'site.yaml': MINIMAL, pw: '\n' });
    expect(configError(() => loadAgentConfig(join(empty, 'site.yaml'))).problems).toEqual([
      'mqtt.passwordFile: expected a file holding the password, found an empty file',
    ]);
  });

  it('reports an empty or missing file as a ConfigError', () => {
    const dir = folder({ 'empty.yaml': '# nothing yet\n' });
    expect(configError(() => loadAgentConfig(join(dir, 'empty.yaml'))).problems).toEqual([
      '(root): expected a map, found null',
    ]);
    expect(configError(() => loadAgentConfig(join(dir, 'nope.yaml'))).problems).toEqual([
      'cannot read the file: ENOENT',
    ]);
  });
});
