import { ConfigError, ManualClock } from '@hameau/protocol';
import { describe, expect, it } from 'vitest';
import { SimMeter } from '../../../src/devices/meters/sim-meter.js';
import { readRequestPdu } from '../../../src/modbus/modbus-pdu.js';
import { hex, silentLog, steadyMeter } from '../../meter-fixtures.js';

const HOUR = 3_600_000;

/** The float32 at `address` of an SDM630-style FC04 read, through the meter's Modbus face. */
function readFloat(meter: SimMeter, address: number, functionCode: 3 | 4 = 4): number {
  const answer = meter.answer(readRequestPdu(functionCode, address, 2));
  if (answer.kind !== 'reply' || answer.pdu[0] !== functionCode) {
    throw new Error(`no reading: ${JSON.stringify(answer)}`);
  }
  return answer.pdu.readFloatBE(2);
}

describe('SimMeter state', () => {
  it('derives currents, apparent and reactive power from power, voltage and pf', () => {
    const meter = steadyMeter({ id: 'm1', load: { kind: 'fixed', watts: 4600, powerFactor: 0.8 } });
    const s = meter.snapshot();
    expect(s.phases).toHaveLength(3);
    for (const p of s.phases) {
      expect(p.voltage).toBe(230);
      expect(p.activePower).toBeCloseTo(4600 / 3, 9);
      expect(p.current).toBeCloseTo(4600 / 3 / (230 * 0.8), 9);
    }
    expect(s.apparentPower).toBeCloseTo(5750, 9);
    expect(s.reactivePower).toBeCloseTo(3450, 9);
    expect(s.frequency).toBe(50);
  });

  it('spreads a building unevenly over its phases, and a single-phase meter has one', () => {
    const building = steadyMeter({ id: 'b1', load: { kind: 'building' } });
    const phases = building.snapshot().phases.map((p) => p.activePower);
    expect(new Set(phases).size).toBe(3);
    expect(phases.reduce((a, b) => a + b, 0)).toBeCloseTo(building.snapshot().activePower, 6);
    expect(steadyMeter({ id: 's1', model: 'sdm120' }).snapshot().phases).toHaveLength(1);
  });

  it('wanders the supply only with noise on', async () => {
    const clock = new ManualClock();
    const meter = new SimMeter({ id: 'n1', model: 'em24', seed: 5 }, { clock, log: silentLog });
    const volts = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const s = meter.snapshot();
      volts.add(s.phases[0]?.voltage ?? 0);
      expect(Math.abs((s.phases[0]?.voltage ?? 0) - 230)).toBeLessThanOrEqual(2.3);
      expect(Math.abs(s.frequency - 50)).toBeLessThanOrEqual(0.03);
      await clock.advance(5 * 60_000);
    }
    expect(volts.size).toBeGreaterThan(6);
  });
});

describe('SimMeter counters', () => {
  it('integrate the load over the clock, exactly, served in kWh', async () => {
    const clock = new ManualClock();
    const meter = steadyMeter(
      { id: 'm1', load: { kind: 'fixed', watts: 3600 }, importKwh: 10 },
      clock,
    );
    await clock.advance(HOUR);
    expect(readFloat(meter, 0x0048)).toBe(Math.fround(13.6));
    const s = meter.snapshot();
    expect(s.importKwh).toBe(13.6);
    expect(s.phases.reduce((sum, p) => sum + p.importKwh, 0)).toBeCloseTo(13.6, 9);
    expect(readFloat(meter, 0x004a)).toBe(0);
  });

  it('integrate a lighting cabinet exactly across dim level changes', async () => {
    const clock = new ManualClock();
    const meter = steadyMeter(
      { id: 'cab1', load: { kind: 'lighting', lamps: 20, lampW: 60, standbyW: 10, level: 0 } },
      clock,
    );
    await clock.advance(HOUR);
    if (meter.load.kind !== 'lighting') throw new Error('expected a lighting cabinet');
    meter.load.setLevel(100);
    await clock.advance(HOUR / 2);
    meter.load.setLevel(50);
    expect(meter.snapshot().activePower).toBe(610);
    await clock.advance(HOUR / 4);
    // 10 Wh + 1210 × 0.5 Wh + 610 × 0.25 Wh
    expect(meter.snapshot().importKwh).toBeCloseTo(0.01 + 0.605 + 0.1525, 12);
  });

  it('count solar production as export, by day only', async () => {
    // 2026-06-21, 00:00 UTC.
    const clock = new ManualClock(Date.UTC(2026, 5, 21));
    const meter = steadyMeter(
      { id: 'pv1', model: 'iem3000', load: { kind: 'solar', peakW: 6000 } },
      clock,
    );
    await clock.advance(3 * HOUR); // before sunrise (03:45 UTC)
    expect(meter.snapshot().exportKwh).toBe(0);
    let last = 0;
    for (let h = 3; h < 24; h++) {
      await clock.advance(HOUR);
      const exported = readFloat(meter, 0x6018, 3);
      expect(exported).toBeGreaterThanOrEqual(last);
      last = exported;
    }
    const s = meter.snapshot();
    expect(s.importKwh).toBe(0);
    // A clear June day of a 6 kW array at 49° N: tens of kWh.
    expect(s.exportKwh).toBeGreaterThan(25);
    expect(s.exportKwh).toBeLessThan(60);
    expect(readFloat(meter, 0x5012, 3)).toBe(0); // midnight again: nothing produced
  });
});

