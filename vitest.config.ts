import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

// Workspace packages export their TypeScript sources under the `source` condition, so tests
// run against `src/` directly and never against a stale `dist/`.
const conditions = ['source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['source'] } },
  test: {
    include: ['*/test/**/*.test.ts'],
    // Broker and interop tests start real servers and clients; keep the two cores for them.
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
