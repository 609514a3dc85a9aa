import ModbusSerial from 'modbus-serial';
import type { LampNodeGroup } from '@hameau/firmware-sim';
import type { PathOptions } from '../locker/driver-baseline.js';
import { sampleLatency, type LatencyResult } from '../locker/latency-sampler.js';
import { expectLevel } from './register-watch.js';

// modbus-serial is CommonJS: its class is the module itself, also exported as `default`.
const ModbusRTU = ModbusSerial.default;

/** Longest a write may take before the sample counts as failed. */
const WRITE_TIMEOUT_MS = 5_000;

/**
 * The Modbus floor: `modbus-serial` (the library the agent's driver uses) connected to the same
 * Modbus TCP gateway, writing a node's dim-level register (function 6) straight: t0 just before
 * the write, t1 when the simulated node stores it (the same hook as the override path). Run
 * before the agent starts, so nothing else talks to the node.
 */
export async function measureModbusWrite(
  group: LampNodeGroup,
  port: number,
  node: { readonly id: string; readonly unit: number },
  levels: readonly [number, number],
  options: PathOptions,
): Promise<LatencyResult> {
  const client = new ModbusRTU();
  client.setTimeout(WRITE_TIMEOUT_MS);
  await client.connectTCP('127.0.0.1', { port });
  client.setID(node.unit);
  try {
    return await sampleLatency({
      label: 'Modbus write',
      samples: options.samples,
      warmup: options.warmup,
      jitterMs: 20,
      log: options.log,
      cloudPid: null,
      prepare: () => Promise.resolve(),
      measure: async (i) => {
        const level = levels[i % 2] ?? 0;
        const write = expectLevel(group, [node.id], level, WRITE_TIMEOUT_MS);
        try {
          const t0 = performance.now();
          await client.writeRegister(0, level);
          const t1 = await write.at;
          return { totalMs: t1 - t0 };
        } finally {
          write.cancel();
        }
      },
    });
  } finally {
    await new Promise<void>((resolve) => {
      client.close(() => {
        resolve();
      });
    });
  }
}
