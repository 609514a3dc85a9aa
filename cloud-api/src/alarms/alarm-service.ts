import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { z } from 'zod';
import { DeviceId, HameauError, Seq, SiteId, type Clock } from '@hameau/protocol';
import { recordAudit } from '../audit/audit-store.js';
import { parseInput } from '../parse-input.js';
import type { Schema } from '../storage/schema.js';
import {
  AlarmActor,
  AlarmKey,
  AlarmNote,
  AlarmSeverity,
  AlarmSource,
  AlarmState,
  AlarmSubject,
  AlarmType,
  type Alarm,
} from './alarm.js';
import { alarmStore, type OccurrenceRow, type StoredAlarmKey } from './alarm-store.js';

/** One occurrence of something that needs attention, as a domain reports it. */
export const RaiseAlarmInput = z
  .object({
    site: SiteId,
    device: DeviceId,
    type: AlarmType,
    subject: AlarmSubject.optional(),
    severity: AlarmSeverity,
    message: z.string().min(1).max(500),
    details: z.record(z.string(), z.unknown()).default({}),
    /** When it happened, ms since the epoch: a replayed event's own time, not its arrival. */
    at: z.number().int().nonnegative(),
    /**
     * `event` (the default) counts every call as one more occurrence; `rule` means "the
     * condition holds", so a call while the alarm is active changes nothing.
     */
    source: AlarmSource.default('event'),
    /**
     * The device message that caused it. The same (site, device, seq, type) is counted once,
     * so an ingestion listener can raise from a batch that is handed over again.
     */
    seq: Seq.optional(),
  })
  .strict();
export type RaiseAlarmInput = z.input<typeof RaiseAlarmInput>;

/** What `raise` did: opened a new alarm, counted a repeat, found it active, or ignored a replay. */
export type RaiseResult =
  | { readonly outcome: 'opened' | 'repeated' | 'unchanged'; readonly alarm: Alarm }
  | { readonly outcome: 'replayed'; readonly alarm: null };

