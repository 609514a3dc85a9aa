import type { CommandHandler } from './agent-module.js';

/** The answer to "who handles command `name`?". */
export type CommandLookup =
  | { readonly kind: 'found'; readonly module: string; readonly handler: CommandHandler }
  /** A module provides it but is not running (starting, failed, stopped). */
  | { readonly kind: 'unavailable'; readonly module: string; readonly state: string }
  | { readonly kind: 'unknown' };

/** Where the dispatcher finds command handlers; the `ModuleHost` is one. */
export interface CommandSource {
  lookup(name: string): CommandLookup;
}
