import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hameau/protocol';
import { parseModbusOptions, type ModbusBenchOptions } from '../../src/modbus/options.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  parseModbusOptions(argv, env, '/repo/docs/benchmarks.md') as ModbusBenchOptions;

describe('parseModbusOptions', () => {
  it('defaults to every case at 9600 and 19200 baud, and writing the docs', () => {
    expect(parse([])).toEqual({
      quick: false,
      groups: ['rtu', 'bare', 'dead', 'tcp', 'gateways'],
      bauds: [9_600, 19_200],
      rtuMeters: 4,
      turnaroundMs: 2,
      tcpMeters: 50,
      gatewaySize: 10,
      warmupMs: 5_000,
      durationMs: 20_000,
      docPath: '/repo/docs/benchmarks.md',
    });
  });

  it('makes quick runs short and leaves the docs alone', () => {
    expect(parse(['--quick'])).toMatchObject({ warmupMs: 2_000, durationMs: 5_000, docPath: null });
  });

  it('takes cases in their own order and line speeds as given', () => {
    const o = parse(['--cases=dead,rtu', '--bauds=19200,9600,19200', '--turnaround=0.5']);
    expect(o.groups).toEqual(['rtu', 'dead']);
    expect(o.bauds).toEqual([19_200, 9_600]);
    expect(o.turnaroundMs).toBe(0.5);
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      parse([
        '--cases=rtu,modbus-ascii',
        '--bauds=fast',
        '--meters=0',
        '--duration=1.5',
        '--write',
        '--no-write',
      ]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('--cases');
    expect(message).toContain('--bauds');
    expect(message).toContain('--meters: expected a whole number 1-200, got "0"');
    expect(message).toContain('--duration: expected a whole number');
    expect(message).toContain('contradict');
  });

  it('refuses the bare master without the agent’s run that gives it the plan', () => {
    expect(() => parse(['--cases=bare'])).toThrow(/add rtu/);
  });
});
