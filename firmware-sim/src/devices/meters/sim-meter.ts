import { ConfigError, type Clock } from '@hameau/protocol';
import { pino, type Logger } from 'pino';
import { exceptionPdu, parseReadRequest, readResponsePdu } from '../../modbus/modbus-pdu.js';
import type { ModbusUnit, UnitAnswer } from '../../modbus/modbus-unit.js';
import type { DeviceContext } from '../../sim-device.js';
import { EnergyCounters } from './energy-counters.js';
import { GridModel } from './grid-model.js';
import type { LoadModel } from './loads/load-model.js';
import { createLoad, type Load } from './loads/load-options.js';
import { MeterFault, type MeterFaultInput } from './meter-fault.js';
import { MeterFaultInjector, type ActiveMeterFault } from './meter-fault-injector.js';
import { readModelRegisters, type MeterModel } from './meter-model.js';
import { MeterOptions, type MeterOptionsInput } from './meter-options.js';
import type { MeterSnapshot, PhaseState } from './meter-snapshot.js';
import { METER_MODELS } from './models/meter-models.js';

/** A building's phases are never balanced; lamps and inverters are spread evenly. */
const BUILDING_PHASE_SHARES = [0.38, 0.33, 0.29] as const;
const BALANCED_PHASE_SHARES = [1 / 3, 1 / 3, 1 / 3] as const;

const NO_ANSWER: UnitAnswer = { kind: 'none' };

/**
 * One simulated energy meter: a physical state (load, supply, counters integrating over the
 * clock) served through its model's register map, with faults. It is a `ModbusUnit`, so the
 * same meter sits on an RTU bus or behind a TCP port.
 */
export class SimMeter implements ModbusUnit {
  readonly id: string;
  readonly unitId: number;
  readonly model: MeterModel;
  readonly options: MeterOptions;
  /** What flows through it; a lighting cabinet's `setLevel` is reached here. */
  readonly load: Load;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #grid: GridModel;
  readonly #counters: EnergyCounters;
  readonly #faults: MeterFaultInjector;
  readonly #shares: readonly number[];
  readonly #unsubscribe: () => void;
  #requests = 0;

  /** Validates the options (ConfigError listing every problem) and builds the meter. */
  constructor(options: MeterOptionsInput, context: DeviceContext) {
    const parsed = MeterOptions.safeParse(options);
    if (!parsed.success) {
      throw new ConfigError(
        'meter options',
        parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`),
      );
    }
    this.options = Object.freeze(parsed.data);
    const { id, unit, model, load, noise, seed } = this.options;
    this.id = id;
    this.unitId = unit;
    this.model = METER_MODELS[model];
    this.#clock = context.clock;
    // `device` is the scenario device (the meter itself, its gateway or its bus), set by the owner.
    this.#log = (context.log ?? pino({ level: 'silent' })).child({ meter: id, unit });
    this.load = createLoad(load, { clock: this.#clock, noise, seed });
    this.#grid = new GridModel(this.options);
    this.#counters = new EnergyCounters(
      this.#clock.now(),
      this.options.importKwh,
      this.options.exportKwh,
    );
    this.#shares =
      this.model.phases === 1
        ? [1]
        : this.load.kind === 'building'
          ? BUILDING_PHASE_SHARES
          : BALANCED_PHASE_SHARES;
    // A dim level or wattage set now must not be integrated back to the last read.
    const changing: LoadModel = this.load;
    this.#unsubscribe =
      changing.onChange?.(() => {
        this.#counters.advanceTo(this.#clock.now(), this.load);
      }) ?? (() => undefined);
    this.#faults = new MeterFaultInjector(this.#clock, {
      onChange: (active) => {
        if (active === null) this.#log.info('fault cleared');
        else this.#log.info({ fault: active.mode, until: active.until }, 'fault injected');
      },
      onCounterReset: () => {
        this.#counters.advanceTo(this.#clock.now(), this.load);
        this.#counters.reset();
        this.#log.info('energy counters reset');
      },
    });
  }

  /** Requests addressed to this meter so far, answered or not. */
  get requests(): number {
    return this.#requests;
  }

  /** The fault the meter is in, or null. */
  get fault(): ActiveMeterFault | null {
    return this.#faults.active;
  }

  /** Starts the scenario's fault schedule (the owning device calls it once it listens). */
  start(): void {
    this.#faults.schedule(this.options.faults);
  }

  /** Cancels fault timers. */
  stop(): void {
    this.#faults.dispose();
    this.#unsubscribe();
  }

  /** Applies a fault now (validated; a bad fault is a ConfigError). */
  inject(fault: MeterFaultInput): void {
    const parsed = MeterFault.safeParse(fault);
    if (!parsed.success) {
      throw new ConfigError(
        'meter fault',
        parsed.error.issues.map((i) => `${i.path.join('.') || '(fault)'}: ${i.message}`),
      );
    }
    this.#faults.inject(parsed.data);
  }

  /** Ends the current fault. */
  clearFault(): void {
    this.#faults.clear();
  }

  /** What the meter measures now (its counters integrated up to this instant). */
  snapshot(): MeterSnapshot {
    const now = this.#clock.now();
    this.#counters.advanceTo(now, this.load);
    const load: LoadModel = this.load;
    const power = load.powerAt(now);
    const powerFactor = load.powerFactorAt(now);
    const importKwh = this.#counters.importKwh;
    const phases = this.#shares.map((share, index): PhaseState => {
      const activePower = power * share;
      const voltage = this.#grid.voltageAt(now, index);
      return {
        voltage,
        current: Math.abs(activePower) / (voltage * powerFactor),
        activePower,
        powerFactor,
        importKwh: importKwh * share,
      };
    });
    const apparentPower = Math.abs(power) / powerFactor;
    return {
      phases,
      frequency: this.#grid.frequencyAt(now),
      activePower: power,
      apparentPower,
      reactivePower: Math.sqrt(Math.max(0, apparentPower ** 2 - power ** 2)),
      powerFactor,
      importKwh,
      exportKwh: this.#counters.exportKwh,
    };
  }

  /** Answers one request PDU as the real meter would, faults included. */
  answer(pdu: Buffer): UnitAnswer {
    this.#requests += 1;
    const fault = this.#faults.active;
    if (fault?.mode === 'no-answer') return NO_ANSWER;
    return {
      kind: 'reply',
      pdu: fault?.mode === 'exception' ? exceptionPdu(pdu[0] ?? 0, fault.code) : this.#read(pdu),
      unitId: fault?.mode === 'wrong-unit' ? (fault.unit ?? (this.unitId % 247) + 1) : this.unitId,
      delayMs: fault?.mode === 'slow' ? fault.delayMs : 0,
      corruptCrc: fault?.mode === 'corrupt-crc',
    };
  }

  #read(pdu: Buffer): Buffer {
    const request = parseReadRequest(pdu);
    if ('exception' in request) return exceptionPdu(request.functionCode, request.exception);
    const { functionCode, address, quantity } = request;
    const read = readModelRegisters(this.model, this.snapshot(), functionCode, address, quantity);
    return read.ok
      ? readResponsePdu(functionCode, read.words)
      : exceptionPdu(functionCode, read.exception);
  }
}
