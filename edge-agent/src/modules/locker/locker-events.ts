import type { Logger } from 'pino';
import {
  LOCKER_EVENTS,
  type LockerEventData,
  type LockerEventType,
  type Severity,
} from '@hameau/protocol';
import type { ModuleContext } from '../../runtime/agent-module.js';

/**
 * The severity of each locker event. The cloud raises a technician alarm for every `warning` or
 * `alarm`, so this table decides who gets paged: a mistyped code must not, a forced door must.
 */
export const LOCKER_EVENT_SEVERITY: Readonly<Record<LockerEventType, Severity>> = {
  'door-opened': 'info',
  'door-closed': 'info',
  'item-placed': 'info',
  'item-removed': 'info',
  'code-rejected': 'info',
  'terminal-locked-out': 'warning',
  'code-accepted': 'info',
  'parcel-deposited': 'info',
  'parcel-picked-up': 'info',
  'item-left-after-pickup': 'warning',
  'remote-unlock': 'info',
  'remote-unlock-rate-exceeded': 'alarm',
  'door-left-open': 'alarm',
  'door-forced': 'alarm',
  'lock-stuck': 'alarm',
  'board-unreachable': 'alarm',
  'board-recovered': 'info',
};

/** Emits one locker event, its data checked by the protocol's schema for its type. */
export type LockerEmit = <T extends LockerEventType>(
  type: T,
  subject: string,
  data: LockerEventData<T>,
) => void;

/**
 * The module's one way to emit locker events. Data that fails its schema is a bug: it is logged
 * and dropped rather than thrown, because emitting sits on the door and code paths, where an
 * exception must not leave a lock half-handled.
 */
export function lockerEmitter(emit: ModuleContext<unknown>['emit'], log: Logger): LockerEmit {
  return (type, subject, data) => {
    const checked = LOCKER_EVENTS[type].safeParse(data);
    if (!checked.success) {
      log.error(
        { type, problems: checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
        'locker event does not match its schema; not emitted',
      );
      return;
    }
    try {
      emit(type, LOCKER_EVENT_SEVERITY[type], subject, checked.data);
    } catch (err) {
      log.error({ err, type }, 'could not record a locker event');
    }
  };
}