export const ListAlarmsFilter = z
  .object({
    state: z.union([AlarmState, z.literal('active')]).optional(),
    site: SiteId.optional(),
    device: DeviceId.optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type ListAlarmsFilter = z.input<typeof ListAlarmsFilter>;

const Transition = z
  .object({ id: z.number().int().positive(), by: AlarmActor, note: AlarmNote.optional() })
  .strict();

/**
 * Alarms: raised by device events and by rules (here and in other domains), acknowledged and
 * resolved by technicians or by the rule that raised them. Every change and its audit row are
 * committed together.
 */
export class AlarmService {
  readonly #db: Kysely<Schema>;
  readonly #clock: Clock;
  readonly #log: Logger;

  constructor(deps: { readonly db: Kysely<Schema>; readonly clock: Clock; readonly log: Logger }) {
    this.#db = deps.db;
    this.#clock = deps.clock;
    this.#log = deps.log;
  }

  /**
   * Reports an occurrence. Opens an alarm when none is active for its (site, device, type,
   * subject), otherwise counts it on the active one (see `source` and `seq`).
   */
  async raise(input: RaiseAlarmInput): Promise<RaiseResult> {
    const r = parseInput(RaiseAlarmInput, input);
    const occurrence: OccurrenceRow = { ...r, subject: r.subject ?? '' };
    const now = this.#clock.now();
    const result = await this.#db.transaction().execute(async (trx): Promise<RaiseResult> => {
      if (r.seq !== undefined) {
        const mark = { site: r.site, device: r.device, seq: r.seq, type: r.type, at: now };
        if (!(await alarmStore.markEvent(trx, mark))) return { outcome: 'replayed', alarm: null };
      }
      let raised: RaiseResult;
      if (r.source === 'rule') {
        raised = await openUnlessActive(trx, occurrence);
      } else {
        const { alarm, opened } = await alarmStore.openOrRepeat(trx, occurrence);
        raised = { outcome: opened ? 'opened' : 'repeated', alarm };
      }
      if (raised.outcome === 'opened') {
        await recordAudit(trx, now, {
          actor: 'system',
          action: 'alarm.raise',
          subject: subjectOf(raised.alarm),
          details: { ...keyDetails(raised.alarm), severity: r.severity, source: r.source },
        });
      }
      return raised;
    });
    if (result.alarm !== null) {
      const { id, site, device, type, severity } = result.alarm;
      const fields = { alarm: id, site, device, type, severity, outcome: result.outcome };
      if (result.outcome === 'opened') this.#log.warn(fields, 'alarm raised');
      else this.#log.debug(fields, 'alarm occurrence');
    }
    return result;
  }

  /** Resolves the active alarm of a key, if any (a rule whose condition cleared). */
  async resolveActive(key: AlarmKey, by: string, note?: string): Promise<Alarm | null> {
    const k = parseInput(AlarmKey, key);
    const stored: StoredAlarmKey = { ...k, subject: k.subject ?? '' };
    const t = parseInput(Transition.omit({ id: true }), { by, note });
    const at = this.#clock.now();
    const alarm = await this.#db.transaction().execute(async (trx) => {
      const resolved = await alarmStore.resolveActive(trx, stored, action(t, at));
      if (resolved !== undefined) await auditTransition(trx, 'alarm.resolve', resolved, t, at);
      return resolved ?? null;
    });
    if (alarm !== null) this.#logTransition('alarm resolved', alarm, t.by);
    return alarm;
  }

  /** Open → acknowledged: someone is on it. */
  async acknowledge(id: number, by: string, note?: string): Promise<Alarm> {
    const t = parseInput(Transition, { id, by, note });
    const at = this.#clock.now();
    const alarm = await this.#db.transaction().execute(async (trx) => {
      const changed = await alarmStore.acknowledge(trx, t.id, action(t, at));
      if (changed === undefined) throw await refusal(trx, t.id, 'acknowledged', 'an open');
      await auditTransition(trx, 'alarm.acknowledge', changed, t, at);
      return changed;
    });
    this.#logTransition('alarm acknowledged', alarm, t.by);
    return alarm;
  }

  /** Open or acknowledged → resolved. */
  async resolve(id: number, by: string, note?: string): Promise<Alarm> {
    const t = parseInput(Transition, { id, by, note });
    const at = this.#clock.now();
    const alarm = await this.#db.transaction().execute(async (trx) => {
      const changed = await alarmStore.resolve(trx, t.id, action(t, at));
      if (changed === undefined) throw await refusal(trx, t.id, 'resolved', 'an active');
      await auditTransition(trx, 'alarm.resolve', changed, t, at);
      return changed;
    });
    this.#logTransition('alarm resolved', alarm, t.by);
    return alarm;
  }

  /** Alarms, most recently raised first. */
  list(filter: ListAlarmsFilter = {}): Promise<Alarm[]> {
    return alarmStore.list(this.#db, parseInput(ListAlarmsFilter, filter, 'filter'));
  }

  /** One alarm; `ALARM_NOT_FOUND` when there is none with this id. */
  async get(id: number): Promise<Alarm> {
    const alarm = await alarmStore.get(this.#db, parseInput(Transition.shape.id, id, 'id'));
    if (alarm === undefined) throw notFound(id);
    return alarm;
  }

  /** Forgets which device messages were counted before `before` (ms); returns how many. */
  pruneEventMarks(before: number): Promise<number> {
    return alarmStore.pruneEventMarks(this.#db, before);
  }

  #logTransition(msg: string, alarm: Alarm, by: string): void {
    const { id, site, device, type } = alarm;
    this.#log.info({ alarm: id, site, device, type, by }, msg);
  }
}

/**
 * A rule's raise: opens an alarm unless one is active for the key. On PostgreSQL another
 * instance may resolve the active alarm between the insert that yielded to it and the read that
 * looks for it; the insert is then simply tried again.
 */
async function openUnlessActive(trx: Kysely<Schema>, o: OccurrenceRow): Promise<RaiseResult> {
  for (let attempt = 1; ; attempt++) {
    const opened = await alarmStore.openIfNoneActive(trx, o);
    if (opened !== undefined) return { outcome: 'opened', alarm: opened };
    const active = await alarmStore.findActive(trx, o);
    if (active !== undefined) return { outcome: 'unchanged', alarm: active };
    if (attempt === 3) throw new Error(`alarm ${o.type} of ${o.site}/${o.device} keeps changing`);
  }
}

type TransitionInput = Omit<z.output<typeof Transition>, 'id'>;

function action(t: TransitionInput, at: number) {
  return { by: t.by, at, note: t.note ?? null };
}

function subjectOf(alarm: Alarm): string {
  return `alarm/${alarm.id}`;
}

function keyDetails(alarm: Alarm): Record<string, unknown> {
  const { site, device, type, subject } = alarm;
  return subject === null ? { site, device, type } : { site, device, type, subject };
}

async function auditTransition(
  trx: Kysely<Schema>,
  verb: 'alarm.acknowledge' | 'alarm.resolve',
  alarm: Alarm,
  t: TransitionInput,
  at: number,
): Promise<void> {
  const note = t.note === undefined ? {} : { note: t.note };
  await recordAudit(trx, at, {
    actor: t.by,
    action: verb,
    subject: subjectOf(alarm),
    details: { ...keyDetails(alarm), ...note },
  });
}

/** Why a transition did not apply: no such alarm, or not in a state that allows it. */
async function refusal(
  trx: Kysely<Schema>,
  id: number,
  target: 'acknowledged' | 'resolved',
  allowed: string,
): Promise<HameauError> {
  const current = await alarmStore.get(trx, id);
  if (current === undefined) return notFound(id);
  return new HameauError(
    'ALARM_TRANSITION_INVALID',
    `alarm ${id} is ${current.state}: only ${allowed} alarm can be ${target}`,
    { id, state: current.state, target },
  );
}

function notFound(id: number): HameauError {
  return new HameauError('ALARM_NOT_FOUND', `no alarm ${id}`, { id });
}