describe('SimMeter faults', () => {
  const REQUEST = hex('04 0000 0002');

  it('answers normally without a fault', () => {
    const meter = steadyMeter({ id: 'm1', unit: 7 });
    expect(meter.answer(REQUEST)).toEqual({
      kind: 'reply',
      pdu: hex('04 04 4366 0000'),
      unitId: 7,
      delayMs: 0,
      corruptCrc: false,
    });
    expect(meter.requests).toBe(1);
  });

  it('no-answer: reads the request and stays silent until the fault ends', async () => {
    const clock = new ManualClock();
    const meter = steadyMeter({ id: 'm1' }, clock);
    meter.inject({ mode: 'no-answer', durationMs: 1000 });
    expect(meter.answer(REQUEST)).toEqual({ kind: 'none' });
    expect(meter.fault).toMatchObject({ mode: 'no-answer', until: clock.now() + 1000 });
    await clock.advance(1000);
    expect(meter.fault).toBeNull();
    expect(meter.answer(REQUEST).kind).toBe('reply');
    expect(meter.requests).toBe(2);
  });

  it('exception: answers the code given (04 by default) for any function', () => {
    const meter = steadyMeter({ id: 'm1' });
    meter.inject({ mode: 'exception' });
    expect(meter.answer(REQUEST)).toMatchObject({ pdu: hex('84 04') });
    meter.inject({ mode: 'exception', code: 6 });
    expect(meter.answer(hex('03 0000 0001'))).toMatchObject({ pdu: hex('83 06') });
  });

  it('corrupt-crc, wrong-unit and slow shape the reply', () => {
    const meter = steadyMeter({ id: 'm1', unit: 247 });
    meter.inject({ mode: 'corrupt-crc' });
    expect(meter.answer(REQUEST)).toMatchObject({ corruptCrc: true, unitId: 247 });
    meter.inject({ mode: 'wrong-unit' });
    expect(meter.answer(REQUEST)).toMatchObject({ corruptCrc: false, unitId: 1 });
    meter.inject({ mode: 'wrong-unit', unit: 9 });
    expect(meter.answer(REQUEST)).toMatchObject({ unitId: 9 });
    meter.inject({ mode: 'slow', delayMs: 1500 });
    expect(meter.answer(REQUEST)).toMatchObject({ unitId: 247, delayMs: 1500 });
    meter.clearFault();
    expect(meter.answer(REQUEST)).toMatchObject({ delayMs: 0, corruptCrc: false });
  });

  it('counter-reset zeroes the counters at once and leaves the current fault', async () => {
    const clock = new ManualClock();
    const meter = steadyMeter(
      { id: 'm1', load: { kind: 'fixed', watts: 1000 }, importKwh: 500 },
      clock,
    );
    await clock.advance(HOUR);
    meter.inject({ mode: 'slow', delayMs: 10 });
    meter.inject({ mode: 'counter-reset' });
    expect(meter.snapshot().importKwh).toBe(0);
    expect(meter.fault?.mode).toBe('slow');
    await clock.advance(HOUR);
    expect(meter.snapshot().importKwh).toBe(1);
  });

  it('runs its scenario schedule from start, on the clock', async () => {
    const clock = new ManualClock();
    const meter = steadyMeter(
      {
        id: 'm1',
        faults: [
          { mode: 'no-answer', atMs: 1000, durationMs: 500 },
          { mode: 'counter-reset', atMs: 3000 },
        ],
        importKwh: 42,
      },
      clock,
    );
    await clock.advance(5000);
    expect(meter.fault).toBeNull(); // not started: nothing scheduled
    meter.start();
    await clock.advance(999);
    expect(meter.fault).toBeNull();
    await clock.advance(1);
    expect(meter.fault?.mode).toBe('no-answer');
    await clock.advance(500);
    expect(meter.fault).toBeNull();
    expect(meter.snapshot().importKwh).toBeGreaterThan(42);
    await clock.advance(1500);
    expect(meter.snapshot().importKwh).toBe(0);
    meter.stop();
    expect(clock.pending).toBe(0);
  });

  it('refuses bad options and bad faults with every problem listed', () => {
    const clock = new ManualClock();
    expect(
      () =>
        new SimMeter(
          // @ts-expect-error -- a model that does not exist, as a scenario could name one
          { id: 'Bad Id', model: 'sdm999', unit: 0, load: { kind: 'solar', latitude: 100 } },
          { clock },
        ),
    ).toThrow(ConfigError);
    try {
      new SimMeter({ id: 'Bad Id', model: 'sdm630', unit: 0 }, { clock });
    } catch (err) {
      expect((err as ConfigError).message).toMatch(/id:[\s\S]*unit:/);
    }
    const meter = steadyMeter({ id: 'm1' });
    expect(() => {
      meter.inject({ mode: 'slow', delayMs: -1 });
    }).toThrow(ConfigError);
    expect(() => {
      // @ts-expect-error -- a counter reset has no duration
      meter.inject({ mode: 'counter-reset', durationMs: 5 });
    }).toThrow(ConfigError);
  });
});
