import { describe, expect, it } from 'vitest';
import { memoryLinkPair } from '../../src/transport/memory-link.js';
import { flush } from '../meter-fixtures.js';

describe('memoryLinkPair', () => {
  it('delivers each write to the other end, never synchronously', async () => {
    const [a, b] = memoryLinkPair();
    const atB: string[] = [];
    const atA: string[] = [];
    b.onData((chunk) => atB.push(chunk.toString('hex')));
    a.onData((chunk) => atA.push(chunk.toString('hex')));
    const sent = Buffer.from([1, 2, 3]);
    a.write(sent);
    sent[0] = 9; // the link copied the bytes
    expect(atB).toEqual([]);
    await flush();
    b.write(Buffer.from([4]));
    await flush();
    expect(atB).toEqual(['010203']);
    expect(atA).toEqual(['04']);
    expect(a.written.map((c) => c.toString('hex'))).toEqual(['010203']);
  });

  it('stops carrying bytes once either end is closed', async () => {
    const [a, b] = memoryLinkPair();
    const atB: Buffer[] = [];
    b.onData((chunk) => atB.push(chunk));
    await b.close();
    a.write(Buffer.from([1]));
    await a.close();
    a.write(Buffer.from([2]));
    await flush();
    expect(atB).toEqual([]);
    expect([a.closed, b.closed]).toEqual([true, true]);
    expect(a.written).toHaveLength(1);
  });
});
