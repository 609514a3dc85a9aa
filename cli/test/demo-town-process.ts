import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUN_CLI = fileURLToPath(new URL('./faults/run-cli.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Children still running; killed if this process exits first (a timed-out test run). */
const LIVE = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of LIVE) child.kill('SIGKILL');
});

/** Every port on 0 (ephemeral), logs off: what a test changes of the demo's defaults. */
export function demoTestEnv(dataDir: string): NodeJS.ProcessEnv {
  return {
    HAMEAU_DATA_DIR: dataDir,
    HAMEAU_MQTT_PORT: '0',
    HAMEAU_MQTT_WS_PORT: '0',
    HAMEAU_BROKER_HTTP_PORT: '0',
    HAMEAU_API_PORT: '0',
    HAMEAU_KIOSK_PORT_MAIRIE: '0',
    HAMEAU_KIOSK_PORT_GARE: '0',
    HAMEAU_LOG_LEVEL: 'silent',
  };
}

/** A parcel line of the printout. */
export interface PrintedParcel {
  readonly bankName: string;
  readonly box: number;
  readonly code: string;
  readonly kioskUrl: string;
}

/** What `hameau start` printed, read as a person would. */
export interface DemoPrintout {
  readonly lines: readonly string[];
  readonly dashboardUrl: string;
  readonly consoleUrl: string;
  readonly docsUrl: string;
  readonly apiUrl: string;
  readonly mqttUrl: string;
  readonly tokenFile: string;
  /** Kiosk name → URL. */
  readonly kiosks: ReadonlyMap<string, string>;
  readonly parcels: readonly PrintedParcel[];
  /** Username → password. */
  readonly credentials: ReadonlyMap<string, string>;
  readonly technician: { readonly name: string; readonly password: string };
  /** The lighting controller's configuration line: its version, whose, applied or refused. */
  readonly lighting: string;
  /** Where each agent's site.yaml and data are. */
  readonly agentsDir: string;
}

/**
 * `hameau start` as a child process, from the sources, as a person runs it: its own process,
 * so a signal stops it as Ctrl-C does and the test sees whether it exits by itself.
 */
export class DemoTownProcess {
  readonly out: string[] = [];
  readonly err: string[] = [];
  readonly exited: Promise<number | null>;
  readonly #child: ChildProcess;

  constructor(env: NodeJS.ProcessEnv) {
    this.#child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', RUN_CLI, 'start'],
      { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    LIVE.add(this.#child);
    collectLines(this.#child.stdout, this.out);
    collectLines(this.#child.stderr, this.err);
    this.exited = new Promise((resolve) => {
      this.#child.once('exit', (code) => {
        LIVE.delete(this.#child);
        resolve(code);
      });
    });
  }

  /** Waits for the Ctrl-C hint (the town is up), and reads the printout. */
  async ready(timeoutMs: number): Promise<DemoPrintout> {
    const deadline = Date.now() + timeoutMs;
    const child = { exited: false };
    void this.exited.then(() => {
      child.exited = true;
    });
    while (!this.out.includes('Press Ctrl-C to stop.')) {
      if (child.exited || Date.now() > deadline) {
        throw new Error(
          `the demo did not come up:\n${[...this.out, ...this.err].join('\n').slice(-3000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return readPrintout(this.out);
  }

  signal(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** Kills it for good (after a failed test). */
  kill(): void {
    this.#child.kill('SIGKILL');
  }
}

function readPrintout(out: readonly string[]): DemoPrintout {
  const last = out.indexOf('Press Ctrl-C to stop.');
  const lines = out.slice(out.lastIndexOf('Hameau demo town'), last + 1);
  const text = lines.join('\n');
  const find = (re: RegExp) => re.exec(text)?.[1] ?? '';
  const section = (title: string) => {
    const start = lines.findIndex((l) => l.includes(title)) + 1;
    const end = lines.findIndex((l, i) => i >= start && !l.startsWith('    '));
    return lines.slice(start, end);
  };
  const technician = /Console sign-in\s+(\S+)\s+(\S+)/.exec(text);
  return {
    lines,
    dashboardUrl: find(/Public dashboard\s+(http\S+)/),
    consoleUrl: find(/Technician console\s+(http\S+)/),
    docsUrl: find(/API docs\s+(http\S+)/),
    apiUrl: find(/Cloud API\s+(http\S+)/),
    mqttUrl: find(/MQTT broker\s+(mqtt:\/\/\S+)/),
    tokenFile: find(/Admin token\s+in (\S+)/),
    kiosks: new Map(
      section('Kiosk pages:').map((l) => {
        const [, name = '', url = ''] = /^\s+(.+?)\s+(http\S+)/.exec(l) ?? [];
        return [name, url];
      }),
    ),
    parcels: section('Parcels ready for pickup').map((l) => {
      const [, bankName = '', box = '', code = '', kioskUrl = ''] =
        /^\s+(.+?)\s+box (\d+)\s+\S+\s+code (\d+)\s+(http\S+)/.exec(l) ?? [];
      return { bankName, box: Number(box), code, kioskUrl };
    }),
    credentials: new Map(
      section('Demo credentials').map((l) => l.trim().split(/\s+/) as [string, string]),
    ),
    technician: { name: technician?.[1] ?? '', password: technician?.[2] ?? '' },
    lighting: find(/Lighting config\s+(.+)/),
    agentsDir: find(/Agents\s+site\.yaml and data of each under (\S+)/),
  };
}

function collectLines(stream: NodeJS.ReadableStream | null, into: string[]): void {
  let rest = '';
  stream?.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop() ?? '';
    into.push(...parts);
  });
}
