import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedStore } from '../../src/timeseries/embedded-store.js';
import { describeStoreBehaviour } from './store-behaviour.js';

describeStoreBehaviour('embedded store', (clock) => {
  const dir = mkdtempSync(join(tmpdir(), 'hameau-series-'));
  const store = new EmbeddedStore({ path: join(dir, 'series.sqlite'), clock });
  return Promise.resolve({
    store,
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});
