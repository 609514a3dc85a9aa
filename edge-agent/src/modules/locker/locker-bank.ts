import type { Logger } from 'pino';
import { every, type BoardPolls, type Clock } from '@hameau/protocol';
import type { AgentState } from '../../store/agent-state.js';
import type { BoardStatus, LockBoardBus } from './board/lock-board-bus.js';
import { BoxTracker, type BoxView, type Opener, type OpenResult } from './box-tracker.js';
import type { LockerBusConfig, LockerConfig } from './locker-config.js';
import type { BoxOpener, OpenAttempt } from './locker-desk.js';
import type { LockerEmit } from './locker-events.js';
import { LockerLayout } from './locker-layout.js';

/** Builds the driver of one bus (it polls the bus's `boards`). */
export type LockBusFactory = (
  bus: LockerBusConfig,
  deps: { readonly clock: Clock; readonly log: Logger },
) => LockBoardBus;

/** What a bank works with. */
export interface LockerBankOptions {
  readonly config: LockerConfig;
  readonly clock: Clock;
  readonly state: AgentState;
  readonly log: Logger;
  readonly emit: LockerEmit;
  readonly createBus: LockBusFactory;
  /** Makes a credential usable again (an unlock that opened nothing). */
  readonly release: (credential: string) => void;
  /** Appends the bank's telemetry every `reportSeconds`, with each board's polls. */
  readonly report: (
    values: Readonly<Record<string, number>>,
    boards: readonly BoardPolls[],
  ) => void;
}

interface BusSlot {
  readonly id: string;
  readonly bus: LockBoardBus;
  readonly boards: readonly number[];
  unsubscribe: (() => void) | null;
}

/**
 * One configuration of a locker bank, running: its buses of lock boards, the boxes on them, and
 * opening a box. Nothing is energised at start: every board is read first, the result compared
 * with the state before the restart, and only then does the bank take codes or commands.
 */
export class LockerBank implements BoxOpener {
  readonly layout: LockerLayout;
  readonly tracker: BoxTracker;
  readonly #o: LockerBankOptions;
  readonly #buses: BusSlot[];
  /** Boards not answering, as `bus/board`. */
  readonly #unreachable = new Set<string>();
  #ready = false;
  #stopped = false;
  #stopReport: (() => void) | null = null;

