import { z } from 'zod';
import { every } from '@hameau/protocol';
import { defineCommand, defineModule } from '../../runtime/agent-module.js';
import { CommandError } from '../../runtime/command-error.js';
import { CounterReader } from './counter-reader.js';
import type { CounterReply } from './counter-reply.js';

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
 * Its `read` command takes a reading now, between polls, and answers it.
 */
export const counterModule = defineModule({
  name: 'counter',
  configSchema: CounterConfig,
  create(ctx) {
    const { config, clock, log } = ctx;
    let reader: CounterReader | null = null;
    let stopPolling: (() => void) | null = null;
    let polling = false;

    /** Reads the device and reports the reading, or its absence with the reason. */
    const takeReading = async (from: CounterReader): Promise<CounterReply> => {
      const reply = await from.read();
      if (reply.kind === 'reading') {
        ctx.report(config.stream, config.source, { n: reply.seq, value: reply.value });
      } else {
        ctx.report(
          config.stream,
          config.source,
          { n: null, value: null },
          { n: reply.reason, value: reply.reason },
        );
      }
      return reply;
    };
    const poll = async (from: CounterReader) => {
      // A slow device must not pile polls up behind each other.
      if (polling) return;
      polling = true;
      try {
        await takeReading(from);
      } finally {
        polling = false;
      }
    };

    return {
      start() {
        const current = new CounterReader(config.host, config.port, config.timeoutMs, clock);
        reader = current;
        stopPolling = every(clock, config.intervalMs, () => {
          poll(current).catch((err: unknown) => {
            log.error({ err }, 'counter poll failed');
          });
        });
        return Promise.resolve();
      },
      stop() {
        stopPolling?.();
        stopPolling = null;
        reader?.close();
        reader = null;
        return Promise.resolve();
      },
      commands: {
        /** `read`: a reading now, outside the polling interval; `HARDWARE_FAILURE` if none. */
        read: defineCommand({
          args: z.strictObject({}),
          async run() {
            // The host routes commands to running modules only; this guards a stop in between.
            if (reader === null) throw new CommandError('REFUSED', 'the counter module is stopped');
            const reply = await takeReading(reader);
            if (reply.kind === 'error') throw new CommandError('HARDWARE_FAILURE', reply.reason);
            return { n: reply.seq, value: reply.value };
          },
        }),
      },
    };
  },
});
