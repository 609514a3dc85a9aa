import type { CodeRejection, CredentialKind } from '@hameau/protocol';

/** What became of a code typed at a terminal. */
export type PickupOutcome =
  | { readonly status: 'opened'; readonly box: number; readonly kind: CredentialKind }
  | {
      readonly status: 'rejected';
      readonly reason: CodeRejection;
      /** Set when the terminal is locked out: how long until it takes codes again. */
      readonly retryAfterSeconds?: number;
    };

/**
 * Where terminals (the kiosk page, a serial keypad or scanner) hand the codes they read. Codes are
 * checked locally, against the credentials synced from the cloud, so pickup works offline.
 */
export interface PickupDesk {
  /** Checks `code` typed at `terminal` and, when it is valid, opens its box. Never throws. */
  submitCode(terminal: string, code: string): Promise<PickupOutcome>;
  /** Whether the bank takes codes at all (false while its boards are unreachable, say). */
  inService(): boolean;
}
