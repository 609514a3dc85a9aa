import type { CommandOutcome, CommandState, LateResult } from './command-state.js';

/** A command as the domain works with it: the `commands` row with parsed JSON. */
export interface CommandRecord {
  readonly id: string;
  readonly site: string;
  readonly device: string;
  readonly name: string;
  readonly args: Record<string, unknown>;
  readonly issuedBy: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly state: CommandState;
  readonly stateAt: number;
  readonly attempts: number;
  readonly sentAt: number | null;
  readonly deliveredAt: number | null;
  readonly finishedAt: number | null;
  readonly result: CommandOutcome | null;
  readonly lateResult: LateResult | null;
}

/** The fields a device's answer may change, all optional. */
export type CommandChange = Partial<
  Pick<CommandRecord, 'state' | 'stateAt' | 'deliveredAt' | 'finishedAt' | 'result' | 'lateResult'>
>;
