import { connect, type Socket } from 'node:net';
import { z } from 'zod';
import { every, type Clock } from '@hameau/protocol';
import { defineModule } from '../../runtime/agent-module.js';
import { parseCounterReply, type CounterReply } from './counter-reply.js';

const CounterConfig = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(1).max(65535),
    /** How often the device is read. */
    intervalMs: z.number().int().min(10).default(1_000),
    /** A reply slower than this is a missing reading. */
    timeoutMs: z.number().int().min(10).default(2_000),
    stream: z
      .string()
      .regex(/^[a-z0-9-]+$/)
      .default('counter'),
    source: z.string().min(1).max(64).default('counter'),
  })
  .strict();

/**
 * Reads the firmware-sim `counter` device: a generic device producing numbered readings, used
 * to prove the path from the street to the store loses and duplicates nothing. Each reading is
 * reported as `{ n, value }`; a failed read is reported as missing with its reason, never as 0.
 */
export const counterModule = defineModule({
  name: 'counter',
  configSchema: CounterConfig,
  create(ctx) {
    const { config, clock, log } = ctx;
    const reader = new CounterReader(config.host, config.port, config.timeoutMs, clock);
    let stop: (() => void) | null = null;
    let busy = false;
    const poll = async () => {
      if (busy) return;
      busy = true;
      try {
        const reply = await reader.read();
        if (reply.kind === 'reading') {
          ctx.report(config.stream, config.source, { n: reply.seq, value: reply.value });
        } else {
          ctx.report(
            config.stream,
            config.source,
            { n: null, value: null },
            {
              n: reply.reason,
              value: reply.reason,
            },
          );
        }
      } finally {
        busy = false;
      }
    };
    return {
      start() {
        stop = every(clock, config.intervalMs, () => {
          poll().catch((err: unknown) => {
            log.error({ err }, 'counter poll failed');
          });
        });
        return Promise.resolve();
      },
      stop() {
        stop?.();
        reader.close();
        return Promise.resolve();
      },
    };
  },
});

/** One request at a time over a kept-open TCP connection, reopened after any failure. */
class CounterReader {
  #socket: Socket | null = null;
  #buffer = '';
  #waiting: ((line: string | null) => void) | null = null;

  constructor(
    readonly host: string,
    readonly port: number,
    readonly timeoutMs: number,
    readonly clock: Clock,
  ) {}

  async read(): Promise<CounterReply> {
    const socket = this.#socket ?? (await this.#open());
    if (socket === null) return { kind: 'error', reason: 'device unreachable' };
    const line = await new Promise<string | null>((resolve) => {
      const timer = this.clock.setTimeout(() => {
        this.#waiting = null;
        resolve(null);
      }, this.timeoutMs);
      this.#waiting = (l) => {
        this.clock.clearTimeout(timer);
        resolve(l);
      };
      socket.write('READ\n');
    });
    if (line === null) {
      // A late answer would be taken for the next request's: start over on a new connection.
      this.close();
      return { kind: 'error', reason: 'timeout' };
    }
    return parseCounterReply(line);
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = null;
    this.#buffer = '';
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.(null);
  }

  #open(): Promise<Socket | null> {
    return new Promise((resolve) => {
      const socket = connect({ host: this.host, port: this.port, noDelay: true });
      socket.setEncoding('utf8');
      socket.once('connect', () => {
        this.#socket = socket;
        resolve(socket);
      });
      socket.on('data', (chunk: string) => {
        this.#buffer += chunk;
        let nl = this.#buffer.indexOf('\n');
        while (nl >= 0) {
          const line = this.#buffer.slice(0, nl).replace(/\r$/, '');
          this.#buffer = this.#buffer.slice(nl + 1);
          const waiting = this.#waiting;
          this.#waiting = null;
          waiting?.(line);
          nl = this.#buffer.indexOf('\n');
        }
        if (this.#buffer.length > 1024) this.close();
      });
      socket.on('error', () => {
        if (this.#socket !== socket) resolve(null);
        this.close();
      });
      socket.on('close', () => {
        if (this.#socket === socket) this.close();
      });
    });
  }
}
