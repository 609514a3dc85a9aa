import { z } from 'zod';
import { ManualClock } from '@hameau/protocol';
import type { IngestedMessage } from '../../src/ingestion/ingested-message.js';
import { defineSection, type FeedSection } from '../../src/public-feed/feed-section.js';
import { LiveFeed } from '../../src/public-feed/live-feed.js';
import {
  PublicFeedSettings,
  type PublicFeedSettingsInput,
} from '../../src/public-feed/public-feed-settings.js';
import { SectionRegistry } from '../../src/public-feed/section-registry.js';
import { capturedLog } from '../helpers/captured-log.js';

/** A section whose value a test sets, counting its computations; triggered by one stream. */
export interface ScriptedSection {
  readonly section: FeedSection;
  value: number;
  computations: number;
  /** Throw on the next computations while set. */
  failWith: Error | null;
}

export function scriptedSection(key: string, stream: string, refreshMs = 60_000): ScriptedSection {
  const state: ScriptedSection = {
    value: 0,
    computations: 0,
    failWith: null,
    section: defineSection({
      key,
      schema: z.object({ value: z.number() }).strict(),
      refreshMs,
      triggers: (m) => m.kind === 'telemetry' && m.stream === stream,
      compute() {
        state.computations++;
        if (state.failWith !== null) return Promise.reject(state.failWith);
        return Promise.resolve({ value: state.value });
      },
    }),
  };
  return state;
}

/** A telemetry message of `stream` as ingestion hands it over, received at `receivedAt`. */
export function telemetry(stream: string, receivedAt: number): IngestedMessage {
  return {
    kind: 'telemetry',
    site: 'mairie',
    device: 'meters-1',
    stream,
    receivedAt,
    payload: {
      seq: 1,
      at: new Date(receivedAt).toISOString(),
      historical: false,
      source: 'm1',
      values: { power_w: 1 },
    },
  };
}

export const T0 = Date.UTC(2026, 10, 25, 12);

/** A feed over two scripted sections (`energy` on stream energy, `lighting` on lighting). */
export function scriptedFeed(settings: PublicFeedSettingsInput = {}) {
  const clock = new ManualClock(T0);
  const energy = scriptedSection('energy', 'energy');
  const lighting = scriptedSection('lighting', 'lighting', 300_000);
  const captured = capturedLog();
  const feed = new LiveFeed({
    registry: new SectionRegistry([energy.section, lighting.section]),
    clock,
    log: captured.log,
    settings: Object.freeze(PublicFeedSettings.parse(settings)),
    timeZone: 'Europe/Paris',
    random: () => 0.5,
  });
  return { clock, energy, lighting, feed, captured };
}
