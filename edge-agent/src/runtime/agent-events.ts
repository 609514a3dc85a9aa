/** Sent when a new desired configuration is in force. */
export interface ConfigChangedEvent {
  /** The desired config version now applied. */
  readonly version: number;
  /**
   * The configuration of every module enabled in site.yaml: the desired one where the cloud
   * gave one, else the site.yaml one. Each value was validated by its module's schema.
   */
  readonly modules: Readonly<Record<string, unknown>>;
}

/** Sent when a module could not be created or started; the others keep running. */
export interface ModuleFailedEvent {
  readonly module: string;
  readonly reason: string;
}

/**
 * The agent's event map: event name → payload type. It is extended by declaration merging, so
 * a module adds its events next to its own code and every listener stays typed:
 *
 * ```ts
 * declare module '../runtime/agent-events.js' {
 *   interface AgentEvents {
 *     'locker.door-opened': { box: number };
 *   }
 * }
 * ```
 *
 * Prefix a module's events with its name; the unprefixed names are the runtime's.
 */
export interface AgentEvents {
  configChanged: ConfigChangedEvent;
  moduleFailed: ModuleFailedEvent;
  /** The MQTT link came up or went down; modules may adapt (e.g. stop live-only work). */
  linkChanged: { readonly connected: boolean };
  /** The retained `…/credentials` message arrived, undecoded (the locker module validates it). */
  credentialsReceived: { readonly payload: Buffer };
  /** The retained `…/weather` message arrived, undecoded (the lighting module reads it). */
  weatherReceived: { readonly payload: Buffer };
}
