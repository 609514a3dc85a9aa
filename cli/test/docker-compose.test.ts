import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs in CI, so this checks docker-compose.yml statically: what `docker
// compose config` would reject, and what would leak or lose data.

const root = fileURLToPath(new URL('../../', import.meta.url));

interface BuildSpec {
  context?: string;
  dockerfile?: string;
}

interface Service {
  image?: string;
  build?: string | BuildSpec;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: (string | { type?: string; source?: string })[];
  profiles?: string[];
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
  'firmware-sim': ['sim'],
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

/** Short volume syntax `source:target[:mode]` or the long syntax's source. */
function volumeSource(volume: string | { type?: string; source?: string }): {
  kind: 'named' | 'bind';
  source: string;
} | null {
  if (typeof volume !== 'string') {
    if (volume.source === undefined) return null;
    return { kind: volume.type === 'volume' ? 'named' : 'bind', source: volume.source };
  }
  const parts = volume.split(':');
  if (parts.length < 2) return null; // an anonymous volume: just a container path
  const source = parts[0] ?? '';
  const bind = /^[./~$]/.test(source);
  return { kind: bind ? 'bind' : 'named', source };
}

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

  it('bind-mounts only folders that exist (or that .env chooses)', () => {
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
