/**
 * The messages between the bench and a service it runs in a child process (the broker, the
 * API): start it with some settings, call its methods, stop it.
 */

/** Parent → child. */
export type ToChild =
  | { readonly type: 'start'; readonly settings: unknown }
  | {
      readonly type: 'call';
      readonly id: number;
      readonly method: string;
      readonly params: unknown;
    }
  | { readonly type: 'stop' };

/** Child → parent. */
export type ToParent =
  | { readonly type: 'ready'; readonly info: unknown }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly value: unknown }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

/** What a child's `start` returns: what to tell the parent, its methods, and how to close. */
export interface StartedService {
  readonly info: unknown;
  /** Methods by name, each taking one parameter (the call's `params`). */
  readonly methods: object;
  close(): Promise<void>;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
