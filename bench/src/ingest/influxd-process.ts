import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/*
 * A copy of cloud-api/test/timeseries/influxd-process.ts (a test helper, which bench/src cannot
 * import: it lies outside any package's sources). Changes: `pid` and `version`, for the report.
 */

/** A throw-away InfluxDB 1.x server (Debian's `influxd`) on ephemeral ports in a temp dir. */
export interface Influxd {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** The server process, whose CPU the bench samples. */
  readonly pid: number | null;
  /** What `influxd version` prints, e.g. `InfluxDB v1.6.7~rc0 (git: unknown unknown)`. */
  readonly version: string;
  /** Runs an InfluxQL statement (CREATE/DROP DATABASE…), failing on an error answer. */
  admin(statement: string): Promise<void>;
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'influxd (InfluxDB 1.x) is not installed: install the Debian package `influxdb` ' +
  '(apt-get install influxdb; .ci/run installs it)';

function findInfluxd(): string {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin']) {
    if (dir === '') continue;
    const candidate = join(dir, 'influxd');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  throw new Error(INSTALL_HINT);
}

/** Two distinct free ports: bound to port 0 together, then released. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => {
            resolve(server);
          });
        }),
    ),
  );
  const ports = servers.map((s) => {
    const address = s.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    return address.port;
  });
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.close(() => {
            resolve();
          });
        }),
    ),
  );
  return ports;
}

function configFile(dir: string, httpPort: number, rpcPort: number): string {
  return `# Written by bench/src/ingest/influxd-process.ts for one bench run.
reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
[logging]
  level = "warn"
[continuous_queries]
  enabled = false
`;
}

const delay = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Starts influxd and waits until `/ping` answers 204. Fails with an install hint when absent.
 * Its data lives in a temp dir removed at `stop`, or in `options.dir`, kept for the next start
 * (the dashboard bench reuses a loaded year that way).
 */
export async function startInfluxd(options: { readonly dir?: string } = {}): Promise<Influxd> {
  const binary = findInfluxd();
  const keepData = options.dir !== undefined;
  if (options.dir !== undefined) mkdirSync(options.dir, { recursive: true });
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'hameau-influxd-'));
  const [httpPort, rpcPort] = (await freePorts(2)) as [number, number];
  const config = join(dir, 'influxdb.conf');
  writeFileSync(config, configFile(dir, httpPort, rpcPort));
  const child: ChildProcess = spawn(binary, ['-config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  // An object, so the compiler does not narrow the flag the exit handler flips.
  const state = { running: true };
  void exited.then(() => {
    state.running = false;
  });
  const url = `http://127.0.0.1:${httpPort}`;

  const stop = async () => {
    if (state.running) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    if (!keepData) rmSync(dir, { recursive: true, force: true });
  };

  try {
    for (let waited = 0; ; waited += 100) {
      if (!state.running) throw new Error(`influxd exited at start:\n${output}`);
      const ok = await fetch(`${url}/ping`).then(
        (r) => r.status === 204,
        () => false,
      );
      if (ok) break;
      if (waited >= 20_000) throw new Error(`influxd did not answer /ping within 20 s:\n${output}`);
      await delay(100);
    }
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    url,
    pid: child.pid ?? null,
    version: execFileSync(binary, ['version'], { encoding: 'utf8' }).trim(),
    async admin(statement) {
      const response = await fetch(`${url}/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ q: statement }).toString(),
      });
      const text = await response.text();
      if (!response.ok || text.includes('"error"')) {
        throw new Error(`influxd refused ${statement}: ${response.status} ${text}`);
      }
    },
    stop,
  };
}
