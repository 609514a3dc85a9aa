import { ConfigError, type Clock, type TimerHandle } from '@hameau/protocol';
import { pino, type Logger } from 'pino';
import { ModbusException } from '../../modbus/modbus-exception.js';
import { exceptionPdu, parseReadRequest, readResponsePdu } from '../../modbus/modbus-pdu.js';
import type { ModbusUnit, UnitAnswer } from '../../modbus/modbus-unit.js';
import type { DeviceContext } from '../../sim-device.js';
import { curvePower } from './dimming-curve.js';
import {
  LampNodeFault,
  type LampNodeFaultInput,
  type LastingLampNodeMode,
} from './lamp-node-fault.js';
import { LampNodeFaults, type ActiveLampNodeFault } from './lamp-node-faults.js';
import { LampNodeOptions, type LampNodeOptionsInput } from './lamp-node-options.js';
import {
  LAMP_NODE_HOLDING_COUNT,
  LAMP_NODE_INPUT_COUNT,
  LampNodeFaultBit,
  LampNodeHolding,
  LampNodeInput,
} from './lamp-node-registers.js';
import { parseWriteRequest, writeResponsePdu, type WriteRequest } from './modbus-write-pdu.js';

const NO_ANSWER: UnitAnswer = { kind: 'none' };
const MS_PER_HUNDREDTH_HOUR = 36_000;

/** What a node needs besides time and a logger: the supply it measures. */
export interface LampNodeContext extends DeviceContext {
  /** The supply voltage at `t`, V (230 V when not given). */
  readonly voltageAt?: (t: number) => number;
}

/** What a node is doing now, in physical units (tests and the group's power read it). */
export interface LampNodeSnapshot {
  /** Holding register 0: the level last commanded (the failure level after a reboot). */
  readonly commandedLevel: number;
  readonly failureLevel: number;
  readonly watchdogSeconds: number;
  /** Relay command (holding register 3). */
  readonly relay: boolean;
  /** The level the lamp is actually at, %. */
  readonly appliedLevel: number;
  /** W. */
  readonly powerW: number;
  /** V. */
  readonly voltageV: number;
  /** h. */
  readonly burningHours: number;
  /** Input register 5 as it reads now (reading it through Modbus clears the restarted bit). */
  readonly faultBits: number;
  /** Whether the node is restarting (silent, lamp off). */
  readonly rebooting: boolean;
}

/**
 * One simulated lamp-control node on Modbus (Hameau's lamp-node map, `lamp-node-registers.ts`):
 * it dims its lamp as commanded, integrates burning hours on the clock while the lamp is lit,
 * falls back to its system-failure level when the controller goes silent for the watchdog
 * time, and misbehaves on request. It is a `ModbusUnit`, so it sits on an RTU line or behind a
 * TCP port alike.
 */
export class SimLampNode implements ModbusUnit {
  readonly id: string;
  readonly unitId: number;
  readonly options: LampNodeOptions;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #voltageAt: (t: number) => number;
  readonly #faults: LampNodeFaults;
  readonly #listeners = new Set<() => void>();
  // Registers.
  #level: number;
  #failureLevel: number;
  #watchdogSeconds: number;
  #relay: boolean;
  // State.
  #onFailureLevel: boolean;
  #restarted: boolean;
  /** Since when the watchdog counts: the last write of register 0 or 2, or power-up. */
  #kickedAt: number;
  #watchdog: TimerHandle | null = null;
  #rebooting = false;
  /** No supply (a `power-cut`): dark whatever the relay. */
  #unpowered = false;
  #powerUpTimer: TimerHandle | null = null;
  #lampFailed = false;
  /** The level the lamp is held at by a stuck relay, or null. */
  #frozenLevel: number | null = null;
  #silent = false;
  #burningMs: number;
  #burningAt: number;
  #requests = 0;
  #running = false;

