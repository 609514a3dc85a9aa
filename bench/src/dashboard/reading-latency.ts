/** When the bench published one of the marker meter's readings (epoch ms, sub-ms precision). */
export interface MarkerPublish {
  readonly seq: number;
  readonly publishedMs: number;
}

/** One event a viewer received, reduced to what the latency needs. */
export interface ViewerEvent {
  /** Epoch ms at which its bytes reached the viewer. */
  readonly arrivedMs: number;
  /** The marker reading its energy section reflects; null when it carries no energy section. */
  readonly seq: number | null;
}

/** How one viewer saw the marker's readings. */
export interface ViewerLatency {
  /** Per reading shown: its publish → the first event reflecting it (or a later one), ms. */
  readonly latenciesMs: number[];
  /** Readings no event reflected before the viewer's events end. */
  readonly missed: number;
  /** Events that claim a reading before it was published: a decoding error, never latency. */
  readonly impossible: number;
}

/**
 * What one viewer saw of each reading: updates are coalesced (several readings may land in one,
 * and a reading may be superseded before it is shown), so a reading counts as shown by the first
 * event that reflects it or any later reading of the marker, and its latency is that event's
 * arrival minus the reading's publish. Events must be in arrival order, as a stream delivers them.
 */
export function viewerLatency(
  publishes: readonly MarkerPublish[],
  events: readonly ViewerEvent[],
): ViewerLatency {
  const sorted = [...publishes].sort((a, b) => a.seq - b.seq);
  const latenciesMs: number[] = [];
  let missed = 0;
  let impossible = 0;
  let e = 0;
  let shownUpTo = 0;
  let shownAt = Number.NaN;
  for (const p of sorted) {
    // Advance to the first event that reflects this reading or a later one.
    while (shownUpTo < p.seq && e < events.length) {
      const ev = events[e++] as ViewerEvent;
      if (ev.seq !== null && ev.seq > shownUpTo) {
        shownUpTo = ev.seq;
        shownAt = ev.arrivedMs;
      }
    }
    if (shownUpTo < p.seq) {
      missed++;
      continue;
    }
    if (shownAt < p.publishedMs) {
      impossible++;
      continue;
    }
    latenciesMs.push(shownAt - p.publishedMs);
  }
  return { latenciesMs, missed, impossible };
}
