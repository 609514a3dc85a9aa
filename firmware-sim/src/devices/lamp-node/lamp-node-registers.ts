/**
 * Hameau's lamp-node register map (docs/lamp-node.md), as the simulator serves it. 0-based PDU
 * addresses, one uint16 per register unless said. It is the simulator's own copy: the edge
 * agent's driver writes its own, so a wrong address on either side shows up in tests.
 */

/** Holding registers (FC 03 read, FC 06 / FC 16 write). */
export const LampNodeHolding = {
  /** Dim level commanded, 0-100 %. Writing it feeds the controller watchdog. */
  Level: 0,
  /** Level applied when the controller goes silent (and at power-up), 0-100 %. */
  FailureLevel: 1,
  /** Controller watchdog, s (0 = off): no write of `Level` for this long → failure level. */
  WatchdogSeconds: 2,
  /** Relay command: 1 closed (lamp powered), 0 open. */
  Relay: 3,
} as const;

/** Number of holding registers (0 to 3). */
export const LAMP_NODE_HOLDING_COUNT = 4;

/** Input registers (FC 04). */
export const LampNodeInput = {
  /** Level actually applied, %. */
  AppliedLevel: 0,
  /** Active power, W × 10. */
  PowerDeciW: 1,
  /** Supply voltage, V × 10. */
  VoltageDeciV: 2,
  /** Burning hours × 100 (hundredths of an hour), uint32 high word first: 3 then 4. */
  BurningHoursHigh: 3,
  BurningHoursLow: 4,
  /** Fault bits (`LampNodeFaultBit`). */
  Faults: 5,
  /** Rated power, W. */
  RatedW: 6,
} as const;

/** Number of input registers (0 to 6). */
export const LAMP_NODE_INPUT_COUNT = 7;

/** The bits of input register 5. */
export const LampNodeFaultBit = {
  /** The lamp draws (almost) nothing while the node drives it on. */
  LampFailure: 1 << 0,
  /** The relay no longer follows commands. */
  RelayStuck: 1 << 1,
  /** The node restarted since this register was last read; reading it clears the bit. */
  Restarted: 1 << 2,
  /** The node runs on its system-failure level (watchdog expired, or just powered up). */
  OnFailureLevel: 1 << 3,
} as const;

/** Factory defaults of a node's configuration registers. */
export const LAMP_NODE_DEFAULTS = Object.freeze({
  failureLevel: 100,
  watchdogSeconds: 300,
});
