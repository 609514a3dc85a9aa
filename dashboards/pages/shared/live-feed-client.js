// A live feed of server-sent events (the API's `snapshot` and `update` events) with the state
// a page shows: `connecting`, `live`, `reconnecting` (the browser retries by itself, as the
// server's `retry:` says) and `offline` (the browser gave up: a 503 when the feed is full, a
// server gone for long). After giving up, a new connection is tried with a growing, jittered
// delay, so a thousand pages do not come back in the same second.

const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 60_000;
// The browser may retry quietly for long; past this, the page says it is offline.
const OFFLINE_AFTER_MS = 20_000;

/**
 * @param {{ url: string, onPayload: (payload: object, kind: 'snapshot' | 'update') => void,
 *   onState: (state: string) => void }} options
 */
export function connectLiveFeed({ url, onPayload, onState }) {
  let source = null;
  let retryMs = FIRST_RETRY_MS;
  let retryTimer = null;
  let offlineTimer = null;
  let state = null;
  let stopped = false;

  const setState = (next) => {
    if (next === state) return;
    state = next;
    onState(next);
  };

  const clearOfflineTimer = () => {
    clearTimeout(offlineTimer);
    offlineTimer = null;
  };

  const receive = (kind) => (event) => {
    let payload;
    try {
      payload = JSON.parse(event.data);
    } catch {
      return;
    }
    retryMs = FIRST_RETRY_MS;
    clearOfflineTimer();
    setState('live');
    onPayload(payload, kind);
  };

  const open = () => {
    source = new EventSource(url);
    source.addEventListener('snapshot', receive('snapshot'));
    source.addEventListener('update', receive('update'));
    source.addEventListener('open', () => {
      clearOfflineTimer();
      setState('live');
    });
    source.addEventListener('error', () => {
      if (stopped) return;
      if (source.readyState === EventSource.CLOSED) {
        // The browser will not retry (the server answered an error): try again later.
        source.close();
        clearOfflineTimer();
        setState('offline');
        const delay = retryMs * (0.5 + Math.random());
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
        retryTimer = setTimeout(() => {
          setState('connecting');
          open();
        }, delay);
        return;
      }
      setState('reconnecting');
      offlineTimer ??= setTimeout(() => {
        setState('offline');
      }, OFFLINE_AFTER_MS);
    });
  };

  setState('connecting');
  open();

  return {
    close() {
      stopped = true;
      clearTimeout(retryTimer);
      clearOfflineTimer();
      source?.close();
    },
  };
}