  constructor(options: LockerBankOptions) {
    this.#o = options;
    const { config } = options;
    this.layout = new LockerLayout(config.boxes);
    this.tracker = new BoxTracker({
      layout: this.layout,
      clock: options.clock,
      state: options.state,
      log: options.log,
      emit: options.emit,
      doorOpenAlarmMs: config.doorOpenAlarmMinutes * 60_000,
      openConfirmMs: config.openConfirmSeconds * 1000,
      release: options.release,
    });
    this.#buses = config.buses.map((bus) => {
      const log = options.log.child({ bus: bus.id });
      return {
        id: bus.id,
        bus: options.createBus(bus, { clock: options.clock, log }),
        boards: bus.boards,
        unsubscribe: null,
      };
    });
  }

  /**
   * Opens the buses, reads every board once and reconciles the boxes with their state before
   * the restart. A board that does not answer leaves its boxes out of service (and raises
   * `board-unreachable`); a bus that cannot be opened at all fails the start.
   */
  async start(): Promise<void> {
    for (const slot of this.#buses) {
      slot.unsubscribe = slot.bus.subscribe({
        onChanges: (board, _changes, status) => {
          this.#status(slot.id, status);
        },
        onUnreachable: (board, reason) => {
          this.#lost(slot.id, board, reason);
        },
        onRecovered: (_board, status) => {
          this.#status(slot.id, status);
        },
      });
    }
    await Promise.all(this.#buses.map((slot) => slot.bus.start()));
    for (const slot of this.#buses) {
      for (const board of slot.boards) {
        if (this.#stopped) return;
        try {
          this.#status(slot.id, await slot.bus.readStatus(board));
        } catch (err) {
          this.#lost(slot.id, board, err instanceof Error ? err.message : String(err));
        }
      }
    }
    this.#ready = true;
    this.#stopReport = every(this.#o.clock, this.#o.config.reportSeconds * 1000, () => {
      this.#report();
    });
    this.#o.log.info(
      { boxes: this.layout.boxes.length, unreachable: [...this.#unreachable] },
      'locker bank in service',
    );
  }

  /** Stops taking codes and commands, and closes the buses; the durable state stays. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#ready = false;
    this.#stopReport?.();
    this.#stopReport = null;
    for (const slot of this.#buses) {
      slot.unsubscribe?.();
      slot.unsubscribe = null;
    }
    this.tracker.stop();
    await Promise.allSettled(this.#buses.map((slot) => slot.bus.stop()));
  }

  /** Read every board at start, and at least one box is known. */
  inService(): boolean {
    return this.#ready && this.tracker.counts().unknown < this.layout.boxes.length;
  }

  /** Whether the start-up read of the boards is done. */
  get ready(): boolean {
    return this.#ready;
  }

  view(box: number): BoxView | undefined {
    return this.tracker.view(box);
  }

  /**
   * Unlocks `box` for `by` once its opening is expected, and waits for the door to be seen
   * open. Refuses (`unavailable`) a box whose board is unknown, whose door is not locked, or
   * that is already being opened: nothing is energised then, and `announce` does not run.
   * `announce` runs once, in the same transaction as the expectation, before the unlock is sent:
   * whatever durable writes it makes are committed before the lock is energised.
   */
  async open(
    box: number,
    by: Opener,
    credential: string | null,
    announce: () => void,
  ): Promise<OpenAttempt> {
    const place = this.layout.box(box);
    const view = this.tracker.view(box);
    const slot = this.#buses.find((s) => s.id === place?.bus);
    if (!this.#ready || place === undefined || slot === undefined || view === undefined) {
      return 'unavailable';
    }
    if (!view.known || !view.locked || view.busy) return 'unavailable';
    // The expectation and what the caller records with it (a code used, the event) commit in
    // one transaction, before the pulse: one disk sync on the way to the lock, not three.
    // (better-sqlite3 refuses a transaction function that returns a promise: it is kept aside.)
    let opened: Promise<OpenResult> = Promise.resolve('unknown');
    this.#o.state.atomically(() => {
      opened = this.tracker.expectOpening(box, by, credential);
      announce();
    });
    try {
      await slot.bus.unlock({ board: place.board, lock: place.lock });
    } catch (err) {
      this.#o.log.error({ err, box }, 'unlock could not be sent');
      this.tracker.cancelExpectation(box);
      await opened;
      return 'failed';
    }
    return opened;
  }

  #status(bus: string, status: BoardStatus): void {
    if (this.#stopped) return;
    const key = `${bus}/${String(status.board)}`;
    if (this.#unreachable.delete(key)) {
      this.#o.log.info({ bus, board: status.board }, 'lock board answers again');
      this.#o.emit('board-recovered', key, { board: status.board });
    }
    this.tracker.applyStatus(bus, status);
  }

  #lost(bus: string, board: number, reason: string): void {
    if (this.#stopped) return;
    this.tracker.markUnknown(bus, board);
    const key = `${bus}/${String(board)}`;
    if (this.#unreachable.has(key)) return;
    this.#unreachable.add(key);
    this.#o.log.warn(
      { bus, board, reason },
      'lock board unreachable; its boxes are out of service',
    );
    this.#o.emit('board-unreachable', key, { board, reason: reason.slice(0, 200) });
  }

  #report(): void {
    const counts = this.tracker.counts();
    try {
      this.#o.report(
        {
          boxes: this.layout.boxes.length,
          occupied: counts.occupied,
          doors_open: counts.doorsOpen,
          boxes_unknown: counts.unknown,
          boards_unreachable: this.#unreachable.size,
        },
        this.#boardPolls(),
      );
    } catch (err) {
      this.#o.log.error({ err }, 'could not report the bank');
    }
  }

  /** Each configured board's status reads so far, as the driver of its bus counted them. */
  #boardPolls(): BoardPolls[] {
    return this.#buses.flatMap((slot) =>
      slot.boards.map((address): BoardPolls => {
        const polls = slot.bus.pollStats(address);
        return {
          bus: slot.id,
          address,
          lastOkAt: polls?.lastOkAt == null ? null : new Date(polls.lastOkAt).toISOString(),
          ok: polls?.ok ?? 0,
          failed: polls?.failed ?? 0,
          lastError: polls?.lastError ?? null,
        };
      }),
    );
  }
}
