import { registerCount, type FunctionCode, type RegisterField } from './register-map.js';

/** The Modbus limit on registers per read (FC 03 and 04). */
export const MAX_REGISTERS_PER_READ = 125;

/** One read request and the fields its reply holds. */
export interface ReadSpan {
  readonly functionCode: FunctionCode;
  readonly start: number;
  readonly count: number;
  readonly fields: readonly RegisterField[];
}

/** Limits of a plan. */
export interface PlanLimits {
  /** Registers one read may take; capped at 125. */
  readonly maxSpan: number;
  /** Unused registers a read may span to join two fields (0: only adjacent fields join). */
  readonly maxGap: number;
}

/**
 * Plans the reads of a meter: the fields of each function code, in register order, are joined
 * into as few reads as the limits allow. A read never exceeds `maxSpan` registers and never
 * spans more than `maxGap` unused registers between two fields. Reads come in function code
 * order, then register order, so a plan is the same for the same map.
 */
export function planRequests(fields: readonly RegisterField[], limits: PlanLimits): ReadSpan[] {
  const maxSpan = Math.min(limits.maxSpan, MAX_REGISTERS_PER_READ);
  const sorted = [...fields].sort(
    (a, b) => a.functionCode - b.functionCode || a.register - b.register,
  );
  const spans: ReadSpan[] = [];
  let open = null as OpenSpan | null;
  for (const field of sorted) {
    const end = field.register + registerCount(field.type);
    if (end - field.register > maxSpan) {
      throw new RangeError(`maxSpan ${maxSpan} cannot hold ${field.quantity} (${field.type})`);
    }
    if (
      open?.functionCode === field.functionCode &&
      field.register - open.end <= limits.maxGap &&
      Math.max(open.end, end) - open.start <= maxSpan
    ) {
      open.end = Math.max(open.end, end);
      open.fields.push(field);
      continue;
    }
    if (open !== null) spans.push(close(open));
    open = { functionCode: field.functionCode, start: field.register, end, fields: [field] };
  }
  if (open !== null) spans.push(close(open));
  return spans;
}

/** A read being built: `end` is one past its last register. */
interface OpenSpan {
  functionCode: FunctionCode;
  start: number;
  end: number;
  fields: RegisterField[];
}

function close(open: OpenSpan): ReadSpan {
  return {
    functionCode: open.functionCode,
    start: open.start,
    count: open.end - open.start,
    fields: open.fields,
  };
}
