import { describe, expect, it } from 'vitest';
import { describeIssue } from '../../../../src/config/describe-issue.js';
import { KerongBusConfig } from '../../../../src/modules/locker/board/kerong-bus-config.js';

/** Every problem as the agent's config loader prints it. */
function problems(input: unknown): string[] {
  const result = KerongBusConfig.safeParse(input);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => describeIssue(issue, { input }));
}

describe('KerongBusConfig', () => {
  it('fills in the defaults of a serial bus: 19200 8N1, 250 ms rounds, 100 ms, 2 retries', () => {
    expect(
      KerongBusConfig.parse({
        transport: { type: 'serial', path: '/dev/ttyUSB0' },
        boards: [0, 1],
      }),
    ).toEqual({
      transport: {
        type: 'serial',
        path: '/dev/ttyUSB0',
        baudRate: 19_200,
        parity: 'none',
        dataBits: 8,
        stopBits: 1,
      },
      boards: [0, 1],
      pollMs: 250,
      replyTimeoutMs: 100,
      retries: 2,
      reconnect: { minMs: 250, maxMs: 10_000 },
    });
  });

  it('takes a TCP gateway and line settings', () => {
    const config = KerongBusConfig.parse({
      transport: { type: 'tcp', host: '10.0.0.5', port: 4001 },
      boards: [3],
      pollMs: 500,
      retries: 0,
    });
    expect(config.transport).toEqual({
      type: 'tcp',
      host: '10.0.0.5',
      port: 4001,
      connectTimeoutMs: 3_000,
    });
    expect(
      KerongBusConfig.parse({
        transport: {
          type: 'serial',
          path: '/dev/ttyS1',
          baudRate: 9600,
          parity: 'even',
          stopBits: 2,
        },
        boards: [0],
      }).transport,
    ).toMatchObject({ baudRate: 9600, parity: 'even', dataBits: 8, stopBits: 2 });
  });

  it('says clearly what is wrong with board addresses', () => {
    expect(
      problems({ transport: { type: 'serial', path: '/dev/ttyUSB0' }, boards: [0, 16, 2, 2] }),
    ).toEqual([
      'boards[1]: expected a board address 0-15, found 16',
      'boards[3]: expected a board address used once per bus, found 2 again',
    ]);
    expect(problems({ transport: { type: 'serial', path: '/dev/ttyUSB0' }, boards: [] })).toEqual([
      'boards: expected at least 1 item, found a list of 0 items',
    ]);
  });

  it('says clearly what is wrong with the transport and the timings', () => {
    expect(problems({ transport: { type: 'usb' }, boards: [0] })).toEqual([
      'transport.type: expected a transport type: serial or tcp, found "usb"',
    ]);
    expect(
      problems({
        transport: { type: 'tcp', host: '', port: 70_000 },
        boards: [0],
        replyTimeoutMs: 5,
        retries: -1,
        reconnect: { minMs: 5_000, maxMs: 1_000 },
      }),
    ).toEqual([
      'transport.host: expected a gateway host name or address, found ""',
      'transport.port: expected a TCP port 1-65535, found 70000',
      'replyTimeoutMs: expected a reply timeout of 10-10000 ms, found 5',
      'retries: expected a number of retries 0-10, found -1',
      'reconnect.maxMs: expected a value >= minMs, found 1000',
    ]);
    expect(
      problems({ transport: { type: 'serial', path: '/dev/x', bauds: 9600 }, boards: [0] }),
    ).toEqual([
      'transport.bauds: expected only known keys here, found unknown key "bauds" (check the spelling)',
    ]);
  });
});
