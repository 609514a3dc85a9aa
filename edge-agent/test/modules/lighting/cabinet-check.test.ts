import { describe, expect, it } from 'vitest';
import {
  CABINET_STREAM,
  CLEAR_HOLD_MS,
  CabinetCheck,
  SETTLE_MS,
  compareCabinet,
} from '../../../src/modules/lighting/cabinet-check.js';
import { LightingConfigSchema } from '../../../src/modules/lighting/lighting-config.js';
import type { CabinetCheckConfig } from '../../../src/modules/lighting/lighting-config.js';

const MINUTE = 60_000;
const TOLERANCE = { tolerancePct: 25, toleranceW: 50 };

/** The check's settings as the module's schema completes them. */
function settings(cabinet: Record<string, unknown> = {}): CabinetCheckConfig {
  const config = LightingConfigSchema.parse({
    zones: [{ id: 'rue', name: 'Rue', class: 'M4' }],
    energyChecks: { cabinet: { meter: 'cab', ...cabinet } },
  });
  const parsed = config.energyChecks.cabinet;
  if (parsed === undefined) throw new Error('no cabinet check parsed');
  return parsed;
}

function rig(config = settings()) {
  const events: { type: string; severity: string; data: Record<string, unknown> }[] = [];
  const reports: { values: Record<string, number | null>; missing?: Record<string, string> }[] = [];
  const check = new CabinetCheck(config, {
    emit: (type, severity, _subject, data) => {
      events.push({ type, severity, data: { ...data } });
    },
    report: (stream, source, values, missing) => {
      expect(stream).toBe(CABINET_STREAM);
      expect(source).toBe('cab');
      reports.push({ values: { ...values }, ...(missing && { missing: { ...missing } }) });
    },
  });
  /** A meter reading of `watts` at `mono`, then a cycle at `mono` expecting `zonesW`. */
  const step = (mono: number, zonesW: number | null, watts?: number) => {
    if (watts !== undefined) {
      check.reading({ meter: 'cab', at: mono, values: { power_w: watts } }, mono);
    }
    check.judge(zonesW, mono, 5 * MINUTE);
  };
  return { check, events, reports, step };
}

describe('compareCabinet', () => {
  it('gives the side a disagreement is on, beyond the larger of the share and the floor', () => {
    expect(compareCabinet(1000, 1300, TOLERANCE).verdict).toBe('above');
    expect(compareCabinet(1000, 700, TOLERANCE).verdict).toBe('below');
    expect(compareCabinet(1000, 1240, TOLERANCE).verdict).toBe('near');
    expect(compareCabinet(1000, 1190, TOLERANCE)).toEqual({
      expectedW: 1000,
      measuredW: 1190,
      ratio: 1.19,
      bandW: 250,
      verdict: 'agree',
    });
    // By day little is expected: the watt floor keeps noise from counting.
    expect(compareCabinet(20, 60, TOLERANCE)).toMatchObject({ bandW: 50, verdict: 'agree' });
    expect(compareCabinet(20, 90, TOLERANCE).verdict).toBe('above');
    expect(compareCabinet(0, 30, TOLERANCE).ratio).toBeNull();
  });
});

