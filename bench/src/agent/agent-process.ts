import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PASSWORD_FILE } from './agent-site.js';

/** The built CLI, as a site's box runs it (`npm run build` first). */
export const CLI_ENTRY = fileURLToPath(new URL('../../../cli/bin/hameau.js', import.meta.url));
/** What the entry loads: present only after a build. */
const CLI_BUILT = fileURLToPath(new URL('../../../cli/dist/main.js', import.meta.url));

/** A log line of warn level or worse (pino levels: 40 warn, 50 error, 60 fatal). */
export interface AgentLogLine {
  readonly level: number;
  readonly msg: string;
}

/** How an agent process ended. */
export interface AgentExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * One edge agent as a process of its own: `node [flags] cli/bin/hameau.js agent --config
 * site.yaml`, with its site.yaml, password file and database in a throw-away folder. The pid is
 * node's own (no shell or npx in between), so /proc/<pid> is the agent. Its warnings and errors
 * (it logs at `warn`) are kept for the report.
 */
export class AgentProcess {
  readonly warnings: AgentLogLine[] = [];
  readonly exited: Promise<AgentExit>;
  readonly #child: ChildProcess;
  readonly #dir: string;
  #running = false;
  #exit: AgentExit | null = null;

  private constructor(child: ChildProcess, dir: string) {
    this.#child = child;
    this.#dir = dir;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
    });
    if (child.stdout !== null) {
      createInterface({ input: child.stdout }).on('line', (line) => {
        this.#onLine(line);
      });
    }
    if (child.stderr !== null) {
      createInterface({ input: child.stderr }).on('line', (line) => {
        if (line.trim() !== '') this.warnings.push({ level: 50, msg: `stderr: ${line}` });
      });
    }
  }

  /** Throws with what to run when the CLI has not been built. */
  static requireBuild(): void {
    if (!existsSync(CLI_BUILT)) {
      throw new Error(`${CLI_BUILT} is missing: run \`npm run build\` first`);
    }
  }

  static async start(opts: {
    readonly site: Record<string, unknown>;
    readonly password: string;
    readonly nodeFlags: readonly string[];
  }): Promise<AgentProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'hameau-bench-agent-'));
    const passwordFile = join(dir, PASSWORD_FILE);
    await writeFile(passwordFile, `${opts.password}\n`, { mode: 0o600 });
    await chmod(passwordFile, 0o600);
    const config = join(dir, 'site.yaml');
    await writeFile(config, `${JSON.stringify(opts.site, null, 2)}\n`);
    // Nothing inherited that would change what node does (NODE_OPTIONS, a loader).
    const env = { ...process.env };
    delete env['NODE_OPTIONS'];
    const child = spawn(
      process.execPath,
      [...opts.nodeFlags, CLI_ENTRY, 'agent', '--config', config],
      { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return new AgentProcess(child, dir);
  }

  get pid(): number {
    const pid = this.#child.pid;
    if (pid === undefined) throw new Error('the agent process did not start');
    return pid;
  }

  /** True once the CLI has said the agent runs (after its modules and link started). */
  get running(): boolean {
    return this.#running;
  }

  /** How the process ended, or null while it runs. */
  get exitStatus(): AgentExit | null {
    return this.#exit;
  }

  /** SIGTERM, as systemd stops it; SIGKILL after `timeoutMs`. Deletes its folder. */
  async stop(timeoutMs = 20_000): Promise<AgentExit> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
    }
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
      await rm(this.#dir, { recursive: true, force: true });
    }
  }

  #onLine(line: string): void {
    if (line.startsWith('agent ') && line.includes(' running ')) {
      this.#running = true;
      return;
    }
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof entry !== 'object' || entry === null) return;
    const { level, msg } = entry as { level?: unknown; msg?: unknown };
    if (typeof level === 'number' && level >= 40) {
      this.warnings.push({ level, msg: typeof msg === 'string' ? msg : JSON.stringify(entry) });
    }
  }
}
