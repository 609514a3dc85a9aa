import type { Logger } from 'pino';
import type { Clock } from '@hameau/protocol';
import type { LampNodeBus } from './nodes/lamp-node-bus.js';
import type { LampNodeBusPlan, LampNodeDriverContext } from './nodes/lamp-node-drivers.js';
import { LampNodeFailure } from './nodes/lamp-node-failure.js';
import type { LampNode, LampNodeReading } from './nodes/lamp-node.js';
import type { LightingFailsafeConfig } from './lighting-config.js';

// The lamp nodes of every bus, driven once per decision cycle: the fail-safe configured first,
// then the zone's level written when it changed, when a write failed, or when the node is due
// a refresh (to feed its watchdog and re-assert the level), then a reading. A node that reports
// a restart or its failure level gets its level back in the same cycle. A failure never stops
// the cycle: it is recorded and the node is tried again next cycle.

/** Builds a bus from its validated entry (the driver's `create`; tests pass their own). */
export type LampNodeBusFactory = (plan: LampNodeBusPlan, ctx: LampNodeDriverContext) => LampNodeBus;

/** The default: each bus's driver builds it. */
export const driverBuses: LampNodeBusFactory = (plan, ctx) => plan.create(ctx);

/** Failure kinds that say nothing reached the node (as opposed to a node that answered wrong). */
const LINK_KINDS = new Set([
  'timeout',
  'exception',
  'crc',
  'wrong-unit',
  'garbage',
  'disconnected',
]);

/** What one node did in one cycle. */
export interface NodeOutcome {
  readonly id: string;
  /** The reading taken this cycle, or null. */
  readonly reading: LampNodeReading | null;
  /** Why an operation failed this cycle (the first failure), or null. */
  readonly failure: LampNodeFailure | null;
  /** Whether nothing reached the node this cycle (a link-kind failure). */
  readonly unreachable: boolean;
  /** Level writes that failed this cycle. */
  readonly writeFailures: number;
  /** The node reported it restarted since the previous reading. */
  readonly restarted: boolean;
  /** It was found on its failure level (a restart, or its watchdog) and commanded again. */
  readonly recommanded: boolean;
}

/** How often nodes are written, and their fail-safe. */
export interface FleetTiming {
  /** The decision period: the longest a node waits for its next chance to be written. */
  readonly periodMs: number;
  /** The longest a node may go without a write: the re-assert period, capped at watchdog / 3. */
  readonly refreshMs: number;
}

/** The refresh period: re-assert, and feed the watchdog often enough to survive two lost writes. */
export function refreshMs(reassertMinutes: number, failsafe: LightingFailsafeConfig): number {
  const reassert = reassertMinutes * 60_000;
  const watchdog = failsafe.watchdogSeconds * 1000;
  return watchdog === 0 ? reassert : Math.min(reassert, watchdog / 3);
}

interface Track {
  readonly node: LampNode;
  failsafeDone: boolean;
  /** The level the node last acknowledged, or null (unknown: write it). */
  level: number | null;
  /** Monotonic ms of that write. */
  writtenAt: number;
}

/** Every lamp node of the module's buses. */
export class NodeFleet {
  readonly buses: readonly LampNodeBus[];
  readonly failsafe: LightingFailsafeConfig;
  readonly #timing: FleetTiming;
  readonly #log: Logger;
  readonly #tracks = new Map<string, Track>();

  constructor(
    plans: readonly LampNodeBusPlan[],
    options: {
      readonly clock: Clock;
      readonly log: Logger;
      readonly createBus: LampNodeBusFactory;
      readonly failsafe: LightingFailsafeConfig;
      readonly timing: FleetTiming;
    },
  ) {
    this.failsafe = options.failsafe;
    this.#timing = options.timing;
    this.#log = options.log;
    this.buses = plans.map((plan) =>
      options.createBus(plan, { clock: options.clock, log: options.log }),
    );
    for (const bus of this.buses) {
      for (const node of bus.nodes) {
        this.#tracks.set(node.id, { node, failsafeDone: false, level: null, writtenAt: 0 });
      }
    }
  }

