import { ReadFailure, type FailureKind } from '../../metering/transport/read-failure.js';

/**
 * What went wrong with a lamp-node operation: the bus's failure kinds (`timeout`, `exception`,
 * `crc`, `wrong-unit`, `garbage`, `disconnected`), or
 * - `not-applied`: the node acknowledged the command but its state says otherwise (a stuck
 *   relay, an open relay, a node that clamps levels);
 * - `invalid-reply`: a well-formed reply with impossible values (a level of 250 %);
 * - `invalid-argument`: the caller asked for something no node can do; nothing was sent.
 */
export type LampNodeFailureKind =
  FailureKind | 'not-applied' | 'invalid-reply' | 'invalid-argument';

/** A lamp-node operation that did not succeed; `reason` is short, stable and secret-free. */
export class LampNodeFailure extends Error {
  readonly kind: LampNodeFailureKind;
  /** The node concerned. */
  readonly nodeId: string;
  /** With `not-applied` after a level command: the level the node reports instead. */
  readonly appliedLevel: number | undefined;

  constructor(kind: LampNodeFailureKind, nodeId: string, reason: string, appliedLevel?: number) {
    super(reason);
    this.name = 'LampNodeFailure';
    this.kind = kind;
    this.nodeId = nodeId;
    this.appliedLevel = appliedLevel;
  }

  /** What a failed command or missing reading records. */
  get reason(): string {
    return this.message;
  }

  /** Wraps whatever an operation on `nodeId` threw: bus failures keep their kind and reason. */
  static from(err: unknown, nodeId: string): LampNodeFailure {
    if (err instanceof LampNodeFailure) return err;
    if (err instanceof ReadFailure) return new LampNodeFailure(err.kind, nodeId, err.reason);
    const message = err instanceof Error ? err.message : String(err);
    return new LampNodeFailure('invalid-reply', nodeId, message.slice(0, 120));
  }
}
