/** What a lamp node reports about its lamp, whatever drives it (Modbus, DALI, 1–10 V). */
export interface LampNodeReading {
  /** The level the lamp is actually at, 0–100 %. */
  readonly appliedLevel: number;
  /** Active power, W. */
  readonly powerW: number;
  /** Supply voltage, V. */
  readonly voltageV: number;
  /** Hours the lamp has burned, to the hundredth. */
  readonly burningHours: number;
  /** The lamp's rated power as the node reports it, W; null when the node cannot tell. */
  readonly ratedW: number | null;
  readonly faults: LampNodeFaults;
}

/** A node's fault flags; a driver that cannot detect one reports it false. */
export interface LampNodeFaults {
  /** The lamp draws (almost) nothing while the node drives it on. */
  readonly lampFailure: boolean;
  /** The relay no longer follows commands. */
  readonly relayStuck: boolean;
  /**
   * The node restarted since the previous read. Reported once: the module must command the
   * level again, since a restarted node forgets it and runs on its failure level.
   */
  readonly restarted: boolean;
  /** The node runs on its system-failure level (its watchdog expired, or it just powered up). */
  readonly onFailureLevel: boolean;
}

/**
 * One lamp-control node as the lighting module drives it: the capability every node driver
 * implements. Every method rejects with a `LampNodeFailure` (a timeout, an exception, a level
 * not applied…) and never reports a failure as a level or reading of 0.
 */
export interface LampNode {
  /** The node's id in the site config. */
  readonly id: string;
  /** The lamp's rated power from the config, W, when given there. */
  readonly ratedW: number | undefined;
  /** Commands the dim level (an integer 0–100 %); resolves once the node applied it. */
  setLevel(level: number): Promise<void>;
  /** Reads the node's state now. */
  read(): Promise<LampNodeReading>;
  /**
   * Sets what the node does on its own when the controller goes silent: after `watchdogSeconds`
   * (0 = never) without a level command it applies `level` %.
   */
  configureFailsafe(level: number, watchdogSeconds: number): Promise<void>;
}