  /** Node ids, in bus and config order. */
  get nodeIds(): readonly string[] {
    return [...this.#tracks.keys()];
  }

  /** The lamp's rated power from the config, W, when given there. */
  configuredRatedW(id: string): number | undefined {
    return this.#tracks.get(id)?.node.ratedW;
  }

  /** Drives every node to its level (`levels`: node id → %); buses in parallel. */
  async cycle(levels: ReadonlyMap<string, number>, mono: number): Promise<NodeOutcome[]> {
    const perBus = await Promise.all(
      this.buses.map(async (bus) => {
        const out: NodeOutcome[] = [];
        // One node after the other: the bus serializes them anyway, and a dead node's timeout
        // then delays only its own line.
        for (const node of bus.nodes) {
          const track = this.#tracks.get(node.id);
          if (track !== undefined) out.push(await this.#serve(track, levels.get(node.id), mono));
        }
        return out;
      }),
    );
    return perBus.flat();
  }

  /** Closes every bus (nodes keep their level; their watchdogs take over if nobody comes back). */
  async close(): Promise<void> {
    await Promise.all(this.buses.map((bus) => bus.close()));
  }

  async #serve(t: Track, level: number | undefined, mono: number): Promise<NodeOutcome> {
    const { node } = t;
    // Filled in by the operations below (an object, so their closures can write it).
    const out = {
      failure: null as LampNodeFailure | null,
      unreachable: false,
      writeFailures: 0,
      reading: null as LampNodeReading | null,
    };
    const attempt = async (what: string, op: () => Promise<void>): Promise<boolean> => {
      try {
        await op();
        return true;
      } catch (err) {
        const f = LampNodeFailure.from(err, node.id);
        out.failure ??= f;
        if (LINK_KINDS.has(f.kind)) out.unreachable = true;
        this.#log.debug({ node: node.id, kind: f.kind, reason: f.reason }, `${what} failed`);
        return false;
      }
    };
    const write = async (value: number): Promise<boolean> => {
      const ok = await attempt('level write', () => node.setLevel(value));
      if (ok) {
        t.level = value;
        t.writtenAt = mono;
      } else {
        t.level = null;
        out.writeFailures += 1;
      }
      return ok;
    };
    const done = (restarted = false, recommanded = false): NodeOutcome => ({
      id: node.id,
      ...out,
      restarted,
      recommanded,
    });

    if (!t.failsafeDone) {
      const { failureLevel, watchdogSeconds } = this.failsafe;
      t.failsafeDone = await attempt('fail-safe configuration', () =>
        node.configureFailsafe(failureLevel, watchdogSeconds),
      );
      if (t.failsafeDone) {
        this.#log.info({ node: node.id, failureLevel, watchdogSeconds }, 'node fail-safe set');
      }
      // Nothing reaches the node: its other operations would only wait out their timeouts.
      if (out.unreachable) return done();
    }
    let wrote = false;
    if (level !== undefined && this.#due(t, level, mono)) {
      wrote = await write(level);
      if (out.unreachable) return done();
    }
    await attempt('reading', async () => {
      out.reading = await node.read();
    });
    const faults = out.reading?.faults;
    const restarted = faults?.restarted ?? false;
    // A restarted node forgot its level and runs on its failure level, as does one whose
    // watchdog expired: command it now, not at the next refresh. A write made earlier in this
    // cycle already did, unless the node restarted after it.
    if (level !== undefined && (faults?.onFailureLevel === true || (restarted && !wrote))) {
      this.#log.info({ node: node.id, level, faults }, 'node lost its level: commanded again');
      await write(level);
      return done(restarted, true);
    }
    return done(restarted);
  }

  /** A write is due when the level changed or is unknown, or before the refresh runs out. */
  #due(t: Track, level: number, mono: number): boolean {
    if (t.level !== level) return true;
    // Written now if waiting for the next cycle would exceed the refresh period.
    return mono - t.writtenAt + this.#timing.periodMs > this.#timing.refreshMs;
  }
}