  /** Validates the options (ConfigError listing every problem) and builds a stopped node. */
  constructor(options: LampNodeOptionsInput, context: LampNodeContext) {
    const parsed = LampNodeOptions.safeParse(options);
    if (!parsed.success) {
      throw new ConfigError(
        'lamp node options',
        parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`),
      );
    }
    this.options = Object.freeze(parsed.data);
    const o = this.options;
    this.id = o.id;
    this.unitId = o.unit;
    this.#clock = context.clock;
    this.#log = (context.log ?? pino({ level: 'silent' })).child({ node: o.id, unit: o.unit });
    this.#voltageAt = context.voltageAt ?? (() => 230);
    this.#failureLevel = o.failureLevel;
    this.#watchdogSeconds = o.watchdogSeconds;
    this.#relay = o.relay;
    // Without a commanded level the node starts as just powered up.
    this.#level = o.level ?? o.failureLevel;
    this.#onFailureLevel = o.level === undefined;
    this.#restarted = o.level === undefined;
    this.#kickedAt = this.#clock.now();
    this.#burningMs = o.burningHours * 3_600_000;
    this.#burningAt = this.#clock.now();
    this.#faults = new LampNodeFaults(this.#clock, {
      onCondition: (mode, on) => {
        this.#onCondition(mode, on);
      },
      onReboot: (downMs) => {
        this.#reboot(downMs);
      },
    });
  }

  /** Requests addressed to this node so far, answered or not. */
  get requests(): number {
    return this.#requests;
  }

  /** The lasting faults in force. */
  get faults(): readonly ActiveLampNodeFault[] {
    return this.#faults.active;
  }

  /** The level the lamp is at now, %. */
  get appliedLevel(): number {
    // No supply, no light: not even through a welded relay.
    if (this.#unpowered) return 0;
    if (this.#frozenLevel !== null) return this.#frozenLevel;
    if (this.#rebooting || !this.#relay) return 0;
    return this.#onFailureLevel ? this.#failureLevel : this.#level;
  }

  /** Active power now, W. */
  get powerW(): number {
    if (!this.#lit) return 0;
    return (this.options.ratedW * curvePower(this.options.curve, this.appliedLevel)) / 100;
  }

  /** Starts the watchdog and the fault schedule (the owning group calls it once it listens). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#kickedAt = this.#clock.now();
    this.#armWatchdog();
    this.#faults.schedule(this.options.faults);
  }

  /** Cancels every timer. */
  stop(): void {
    this.#running = false;
    this.#faults.dispose();
    this.#cancelWatchdog();
    if (this.#powerUpTimer !== null) this.#clock.clearTimeout(this.#powerUpTimer);
    this.#powerUpTimer = null;
  }

  /**
   * Registers a listener called just *before* the node's output may change (a level written, the
   * watchdog expiring, a fault), so a cabinet meter integrates up to that instant at the old
   * power. Returns an unsubscribe function.
   */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Applies a fault now (validated; a bad fault is a ConfigError). */
  inject(fault: LampNodeFaultInput): void {
    const parsed = LampNodeFault.safeParse(fault);
    if (!parsed.success) {
      throw new ConfigError(
        'lamp node fault',
        parsed.error.issues.map((i) => `${i.path.join('.') || '(fault)'}: ${i.message}`),
      );
    }
    this.#faults.inject(parsed.data);
  }

  /** Ends one lasting fault, or all of them. */
  clearFault(mode?: LastingLampNodeMode): void {
    this.#faults.clear(mode);
  }

  /** What the node is doing now. */
  snapshot(): LampNodeSnapshot {
    this.#advanceBurning();
    return {
      commandedLevel: this.#level,
      failureLevel: this.#failureLevel,
      watchdogSeconds: this.#watchdogSeconds,
      relay: this.#relay,
      appliedLevel: this.appliedLevel,
      powerW: this.powerW,
      voltageV: this.#voltageAt(this.#clock.now()),
      burningHours: this.#burningMs / 3_600_000,
      faultBits: this.#faultBits(),
      rebooting: this.#rebooting,
    };
  }

  /** Holding registers 0-3 as they read now. */
  holdingRegisters(): number[] {
    return [this.#level, this.#failureLevel, this.#watchdogSeconds, this.#relay ? 1 : 0];
  }

  /** Input registers 0-6 as they read now (without clearing the restarted bit). */
  inputRegisters(): number[] {
    this.#advanceBurning();
    const hundredths = Math.min(0xffffffff, Math.floor(this.#burningMs / MS_PER_HUNDREDTH_HOUR));
    return [
      this.appliedLevel,
      Math.round(this.powerW * 10),
      Math.round(this.#voltageAt(this.#clock.now()) * 10),
      Math.floor(hundredths / 0x10000),
      hundredths % 0x10000,
      this.#faultBits(),
      this.options.ratedW,
    ];
  }

  /** Answers one request PDU as the real node would, faults included. */
  answer(pdu: Buffer): UnitAnswer {
    this.#requests += 1;
    if (this.#silent || this.#rebooting) return NO_ANSWER;
    return {
      kind: 'reply',
      pdu: this.#serve(pdu),
      unitId: this.unitId,
      delayMs: 0,
      corruptCrc: false,
    };
  }

  #serve(pdu: Buffer): Buffer {
    const functionCode = pdu[0] ?? 0;
    if (functionCode === 0x03 || functionCode === 0x04) return this.#read(pdu);
    if (functionCode === 0x06 || functionCode === 0x10) {
      const request = parseWriteRequest(pdu);
      if ('exception' in request) return exceptionPdu(request.functionCode, request.exception);
      return this.#write(request);
    }
    return exceptionPdu(functionCode, ModbusException.IllegalFunction);
  }

  #read(pdu: Buffer): Buffer {
    const request = parseReadRequest(pdu);
    if ('exception' in request) return exceptionPdu(request.functionCode, request.exception);
    const { functionCode, address, quantity } = request;
    const holding = functionCode === 0x03;
    const count = holding ? LAMP_NODE_HOLDING_COUNT : LAMP_NODE_INPUT_COUNT;
    if (address + quantity > count) {
      return exceptionPdu(functionCode, ModbusException.IllegalDataAddress);
    }
    const image = holding ? this.holdingRegisters() : this.inputRegisters();
    const words = image.slice(address, address + quantity);
    // The restarted bit is reported once: reading the fault register clears it.
    const faults = LampNodeInput.Faults;
    if (!holding && address <= faults && faults < address + quantity) this.#restarted = false;
    return readResponsePdu(functionCode, words);
  }

  /** Applies a write whole or not at all: one bad value rejects every register of it. */
  #write(request: WriteRequest): Buffer {
    const { functionCode, address, values } = request;
    if (address + values.length > LAMP_NODE_HOLDING_COUNT) {
      return exceptionPdu(functionCode, ModbusException.IllegalDataAddress);
    }
    if (values.some((value, i) => !validValue(address + i, value))) {
      return exceptionPdu(functionCode, ModbusException.IllegalDataValue);
    }
    values.forEach((value, i) => {
      this.#writeRegister(address + i, value);
    });
    return writeResponsePdu(request);
  }

  #writeRegister(register: number, value: number): void {
    switch (register) {
      case LampNodeHolding.Level:
        this.#change(() => {
          this.#level = value;
          this.#onFailureLevel = false;
        });
        this.#kick();
        return;
      case LampNodeHolding.FailureLevel:
        this.#change(() => {
          this.#failureLevel = value;
        });
        return;
      case LampNodeHolding.WatchdogSeconds:
        this.#watchdogSeconds = value;
        this.#kick();
        return;
      case LampNodeHolding.Relay:
        this.#change(() => {
          this.#relay = value === 1;
        });
        return;
    }
  }

  /** Restarts the watchdog countdown from now. */
  #kick(): void {
    this.#kickedAt = this.#clock.now();
    this.#armWatchdog();
  }

  #armWatchdog(): void {
    this.#cancelWatchdog();
    if (!this.#running || this.#rebooting || this.#watchdogSeconds === 0) return;
    const wait = this.#kickedAt + this.#watchdogSeconds * 1000 - this.#clock.now();
    this.#watchdog = this.#clock.setTimeout(() => {
      this.#watchdog = null;
      this.#expire();
    }, wait);
  }

  #cancelWatchdog(): void {
    if (this.#watchdog !== null) this.#clock.clearTimeout(this.#watchdog);
    this.#watchdog = null;
  }

  /** The controller went silent: the node goes to its failure level, relay closed. */
  #expire(): void {
    if (this.#onFailureLevel && this.#relay) return;
    this.#log.info(
      { watchdogSeconds: this.#watchdogSeconds, failureLevel: this.#failureLevel },
      'controller silent: running on the system-failure level',
    );
    this.#change(() => {
      this.#onFailureLevel = true;
      this.#relay = true;
    });
  }

  #reboot(downMs: number): void {
    // Without a supply there is nothing to restart; the node powers up when the supply returns.
    if (this.#unpowered) return;
    this.#log.info({ downMs }, 'node restarting');
    this.#powerDown(false);
    if (downMs === 0) {
      this.#powerUp();
      return;
    }
    this.#powerUpTimer = this.#clock.setTimeout(() => {
      this.#powerUpTimer = null;
      this.#powerUp();
    }, downMs);
  }

  /**
   * Down: silent, no watchdog, no pending power-up; `unpowered` (a power cut) darkens the lamp
   * even behind a stuck relay, which a restart of the node alone does not.
   */
  #powerDown(unpowered: boolean): void {
    this.#cancelWatchdog();
    if (this.#powerUpTimer !== null) this.#clock.clearTimeout(this.#powerUpTimer);
    this.#powerUpTimer = null;
    this.#change(() => {
      this.#rebooting = true;
      this.#unpowered = unpowered;
    });
  }

  /** Power-up: the commanded level is forgotten; the stored configuration is kept. */
  #powerUp(): void {
    this.#change(() => {
      this.#rebooting = false;
      this.#unpowered = false;
      this.#level = this.#failureLevel;
      this.#relay = true;
      this.#onFailureLevel = true;
      this.#restarted = true;
    });
    this.#kick();
  }

  #onCondition(mode: LastingLampNodeMode, on: boolean): void {
    this.#log.info({ fault: mode, on }, on ? 'fault injected' : 'fault cleared');
    switch (mode) {
      case 'lamp-failure':
        this.#change(() => {
          this.#lampFailed = on;
        });
        return;
      case 'stuck-relay': {
        const held = on ? this.appliedLevel : null;
        this.#change(() => {
          this.#frozenLevel = held;
        });
        return;
      }
      case 'no-answer':
        this.#silent = on;
        return;
      case 'power-cut':
        if (on) this.#powerDown(true);
        else this.#powerUp();
        return;
    }
  }

  #faultBits(): number {
    let bits = 0;
    if (this.#lampFailed && this.appliedLevel > 0) bits |= LampNodeFaultBit.LampFailure;
    if (this.#frozenLevel !== null) bits |= LampNodeFaultBit.RelayStuck;
    if (this.#restarted) bits |= LampNodeFaultBit.Restarted;
    if (this.#onFailureLevel) bits |= LampNodeFaultBit.OnFailureLevel;
    return bits;
  }

  /** Whether the lamp burns: driven on and not dead. */
  get #lit(): boolean {
    return this.appliedLevel > 0 && !this.#lampFailed;
  }

  /** Tells listeners, integrates burning hours up to now at the old state, then mutates. */
  #change(mutate: () => void): void {
    this.#advanceBurning();
    for (const listener of this.#listeners) listener();
    mutate();
  }

  #advanceBurning(): void {
    const now = this.#clock.now();
    if (now > this.#burningAt && this.#lit) this.#burningMs += now - this.#burningAt;
    this.#burningAt = Math.max(this.#burningAt, now);
  }
}

/** Whether `value` is acceptable in holding register `register`. */
function validValue(register: number, value: number): boolean {
  switch (register) {
    case LampNodeHolding.Level:
    case LampNodeHolding.FailureLevel:
      return value <= 100;
    case LampNodeHolding.WatchdogSeconds:
      return true;
    case LampNodeHolding.Relay:
      return value === 0 || value === 1;
    default:
      return false;
  }
}
