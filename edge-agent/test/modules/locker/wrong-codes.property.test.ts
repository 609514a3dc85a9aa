import fc from 'fast-check';
import { expect, it } from 'vitest';
import { credentialSet, type CredentialSpec } from './credential-fixtures.js';
import { HOUR, NINE_PM, T0, startAgent, startSim, type Sim } from './helpers/locker-rig.js';

/** Valid now, valid later, expired, a drop-off, and one on the other board. */
const SPECS: readonly CredentialSpec[] = [
  {
    id: 'cred-prop-01',
    box: 1,
    code: '10000001',
    validFrom: NINE_PM,
    expiresAt: NINE_PM + 2 * HOUR,
  },
  {
    id: 'cred-prop-02',
    box: 2,
    code: '20000002',
    validFrom: NINE_PM + HOUR,
    expiresAt: NINE_PM + 3 * HOUR,
  },
  { id: 'cred-prop-03', box: 3, code: '30000003', validFrom: T0 - 3 * HOUR, expiresAt: T0 - HOUR },
  { id: 'cred-prop-04', box: 4, code: '40000004', validFrom: T0 - HOUR, expiresAt: NINE_PM + HOUR },
  {
    id: 'cred-prop-07',
    box: 7,
    code: '70000007',
    validFrom: T0 - HOUR,
    expiresAt: NINE_PM + 2 * HOUR,
    kind: 'dropoff',
  },
  {
    id: 'cred-prop-09',
    box: 9,
    code: '90000009',
    validFrom: NINE_PM,
    expiresAt: NINE_PM + 90 * 60_000,
  },
];
const BY_CODE = new Map(SPECS.map((s) => [s.code, s]));
/** Boxes with a parcel at start: every pickup box (box 7 waits for its drop-off). */
const ITEMS = [1, 2, 3, 4, 9];

/** Runs the clock until the desk answers; the answer must come within the confirm time. */
async function answered<T>(sim: Sim, outcome: Promise<T>, context: string): Promise<T> {
  const answer: { value?: T } = {};
  void outcome.then((value) => {
    answer.value = value;
  });
  for (let waited = 0; waited <= 11_000; waited += 500) {
    await sim.clock.advance(500);
    if ('value' in answer) return answer.value;
  }
  throw new Error(`${context}: no answer within 11 s`);
}

type Action =
  | { readonly kind: 'type'; readonly terminal: string; readonly code: string }
  | { readonly kind: 'wait'; readonly ms: number }
  | { readonly kind: 'close'; readonly box: number; readonly empty: boolean };

/** A code typed at a terminal: one of the set's, a random 8-digit one, or a malformed one. */
const typed: fc.Arbitrary<Action> = fc.record({
  kind: fc.constant('type' as const),
  terminal: fc.constantFrom('kiosk', 'keypad'),
  code: fc.oneof(
    { weight: 45, arbitrary: fc.constantFrom(...SPECS.map((spec) => spec.code)) },
    {
      weight: 40,
      arbitrary: fc.integer({ min: 0, max: 99_999_999 }).map((n) => String(n).padStart(8, '0')),
    },
    {
      weight: 15,
      arbitrary: fc.constantFrom('1234567', '123456789', 'abcdefgh', '', '1000000\uff11'),
    },
  ),
});

/** Sequences of typed codes, waits of up to 50 minutes and doors closed (emptied or not). */
const plans: fc.Arbitrary<Action[]> = fc.array(
  fc.oneof(
    { weight: 60, arbitrary: typed },
    {
      weight: 25,
      arbitrary: fc.record({
        kind: fc.constant('wait' as const),
        ms: fc.integer({ min: 0, max: 50 * 60_000 }),
      }),
    },
    {
      weight: 15,
      arbitrary: fc.record({
        kind: fc.constant('close' as const),
        box: fc.constantFrom(1, 2, 3, 4, 7, 9),
        empty: fc.boolean(),
      }),
    },
  ),
  { minLength: 15, maxLength: 40 },
);

/**
 * No sequence of wrong, expired, used, other-box or early codes ever energises a lock other
 * than the right box, once, for its valid code: checked against the simulator's unlock log
 * (what the boards actually received), over many random sequences on the real module,
 * driver and simulator, with fast-check generating the sequences and shrinking any failure.
 */
it(
  'energises only the right box, once, for a valid code typed in its window',
  { timeout: 120_000 },
  async () => {
    const seen = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(plans, async (plan) => {
        const sim = await startSim(ITEMS);
        // Slow polls keep hours of simulated time cheap; a door is still seen open within 4 s.
        const agent = await startAgent(sim, { pollMs: 4_000, locker: { openConfirmSeconds: 10 } });
        try {
          agent.credentials(credentialSet(1, SPECS));
          /** Boxes a valid code was typed for, in its window, and reported opened. */
          const rightful: number[] = [];
          for (const action of plan) {
            if (action.kind === 'wait') {
              await sim.clock.advance(action.ms);
              continue;
            }
            if (action.kind === 'close') {
              if (action.empty) sim.remove(action.box);
              else if (action.box === 7) sim.place(7);
              sim.close(action.box);
              await sim.clock.advance(3_000);
              continue;
            }
            const at = sim.clock.now();
            const context = `${JSON.stringify(action)} at +${String((at - T0) / 1000)}s`;
            const outcome = agent.desk.submitCode(action.terminal, action.code);
            const result = await answered(sim, outcome, context);
            const label = result.status === 'opened' ? 'opened' : result.reason;
            seen.set(label, (seen.get(label) ?? 0) + 1);
            const spec = BY_CODE.get(action.code);
            const inWindow = spec !== undefined && at >= spec.validFrom && at < spec.expiresAt;
            if (result.status === 'opened') {
              expect(inWindow, context).toBe(true);
              expect(result.box, context).toBe(spec?.box);
              expect(rightful, context).not.toContain(result.box);
              rightful.push(result.box);
            }
          }
          // The boards heard exactly the rightful openings, each once.
          expect(sim.unlockedBoxes()).toEqual(rightful);
        } finally {
          await agent.stop();
          await sim.stop();
        }
      }),
      // Each run boots a bank on the simulator: 40 sequences cover every case (checked below);
      // a failure prints its seed and the shrunk sequence.
      { numRuns: 40 },
    );
    // The sequences did reach every case: openings, and each kind of wrong code.
    for (const label of ['opened', 'unknown', 'used', 'expired', 'not-yet-valid', 'locked-out']) {
      expect(seen.get(label) ?? 0, label).toBeGreaterThan(0);
    }
  },
);
