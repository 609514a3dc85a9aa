import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { builtinModules, loadAgentConfig } from '@hameau/edge-agent';
import { builtinDeviceTypes, parseScenario } from '@hameau/firmware-sim';

// No Docker engine runs in CI, so this checks docker-compose.yml statically: what `docker
// compose config` would reject, and what would leak or lose data.

const root = fileURLToPath(new URL('../../', import.meta.url));

interface BuildSpec {
  context?: string;
  dockerfile?: string;
}

type Volume = string | { type?: string; source?: string; target?: string };

interface Service {
  image?: string;
  build?: string | BuildSpec;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: Volume[];
  profiles?: string[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as ComposeFile;
const services = Object.entries(compose.services);

/** The Dockerfile of each app and the `hameau` subcommand its image runs. */
const APPS = {
  broker: ['broker'],
  'cloud-api': ['api'],
  'firmware-sim': ['sim', '--scenario', '/config/scenario.yaml'],
  'edge-agent': ['agent', '--config', '/config/site.yaml'],
} as const;

function environmentOf(service: Service): [string, string][] {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return env.map((entry): [string, string] => {
      const eq = entry.indexOf('=');
      return eq === -1 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
    });
  }
  return Object.entries(env).map(([key, value]): [string, string] => [key, String(value ?? '')]);
}

function buildOf(service: Service): { context: string; dockerfile: string } | undefined {
  if (service.build === undefined) return undefined;
  const spec = typeof service.build === 'string' ? { context: service.build } : service.build;
  const context = resolve(root, spec.context ?? '.');
  return { context, dockerfile: resolve(context, spec.dockerfile ?? 'Dockerfile') };
}

/** `${NAME}`, `${NAME:-default}`, `${NAME:?message}` … and what follows the name. */
const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)((?::?[-?+])[^}]*)?\}/g;

function variablesIn(text: string): { name: string; modifier: string }[] {
  return [...text.matchAll(VARIABLE)].map((m) => ({ name: m[1] ?? '', modifier: m[2] ?? '' }));
}

/** `${NAME:-default}` as compose reads it when NAME is unset (the .env of a fresh checkout). */
function withDefaults(text: string): string {
  return text.replace(VARIABLE, (whole, _name: string, modifier?: string) =>
    modifier?.startsWith(':-') === true ? modifier.slice(2) : whole,
  );
}

/** Short volume syntax `source:target[:mode]` or the long syntax's source and target. */
function volumeSource(volume: Volume): {
  kind: 'named' | 'bind';
  source: string;
  target: string;
} | null {
  if (typeof volume !== 'string') {
    if (volume.source === undefined) return null;
    const kind = volume.type === 'volume' ? 'named' : 'bind';
    return { kind, source: withDefaults(volume.source), target: volume.target ?? '' };
  }
  const parts = withDefaults(volume).split(':');
  if (parts.length < 2) return null; // an anonymous volume: just a container path
  const source = parts[0] ?? '';
  const bind = /^[./~$]/.test(source);
  return { kind: bind ? 'bind' : 'named', source, target: parts[1] ?? '' };
}

function healthcheckOf(service: Service): string[] {
  const test = service.healthcheck?.test;
  if (service.healthcheck?.disable === true || test === undefined) return [];
  return typeof test === 'string' ? ['CMD-SHELL', test] : test;
}

function dependsOn(service: Service): [string, string][] {
  const deps = service.depends_on ?? [];
  if (Array.isArray(deps)) return deps.map((name): [string, string] => [name, 'service_started']);
  return Object.entries(deps).map(([name, d]): [string, string] => [
    name,
    d.condition ?? 'service_started',
  ]);
}

/** The images a Dockerfile builds `FROM`, leaving out its own stages (`FROM build`). */
function baseImages(dockerfile: string): string[] {
  const stages = new Set<string>();
  const images: string[] = [];
  for (const m of dockerfile.matchAll(/^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/gim)) {
    const image = m[1] ?? '';
    if (!stages.has(image)) images.push(image);
    if (m[2] !== undefined) stages.add(m[2]);
  }
  return images;
}

