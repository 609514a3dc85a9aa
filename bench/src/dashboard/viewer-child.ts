/**
 * Child-process entry: the live part's viewers, each an event stream on the public feed, in a
 * process of their own so that reading a thousand streams never shares an event loop with the
 * publishing agents (or the API). Started by the dashboard bench through `ServiceProcess`;
 * never run directly.
 */
import { serveParent } from '../ingest/serve-parent.js';
import { markerSeqOf } from './live-readings.js';
import { viewerLatency, type MarkerPublish, type ViewerEvent } from './reading-latency.js';
import { SseViewer, type Arrival } from './sse-viewer.js';

/** What the bench tells the viewers. */
export interface ViewerSettings {
  readonly url: string;
  readonly viewers: number;
  readonly connectBatch: number;
}

/** What the viewers answer for one window of marker readings. */
export interface ViewerResults {
  /** Every viewer's latency per marker reading, ms, all viewers together. */
  readonly latenciesMs: number[];
  /** Per update event received in the window: the feed's computation start (`at`) → arrival. */
  readonly fanOutMs: number[];
  readonly missed: number;
  readonly impossible: number;
  /** Updates a viewer received in the window, summed over viewers. */
  readonly updates: number;
  /** Streams the server ended while they were watched (a slow viewer is cut off, for one). */
  readonly endedEarly: number;
  /** Events whose payload the bench could not read. */
  readonly unreadable: number;
}

/** The methods the bench calls. */
export interface ViewerMethods {
  results(params: {
    readonly publishes: readonly MarkerPublish[];
    readonly fromMs: number;
  }): ViewerResults;
}

interface Reflected {
  readonly seq: number | null;
  readonly atMs: number;
  readonly readable: boolean;
}

/**
 * What an event reflects: the marker reading in its energy section (see `markerSeqOf`), and
 * when the feed computed it. Every viewer gets the same bytes for an event id, so each payload
 * is read once here, not once per viewer: the bench's own work stays off the measured path.
 */
function reflectedBy(cache: Map<string, Reflected>, arrival: Arrival): Reflected {
  const key = `${arrival.event.event}\n${arrival.event.id}`;
  let found = cache.get(key);
  if (found === undefined) {
    found = readPayload(arrival.event.data);
    cache.set(key, found);
  }
  return found;
}

function readPayload(data: string): Reflected {
  try {
    const payload = JSON.parse(data) as {
      at?: unknown;
      sections?: { energy?: { powerNow?: { consumptionW?: unknown } } | null };
    };
    const atMs = typeof payload.at === 'string' ? Date.parse(payload.at) : Number.NaN;
    const consumption = payload.sections?.energy?.powerNow?.consumptionW;
    const seq = typeof consumption === 'number' ? markerSeqOf(consumption) : null;
    return { seq, atMs, readable: Number.isFinite(atMs) };
  } catch {
    return { seq: null, atMs: Number.NaN, readable: false };
  }
}

serveParent('viewer-child', async (settings: ViewerSettings) => {
  const cache = new Map<string, Reflected>();
  const events: { arrivedMs: number; kind: string; reflected: Reflected }[][] = [];
  const viewers: SseViewer[] = [];
  let endedEarly = 0;
  const closeAll = () => {
    for (const v of viewers) v.close();
  };
  try {
    for (let i = 0; i < settings.viewers; i += settings.connectBatch) {
      const batch: Promise<void>[] = [];
      for (let j = i; j < Math.min(settings.viewers, i + settings.connectBatch); j++) {
        const list: (typeof events)[number] = [];
        events.push(list);
        const viewer = new SseViewer(
          settings.url,
          (arrival) => {
            if (arrival.event.event !== 'snapshot' && arrival.event.event !== 'update') return;
            const reflected = reflectedBy(cache, arrival);
            list.push({ arrivedMs: arrival.arrivedMs, kind: arrival.event.event, reflected });
          },
          () => {
            endedEarly++;
          },
        );
        viewers.push(viewer);
        batch.push(viewer.opened);
      }
      await Promise.all(batch);
    }
  } catch (err) {
    closeAll();
    throw err;
  }

  const methods: ViewerMethods = {
    results({ publishes, fromMs }) {
      const latenciesMs: number[] = [];
      const fanOutMs: number[] = [];
      let missed = 0;
      let impossible = 0;
      let updates = 0;
      let unreadable = 0;
      for (const list of events) {
        const seen: ViewerEvent[] = [];
        for (const e of list) {
          if (!e.reflected.readable) unreadable++;
          seen.push({ arrivedMs: e.arrivedMs, seq: e.reflected.seq });
          if (e.kind === 'update' && e.arrivedMs >= fromMs) {
            updates++;
            if (e.reflected.readable) fanOutMs.push(e.arrivedMs - e.reflected.atMs);
          }
        }
        const v = viewerLatency(publishes, seen);
        for (const l of v.latenciesMs) latenciesMs.push(l);
        missed += v.missed;
        impossible += v.impossible;
      }
      return { latenciesMs, fanOutMs, missed, impossible, updates, endedEarly, unreadable };
    },
  };
  return {
    info: { opened: viewers.length },
    methods,
    close: () => {
      closeAll();
      return Promise.resolve();
    },
  };
});
