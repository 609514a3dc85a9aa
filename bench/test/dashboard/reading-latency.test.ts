import { describe, expect, it } from 'vitest';
import { viewerLatency, type MarkerPublish } from '../../src/dashboard/reading-latency.js';

const published = (seq: number, publishedMs: number): MarkerPublish => ({ seq, publishedMs });

describe('viewerLatency', () => {
  it('times each reading to the first event that reflects it', () => {
    const v = viewerLatency(
      [published(1, 1_000), published(2, 1_250)],
      [
        { arrivedMs: 900, seq: null },
        { arrivedMs: 1_200, seq: 1 },
        { arrivedMs: 1_500, seq: 2 },
      ],
    );
    expect(v).toEqual({ latenciesMs: [200, 250], missed: 0, impossible: 0 });
  });

  it('counts a reading superseded before it was shown as shown by the later one', () => {
    // Readings 3 and 4 were coalesced into one update, which reflects 4.
    const v = viewerLatency(
      [published(3, 1_000), published(4, 1_100)],
      [
        { arrivedMs: 1_050, seq: 2 },
        { arrivedMs: 1_400, seq: 4 },
      ],
    );
    expect(v.latenciesMs).toEqual([400, 300]);
  });

  it('skips events that carry no energy section and counts readings never shown', () => {
    const v = viewerLatency(
      [published(5, 1_000), published(6, 2_000)],
      [
        { arrivedMs: 1_300, seq: null },
        { arrivedMs: 1_500, seq: 5 },
        { arrivedMs: 2_500, seq: null },
      ],
    );
    expect(v).toEqual({ latenciesMs: [500], missed: 1, impossible: 0 });
  });

  it('flags an event that claims a reading before it was published', () => {
    const v = viewerLatency([published(9, 2_000)], [{ arrivedMs: 1_000, seq: 9 }]);
    expect(v).toEqual({ latenciesMs: [], missed: 0, impossible: 1 });
  });

  it('orders the readings by seq whatever order they are given in', () => {
    const v = viewerLatency(
      [published(2, 1_100), published(1, 1_000)],
      [{ arrivedMs: 1_300, seq: 2 }],
    );
    expect(v.latenciesMs).toEqual([300, 200]);
  });
});
