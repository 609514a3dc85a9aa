import { describe, expect, it } from 'vitest';
import {
  parseWriteRequest,
  writeMultipleRequestPdu,
  writeResponsePdu,
  writeSingleRequestPdu,
} from '../../../src/devices/lamp-node/modbus-write-pdu.js';
import { hex } from '../../meter-fixtures.js';

describe('Modbus write PDUs', () => {
  it('reads FC 06 and FC 16 requests and builds their replies', () => {
    expect(writeSingleRequestPdu(0, 75)).toEqual(hex('06 0000 004B'));
    expect(writeMultipleRequestPdu(1, [30, 600])).toEqual(hex('10 0001 0002 04 001E 0258'));
    const single = parseWriteRequest(hex('06 0003 0001'));
    expect(single).toEqual({ functionCode: 6, address: 3, values: [1] });
    const multiple = parseWriteRequest(hex('10 0001 0002 04 001E 0258'));
    expect(multiple).toEqual({ functionCode: 16, address: 1, values: [30, 600] });
    if ('exception' in multiple) throw new Error('expected a request');
    expect(writeResponsePdu(multiple)).toEqual(hex('10 0001 0002'));
  });

  it('rejects malformed requests as the spec orders it', () => {
    const reject = (text: string) => parseWriteRequest(hex(text));
    expect(reject('06 0000')).toEqual({ functionCode: 6, exception: 3 });
    expect(reject('10 0000 0000 00')).toEqual({ functionCode: 16, exception: 3 });
    expect(reject('10 0000 007C F8' + '00'.repeat(248))).toEqual({
      functionCode: 16,
      exception: 3,
    });
    expect(reject('10 0000 0001 02 0001 00')).toEqual({ functionCode: 16, exception: 3 });
    expect(reject('10 FFFF 0002 04 0001 0002')).toEqual({ functionCode: 16, exception: 2 });
    expect(reject('05 0000 FF00')).toEqual({ functionCode: 5, exception: 1 });
  });
});
