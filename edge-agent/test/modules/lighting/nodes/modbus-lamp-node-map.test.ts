import { describe, expect, it } from 'vitest';
import { decodeNodeInputs } from '../../../../src/modules/lighting/nodes/modbus-lamp-node-map.js';

describe('decoding a lamp node’s input registers', () => {
  it('scales every value and splits the fault bits, ignoring bits it does not know', () => {
    expect(decodeNodeInputs([35, 1234, 2291, 0x0002, 0x0010, 0b11110101, 150])).toEqual({
      ok: true,
      reading: {
        appliedLevel: 35,
        powerW: 123.4,
        voltageV: 229.1,
        // (2 × 65536 + 16) / 100
        burningHours: 1310.88,
        ratedW: 150,
        faults: { lampFailure: true, relayStuck: false, restarted: true, onFailureLevel: false },
      },
    });
  });

  it('refuses a level over 100 % and a short reply, and reads rated power 0 as unknown', () => {
    expect(decodeNodeInputs([250, 0, 2300, 0, 0, 0, 60])).toEqual({
      ok: false,
      reason: 'invalid reply: applied level 250 % out of range',
    });
    expect(decodeNodeInputs([50, 0, 2300])).toMatchObject({ ok: false });
    expect(decodeNodeInputs([0, 0, 2300, 0, 0, 0, 0])).toMatchObject({
      ok: true,
      reading: { ratedW: null },
    });
  });
});