describe('CabinetCheck', () => {
  it('raises only after the disagreement has held for its minutes, once', () => {
    const { events, step } = rig(settings({ minutes: 10, allowanceW: 20 }));
    step(0, 480, 500);
    for (let m = 1; m < 10; m++) step(m * MINUTE, 480, 900);
    expect(events).toEqual([]);
    step(10 * MINUTE + SETTLE_MS, 480, 900);
    expect(events).toEqual([]);
    // Timed from its first judged reading, the first minute's (the one at 0 was not settled).
    step(11 * MINUTE, 480, 900);
    expect(events).toHaveLength(1);
    step(12 * MINUTE, 480, 900);
    expect(events).toEqual([
      {
        type: 'cabinet-power-mismatch',
        severity: 'alarm',
        data: {
          meter: 'cab',
          expectedW: 500,
          measuredW: 900,
          ratio: 1.8,
          allowanceW: 20,
          zones: 'all',
          direction: 'above',
          toleranceW: 125,
          minutes: 10,
        },
      },
    ]);
  });

  it('starts over when the disagreement goes away before its minutes', () => {
    const { events, step } = rig(settings({ minutes: 10 }));
    step(0, 500, 500);
    for (let m = 1; m <= 8; m++) step(m * MINUTE, 500, 100);
    step(9 * MINUTE, 500, 500);
    for (let m = 10; m <= 18; m++) step(m * MINUTE, 500, 100);
    expect(events).toEqual([]);
  });

  it('does not judge a reading taken as the expected power changed, nor a stale one', () => {
    const { events, step } = rig(settings({ minutes: 1, maxAgeSeconds: 120 }));
    step(0, 500, 500);
    // The level moved: the meter still shows the old power for a moment.
    step(MINUTE, 100, 500);
    step(2 * MINUTE, 100);
    step(3 * MINUTE, 100);
    expect(events).toEqual([]);
    // A reading well after the change, then none for longer than maxAgeSeconds.
    step(4 * MINUTE, 100, 100);
    step(10 * MINUTE, 100);
    step(20 * MINUTE, 100);
    expect(events).toEqual([]);
  });

  it('ends only once back well inside the band for two minutes (hysteresis)', () => {
    const { events, step } = rig(settings({ minutes: 1 }));
    step(0, 1000, 1000);
    step(MINUTE, 1000, 2000);
    step(2 * MINUTE, 1000, 2000);
    expect(events.map((e) => e.type)).toEqual(['cabinet-power-mismatch']);
    // Just inside the band (240 W off, band 250 W): not over yet, however long.
    for (let m = 3; m <= 10; m++) step(m * MINUTE, 1000, 1240);
    expect(events).toHaveLength(1);
    step(11 * MINUTE, 1000, 1050);
    step(11 * MINUTE + CLEAR_HOLD_MS - 1, 1000, 1050);
    expect(events).toHaveLength(1);
    step(11 * MINUTE + CLEAR_HOLD_MS, 1000, 1050);
    expect(events[1]).toEqual({
      type: 'cabinet-power-mismatch-ended',
      severity: 'info',
      data: {
        meter: 'cab',
        expectedW: 1000,
        measuredW: 1050,
        ratio: 1.05,
        allowanceW: 0,
        zones: 'all',
        mismatchMinutes: 11,
      },
    });
  });

  it('ignores other meters and readings without an active power', () => {
    const { check, events, step } = rig(settings({ minutes: 1 }));
    step(0, 500, 500);
    for (let m = 1; m <= 5; m++) {
      check.reading({ meter: 'other', at: 0, values: { power_w: 5000 } }, m * MINUTE);
      check.reading({ meter: 'cab', at: 0, values: { power_w: null } }, m * MINUTE);
      step(m * MINUTE, 500);
    }
    expect(events).toEqual([]);
  });

  it('reports both powers and the ratio, and says why one is missing', () => {
    const { reports, step } = rig();
    step(0, null);
    expect(reports[0]).toEqual({
      values: { expected_power_w: null, measured_power_w: null, ratio: null, mismatch: 0 },
      missing: {
        measured_power_w: 'no reading from meter cab (is it in modules.metering?)',
        expected_power_w: 'a zone’s lamps are not known yet (no rated power)',
        ratio: 'needs both powers',
      },
    });
    step(MINUTE, 400, 440);
    expect(reports).toHaveLength(1);
    step(5 * MINUTE, 400, 440);
    expect(reports[1]).toEqual({
      values: { expected_power_w: 400, measured_power_w: 440, ratio: 1.1, mismatch: 0 },
    });
  });

  it('ends a raised alarm when the check is removed from the configuration', () => {
    const { check, events, step } = rig(settings({ minutes: 1 }));
    step(0, 500, 500);
    step(MINUTE, 500, 50);
    step(2 * MINUTE, 500, 50);
    expect(check.raised).toBe(true);
    check.reconfigure(undefined);
    expect(check.raised).toBe(false);
    expect(events.at(-1)).toEqual({
      type: 'cabinet-power-mismatch-ended',
      severity: 'info',
      data: { meter: 'cab', reason: 'check removed' },
    });
  });
});