/** `name:tag` pinned to a version: a tag, not `latest`, with a number in it (or a digest). */
function isPinned(image: string): boolean {
  if (image.includes('@sha256:')) return true;
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return tag !== undefined && tag !== 'latest' && /\d/.test(tag);
}

/**
 * Secrets that may be left empty, and why: an empty value is no password, and the program then
 * makes its own (never a default written here).
 */
const OPTIONAL_SECRETS: Readonly<Record<string, string>> = {
  'cloud-api.HAMEAU_MQTT_PASSWORD':
    'the API creates its `cloud` account at first start and keeps the password in its volume',
};

/** Where each stateful service keeps its state: it must be a named volume, not the container. */
const STATE = {
  postgres: '/var/lib/postgresql/data',
  influxdb: '/var/lib/influxdb',
  grafana: '/var/lib/grafana',
  'cloud-api': '/data',
  'edge-agent': '/data',
} as const;

describe('docker-compose.yml', () => {
  it('defines the seven services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'broker',
        'cloud-api',
        'edge-agent',
        'firmware-sim',
        'grafana',
        'influxdb',
        'postgres',
      ].sort(),
    );
  });

  it('gives every service an image or a build', () => {
    for (const [name, service] of services) {
      expect(service.image ?? service.build, `${name} has neither image nor build`).toBeDefined();
    }
  });

  it.each(services.filter(([, s]) => s.build !== undefined))(
    'builds %s from a context and Dockerfile that exist',
    (name, service) => {
      const build = buildOf(service);
      expect(build, name).toBeDefined();
      if (build === undefined) return;
      expect(statSync(build.context).isDirectory(), `${name}: ${build.context}`).toBe(true);
      expect(existsSync(build.dockerfile), `${name}: ${build.dockerfile}`).toBe(true);
    },
  );

  it.each(Object.entries(APPS))('runs `hameau %s` in its own image', (app, subcommand) => {
    const service = compose.services[app];
    expect(service, `${app} is not a service`).toBeDefined();
    expect(service?.command).toEqual(subcommand);
    const build = service && buildOf(service);
    expect(build?.dockerfile).toBe(resolve(root, app, 'Dockerfile'));
  });

  it('keeps every password, secret and token out of the file', () => {
    const leaks: string[] = [];
    for (const [name, service] of services) {
      for (const [key, value] of environmentOf(service)) {
        if (/PASSWORD|SECRET|TOKEN/i.test(key)) {
          const variables = variablesIn(value);
          if (variables.length === 0) leaks.push(`${name}.${key} is a literal`);
          // `${X:-}` (empty) is allowed: it is no password. `${X:-something}` is a default secret.
          for (const { name: variable, modifier } of variables) {
            if (/^:?[-+].+/.test(modifier)) leaks.push(`${name}.${key} defaults ${variable}`);
          }
        }
        // A password inside a URL, e.g. postgres://user:pass@host/db.
        const userinfo = /:\/\/[^/@\s:]*:([^@\s]*)@/.exec(value);
        if (userinfo && !(userinfo[1] ?? '').startsWith('${')) {
          leaks.push(`${name}.${key} has a password in its URL`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });

  it('requires every secret from .env (`${X:?message}`), but the named optional ones', () => {
    const problems: string[] = [];
    for (const [name, service] of services) {
      for (const [key, value] of environmentOf(service)) {
        const inUrl = /:\/\/[^/@\s:]*:(\$\{[^}]*\})@/.exec(value)?.[1];
        if (!/PASSWORD|SECRET|TOKEN/i.test(key) && inUrl === undefined) continue;
        const optional = OPTIONAL_SECRETS[`${name}.${key}`] !== undefined;
        for (const { name: variable, modifier } of variablesIn(inUrl ?? value)) {
          const required = /^:\?.+/.test(modifier);
          const empty = modifier === ':-' || modifier === '-';
          if (!required && !(optional && empty)) {
            problems.push(`${name}.${key}: \${${variable}${modifier}} is not \${${variable}:?…}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("pins every image to a version, its own and the Dockerfiles' bases", () => {
    const images = services.flatMap(([name, service]) => {
      const build = buildOf(service);
      const bases = build ? baseImages(readFileSync(build.dockerfile, 'utf8')) : [];
      return [...(service.image === undefined ? [] : [service.image]), ...bases].map(
        (image) => [name, image] as const,
      );
    });
    expect(images.length).toBeGreaterThan(services.length);
    const unpinned = images
      .filter(([, image]) => !isPinned(image))
      .map(([name, image]) => `${name}: ${image}`);
    expect(unpinned).toEqual([]);
  });

  it('gives every service a health check', () => {
    const without = services
      .filter(([, service]) => {
        const test = healthcheckOf(service);
        return test.length < 2 || test[0] === 'NONE';
      })
      .map(([name]) => name);
    expect(without).toEqual([]);
  });

  it('waits for health only where a health check exists, and only on known services', () => {
    const problems: string[] = [];
    for (const [name, service] of services) {
      for (const [dep, condition] of dependsOn(service)) {
        const target = compose.services[dep];
        if (target === undefined) problems.push(`${name} depends on unknown ${dep}`);
        else if (condition === 'service_healthy' && healthcheckOf(target).length === 0) {
          problems.push(`${name} waits for ${dep} to be healthy, which has no health check`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(Object.entries(STATE))('keeps the state of %s in a named volume', (name, path) => {
    const service = compose.services[name];
    const mount = (service?.volumes ?? []).map(volumeSource).find((v) => v?.target === path);
    expect(mount?.kind, `${name}: nothing mounted at ${path}`).toBe('named');
  });

  it('declares every named volume it uses', () => {
    const declared = Object.keys(compose.volumes ?? {});
    const undeclared: string[] = [];
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = volumeSource(volume);
        if (source?.kind === 'named' && !declared.includes(source.source)) {
          undeclared.push(`${name}: ${source.source}`);
        }
      }
    }
    expect(undeclared).toEqual([]);
  });

  it('bind-mounts only folders that exist (or that .env must choose)', () => {
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = volumeSource(volume);
        if (source?.kind !== 'bind' || source.source.startsWith('$')) continue;
        expect(existsSync(resolve(root, source.source)), `${name}: ${source.source}`).toBe(true);
      }
    }
  });

  it('lists every variable it reads in .env.example', () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const listed = new Set(
      example
        .split('\n')
        .map((line) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line.trim())?.[1])
        .filter((name) => name !== undefined),
    );
    const used = variablesIn(readFileSync(join(root, 'docker-compose.yml'), 'utf8')).map(
      (v) => v.name,
    );
    expect([...new Set(used)].filter((name) => !listed.has(name))).toEqual([]);
  });
});

describe('app Dockerfiles', () => {
  const workspaces = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }
  ).workspaces;

  it.each(Object.keys(APPS))('%s/Dockerfile copies every workspace manifest for npm ci', (app) => {
    const dockerfile = readFileSync(join(root, app, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim\b/m);
    for (const workspace of workspaces) {
      expect(dockerfile, `${app}/Dockerfile misses ${workspace}/package.json`).toContain(
        `COPY ${workspace}/package.json ${workspace}/`,
      );
    }
    expect(dockerfile).toContain('ENTRYPOINT ["node", "cli/bin/hameau.js"]');
  });
});

describe('Grafana in docker-compose.yml', () => {
  const grafana = compose.services.grafana;
  const PROVISIONING = '/etc/grafana/provisioning';
  const mounts = (grafana?.volumes ?? [])
    .map(volumeSource)
    .filter((v) => v?.kind === 'bind' && v.target.startsWith(`${PROVISIONING}/`));
  const mountOf = (folder: string) => mounts.find((v) => v?.target === `${PROVISIONING}/${folder}`);

  it.each(['datasources', 'dashboards'])(
    'mounts the provisioning folder %s/ from one that has YAML files',
    (folder) => {
      const mount = mountOf(folder);
      expect(mount, `nothing mounted at ${PROVISIONING}/${folder}`).toBeDefined();
      const source = resolve(root, mount?.source ?? '');
      expect(readdirSync(source).filter((f) => /\.ya?ml$/.test(f)).length, source).toBeGreaterThan(
        0,
      );
      expect(mount?.source.startsWith('./dashboards/grafana/')).toBe(true);
    },
  );

  it("points the dashboard provider at the dashboards' folder in the container", () => {
    const mount = mountOf('dashboards');
    const folder = resolve(root, mount?.source ?? '');
    const provider = parse(readFileSync(join(folder, 'provider.yaml'), 'utf8')) as {
      providers: { options: { path: string } }[];
    };
    const path = provider.providers[0]?.options.path ?? '';
    // The provider's path, seen from the host through the mount, must hold the dashboards.
    expect(posix.relative(mount?.target ?? '', path).startsWith('..')).toBe(false);
    const onHost = join(folder, posix.relative(mount?.target ?? '', path));
    expect(readdirSync(onHost).filter((f) => f.endsWith('.json')).length).toBeGreaterThan(0);
  });

  it("sets every variable the data source reads in Grafana's environment", () => {
    const folder = resolve(root, mountOf('datasources')?.source ?? '');
    const text = readdirSync(folder)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => readFileSync(join(folder, f), 'utf8'))
      .join('\n')
      .replace(/^\s*#.*$/gm, '');
    const read = [...text.matchAll(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g)].map((m) => m[1] ?? '');
    expect(read.length).toBeGreaterThan(0);
    const set = new Set(environmentOf(grafana ?? {}).map(([key]) => key));
    expect(read.filter((name) => !set.has(name))).toEqual([]);
  });
});

describe("the demo-site profile's configuration", () => {
  /** The folder mounted at /config in the demo-site containers. */
  function configDir(): string {
    const mount = (compose.services['edge-agent']?.volumes ?? [])
      .map(volumeSource)
      .find((v) => v?.target === '/config');
    if (mount === undefined || mount === null) throw new Error('edge-agent: no /config mount');
    return resolve(root, mount.source);
  }

  /** The scenario firmware-sim's command names, in that folder, as firmware-sim parses it. */
  function scenario() {
    const command = compose.services['firmware-sim']?.command;
    const file = Array.isArray(command) ? command[command.indexOf('--scenario') + 1] : undefined;
    if (file?.startsWith('/config/') !== true) throw new Error('firmware-sim: no /config scenario');
    const text = readFileSync(join(configDir(), posix.relative('/config', file)), 'utf8');
    return parseScenario(text, builtinDeviceTypes());
  }

  /** The agent's site.yaml as the agent loads it (its password file made up for the test). */
  function loadSite() {
    const dir = mkdtempSync(join(tmpdir(), 'hameau-compose-site-'));
    try {
      copyFileSync(join(configDir(), 'site.yaml'), join(dir, 'site.yaml'));
      writeFileSync(join(dir, 'mqtt-password'), 'not-a-real-password\n');
      return loadAgentConfig(join(dir, 'site.yaml'), { modules: builtinModules().list() });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('is a scenario firmware-sim accepts, listening for the other containers', () => {
    const { devices } = scenario();
    expect(devices.length).toBeGreaterThan(0);
    for (const device of devices) expect(device.entry['host']).toBe('0.0.0.0');
  });

  it('is a site.yaml the agent accepts, talking to the compose broker and simulators', () => {
    const site = loadSite();
    expect(site.mqtt.url).toBe('mqtt://broker:1883');
    // Its outbox is in the agent-data volume.
    expect(site.dataDir).toBe('/data');
    const buses = (site.modules as { metering?: { buses: { host?: string; port?: number }[] } })
      .metering?.buses;
    const ports = scenario().devices.map((d) => d.entry['port']);
    expect(buses?.length).toBeGreaterThan(0);
    for (const bus of buses ?? []) {
      expect(bus.host).toBe('firmware-sim');
      expect(ports).toContain(bus.port);
    }
  });

  it("checks firmware-sim's health on the scenario's port", () => {
    const test = healthcheckOf(compose.services['firmware-sim'] ?? {}).join(' ');
    const ports = scenario().devices.map((d) => String(d.entry['port']));
    expect(ports.some((port) => test.includes(`connect(${port},`))).toBe(true);
  });

  it('keeps the password file out of git', () => {
    expect(readFileSync(join(configDir(), '.gitignore'), 'utf8')).toMatch(/^mqtt-password$/m);
  });
});
