import { layoutMeters, type SimLayout } from './bench-layout.js';
import { frameGapMs, rtuCeiling, type RtuCeiling } from './rtu-cycle.js';
import type { SimWindow } from './sim-window.js';

/** Reads per second of a set of meters over the simulator's window. */
export function readsPerSecond(window: SimWindow, meters: readonly string[]): number {
  const reads = meters.reduce((n, id) => n + (window.requests[id] ?? 0), 0);
  return window.elapsedMs > 0 ? (reads * 1000) / window.elapsedMs : Number.NaN;
}

/** The ids of the answering (not dead) meters of a layout. */
export function liveMeters(layout: SimLayout): string[] {
  return layoutMeters(layout)
    .filter((m) => !m.dead)
    .map((m) => m.id);
}

/** The ids of the dead meters of a layout. */
export function deadMeters(layout: SimLayout): string[] {
  return layoutMeters(layout)
    .filter((m) => m.dead)
    .map((m) => m.id);
}

/**
 * The ceiling of an RTU bus from the plans seen on its wire: the live units' plans (registers per
 * read), each polled once per round. Null when the window saw no plan of a live unit.
 */
export function ceilingFromWire(window: SimWindow, layout: SimLayout): RtuCeiling | null {
  if (layout.transport !== 'rtu' || window.plans === null) return null;
  const live = new Set(layout.meters.filter((m) => !m.dead).map((m) => m.unitId));
  const plans = window.plans
    .filter((reads) => reads[0] !== undefined && live.has(reads[0].unitId))
    .map((reads) => reads.map((r) => r.count));
  if (plans.length < live.size) return null;
  return rtuCeiling(plans, layout.baud, layout.turnaroundMs);
}

/** Where an RTU request's time goes, in mean ms per answered request. */
export interface LineTiming {
  /** The reference's shortest cycle, averaged over the plan. */
  readonly idealMs: number;
  /** What a request really took: the window over the requests it held. */
  readonly measuredMs: number;
  /** How much later than its emulated wire time the simulator sent a reply. */
  readonly replyLateMs: number;
  /** From a reply to the next request, beyond the t3.5 the master must keep. */
  readonly masterExtraMs: number;
  /** The shortest time from a reply to the next request (below t3.5 breaks the frame rule). */
  readonly shortestGapMs: number;
  /** Gaps measured, and how many of them were shorter than t3.5. */
  readonly gaps: number;
  readonly gapsUnderT35: number;
  /** The t3.5 itself. */
  readonly gapMs: number;
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** The timing split of an RTU window with no dead meter (whose timeouts would hide in it). */
export function lineTiming(window: SimWindow, layout: SimLayout): LineTiming | null {
  const ceiling = ceilingFromWire(window, layout);
  if (layout.transport !== 'rtu' || window.line === null || ceiling === null) return null;
  const requests = liveMeters(layout).reduce((n, id) => n + (window.requests[id] ?? 0), 0);
  const gapMs = frameGapMs(layout.baud);
  return {
    idealMs: ceiling.roundMs / ceiling.reads,
    measuredMs: requests > 0 ? window.elapsedMs / requests : Number.NaN,
    replyLateMs: mean(window.line.replyLateMs),
    masterExtraMs: mean(window.line.masterGapMs) - gapMs,
    shortestGapMs:
      window.line.masterGapMs.length === 0 ? Number.NaN : Math.min(...window.line.masterGapMs),
    gaps: window.line.masterGapMs.length,
    gapsUnderT35: window.line.masterGapMs.filter((g) => g < gapMs).length,
    gapMs,
  };
}

/** Reads per second of each of `meters`: the spread across meters of one run. */
export function perMeterRates(
  window: SimWindow,
  meters: readonly string[],
): { min: number; mean: number; max: number } {
  const rates = meters.map((id) => readsPerSecond(window, [id]));
  return { min: Math.min(...rates), mean: mean(rates), max: Math.max(...rates) };
}

/**
 * For meters behind gateways: the mean reads/s of the first meter of each gateway (in config
 * order) and of the last, which would match if the bus served its meters in turn. Null when no
 * port has more than one meter.
 */
export function firstAndLastRates(
  window: SimWindow,
  layout: SimLayout,
): { first: number; last: number } | null {
  if (layout.transport !== 'tcp') return null;
  const shared = layout.ports.filter((meters) => meters.length > 1);
  if (shared.length === 0) return null;
  const at = (pick: (meters: (typeof shared)[number]) => string | undefined) =>
    mean(shared.map((meters) => readsPerSecond(window, [pick(meters) ?? ''])));
  return { first: at((m) => m[0]?.id), last: at((m) => m.at(-1)?.id) };
}

/**
 * The share of the window the dead meters held the bus: each request to them, from its arrival
 * to the next request (the master's timeout and gap), as the line tap saw it. NaN off RTU.
 */
export function deadBusShare(window: SimWindow, layout: SimLayout): number {
  if (layout.transport !== 'rtu' || window.line === null || !(window.elapsedMs > 0)) {
    return Number.NaN;
  }
  const silent = window.line.unanswered;
  const ms = layout.meters
    .filter((m) => m.dead)
    .reduce((sum, m) => sum + (silent[m.unitId]?.ms ?? 0), 0);
  return ms / window.elapsedMs;
}
