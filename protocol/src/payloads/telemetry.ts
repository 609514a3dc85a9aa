import { z } from 'zod';
import { NightSoFar } from '../lighting/night-so-far.js';
import { BoardPolls } from './board-polls.js';
import { OutboxEnvelope } from './common.js';

/** A quantity name such as `power_w`, `energy_import_kwh`, `level_pct`, `depth`. */
export const QuantityName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/);

/**
 * Readings taken at one instant from one source. A reading that could not be taken is `null`
 * with its reason in `missing`; it is never reported as 0.
 */
export const TelemetryPayload = z
  .object({
    ...OutboxEnvelope,
    /** What was read: a meter id, a zone id, `outbox`... */
    source: z.string().min(1).max(64),
    values: z.record(QuantityName, z.number().nullable()),
    missing: z.record(QuantityName, z.string().min(1).max(200)).optional(),
    /**
     * Stream `lighting` only: the zone's night in progress so far (docs/lighting.md). Optional,
     * so older agents' telemetry stays valid; a cloud must know the field before agents send it.
     */
    night: NightSoFar.optional(),
    /**
     * Stream `locker`, source `bank` only: each lock board's polls (docs/lockers.md). Optional,
     * so older agents' telemetry stays valid.
     */
    boards: z.array(BoardPolls).max(256).optional(),
  })
  .strict();
export type TelemetryPayload = z.infer<typeof TelemetryPayload>;
