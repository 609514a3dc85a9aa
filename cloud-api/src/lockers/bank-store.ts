import type { Kysely, Selectable } from 'kysely';
import type { Schema } from '../storage/schema.js';
import {
  ACTIVE_STATES,
  BoxSize,
  BoxState,
  LockerLocation,
  type LockerBank,
  type LockerBox,
} from './locker.js';
import type { LockerBanksTable, LockerBoxesTable } from './locker-tables.js';

/** Free boxes of a bank per size: what the public sees. */
export type FreeCounts = Readonly<Record<BoxSize, number>>;

/** Queries on `locker_banks` and `locker_boxes`; each takes a Kysely instance or a transaction. */
export const bankStore = {
  async insert(
    db: Kysely<Schema>,
    bank: LockerBank,
    boxes: readonly { number: number; size: BoxSize }[],
  ): Promise<void> {
    await db
      .insertInto('locker_banks')
      .values({
        id: bank.id,
        site_id: bank.site,
        device_id: bank.device,
        name: bank.name,
        location: bank.location && JSON.stringify(bank.location),
        credential_version: bank.credentialVersion,
        credentials_issued_at: bank.credentialsIssuedAt,
        credentials_published_version: bank.credentialsPublishedVersion,
        created_at: bank.createdAt,
        created_by: bank.createdBy,
      })
      .execute();
    await db
      .insertInto('locker_boxes')
      .values(
        boxes.map((b) => ({
          bank_id: bank.id,
          number: b.number,
          size: b.size,
          state: 'available',
          state_at: bank.createdAt,
        })),
      )
      .execute();
  },

  async get(db: Kysely<Schema>, id: string): Promise<LockerBank | undefined> {
    const row = await db
      .selectFrom('locker_banks')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && bankFromRow(row);
  },

  async byDevice(
    db: Kysely<Schema>,
    site: string,
    device: string,
  ): Promise<LockerBank | undefined> {
    const row = await db
      .selectFrom('locker_banks')
      .selectAll()
      .where('site_id', '=', site)
      .where('device_id', '=', device)
      .executeTakeFirst();
    return row && bankFromRow(row);
  },

  /** Every bank, by id. A town has a handful: no paging. */
  async list(db: Kysely<Schema>): Promise<LockerBank[]> {
    const rows = await db.selectFrom('locker_banks').selectAll().orderBy('id').execute();
    return rows.map(bankFromRow);
  },

  /** The ids of banks whose newest credential set the broker has not acknowledged, then the rest. */
  async idsForSync(db: Kysely<Schema>): Promise<string[]> {
    const rows = await db
      .selectFrom('locker_banks')
      .select(['id', 'credential_version', 'credentials_published_version'])
      .orderBy('id')
      .execute();
    const behind = (r: (typeof rows)[number]) =>
      r.credentials_published_version === null ||
      r.credentials_published_version < r.credential_version;
    return [...rows.filter(behind), ...rows.filter((r) => !behind(r))].map((r) => r.id);
  },

  async update(
    db: Kysely<Schema>,
    id: string,
    change: {
      readonly name?: string | undefined;
      readonly location?: LockerLocation | null | undefined;
    },
  ): Promise<boolean> {
    const rows = await db
      .updateTable('locker_banks')
      .set({
        ...(change.name !== undefined && { name: change.name }),
        ...(change.location !== undefined && {
          location: change.location && JSON.stringify(change.location),
        }),
      })
      .where('id', '=', id)
      .returning('id')
      .execute();
    return rows.length > 0;
  },

  async delete(db: Kysely<Schema>, id: string): Promise<boolean> {
    const result = await db.deleteFrom('locker_banks').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  },

  /**
   * Makes the next version of the bank's credential set and returns it (undefined: no such
   * bank). An UPDATE, so on PostgreSQL it also locks the bank's row until the transaction ends:
   * every change of a bank's credentials, reservations included, runs one at a time.
   */
  async bumpVersion(db: Kysely<Schema>, id: string, at: number): Promise<number | undefined> {
    const row = await db
      .updateTable('locker_banks')
      .set((eb) => ({
        credential_version: eb('credential_version', '+', 1),
        credentials_issued_at: at,
      }))
      .where('id', '=', id)
      .returning('credential_version')
      .executeTakeFirst();
    return row?.credential_version;
  },

  /** Records that the broker acknowledged `version`; an older one never overwrites a newer. */
  async markPublished(db: Kysely<Schema>, id: string, version: number): Promise<void> {
    await db
      .updateTable('locker_banks')
      .set({ credentials_published_version: version })
      .where('id', '=', id)
      .where((eb) =>
        eb.or([
          eb('credentials_published_version', 'is', null),
          eb('credentials_published_version', '<', version),
        ]),
      )
      .execute();
  },

  async boxes(db: Kysely<Schema>, bankId: string): Promise<LockerBox[]> {
    const rows = await db
      .selectFrom('locker_boxes')
      .selectAll()
      .where('bank_id', '=', bankId)
      .orderBy('number')
      .execute();
    return rows.map(boxFromRow);
  },

  async box(db: Kysely<Schema>, bankId: string, number: number): Promise<LockerBox | undefined> {
    const row = await db
      .selectFrom('locker_boxes')
      .selectAll()
      .where('bank_id', '=', bankId)
      .where('number', '=', number)
      .executeTakeFirst();
    return row && boxFromRow(row);
  },

  /** Available boxes per size, for every bank (or one). */
  async freeCounts(db: Kysely<Schema>, bankId?: string): Promise<Map<string, FreeCounts>> {
    let q = db
      .selectFrom('locker_boxes')
      .select(['bank_id', 'size', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', '=', 'available')
      .groupBy(['bank_id', 'size']);
    if (bankId !== undefined) q = q.where('bank_id', '=', bankId);
    const counts = new Map<string, Record<BoxSize, number>>();
    for (const r of await q.execute()) {
      const entry = counts.get(r.bank_id) ?? { S: 0, M: 0, L: 0, XL: 0 };
      entry[BoxSize.parse(r.size)] = r.n;
      counts.set(r.bank_id, entry);
    }
    return counts;
  },

  /**
   * Takes the lowest-numbered available box of `size` for a reservation (available →
   * reserved); undefined when none is. Each try is a conditional update, so a box that another
   * writer took meanwhile is skipped, never shared.
   */
  async takeFreeBox(
    db: Kysely<Schema>,
    bankId: string,
    size: BoxSize,
    at: number,
  ): Promise<number | undefined> {
    const candidates = await db
      .selectFrom('locker_boxes')
      .select('number')
      .where('bank_id', '=', bankId)
      .where('size', '=', size)
      .where('state', '=', 'available')
      .orderBy('number')
      .limit(10)
      .execute();
    for (const { number } of candidates) {
      const taken = await db
        .updateTable('locker_boxes')
        .set({ state: 'reserved', state_at: at })
        .where('bank_id', '=', bankId)
        .where('number', '=', number)
        .where('state', '=', 'available')
        .returning('number')
        .executeTakeFirst();
      if (taken !== undefined) return taken.number;
    }
    return undefined;
  },

  /**
   * Sets a box's state after a reservation moved, if it is in one of `from`. `available` is
   * set only on a box no active reservation holds: a late event about an old reservation must
   * not free the box of a newer one.
   */
  async settle(
    db: Kysely<Schema>,
    box: { readonly bank: string; readonly number: number },
    from: readonly BoxState[],
    to: 'occupied' | 'available',
    at: number,
  ): Promise<boolean> {
    let q = db
      .updateTable('locker_boxes')
      .set({ state: to, state_at: at })
      .where('bank_id', '=', box.bank)
      .where('number', '=', box.number)
      .where('state', 'in', from);
    if (to === 'available') q = q.where((eb) => eb.not(eb.exists(activeOn(db, box))));
    const rows = await q.returning('number').execute();
    return rows.length > 0;
  },

  /**
   * A technician's change: `to` from any state in `from`, and only while no active reservation
   * holds the box; false when the box was not in such a state.
   */
  async setState(
    db: Kysely<Schema>,
    bankId: string,
    number: number,
    from: readonly BoxState[],
    to: BoxState,
    at: number,
  ): Promise<LockerBox | undefined> {
    const row = await db
      .updateTable('locker_boxes')
      .set({ state: to, state_at: at })
      .where('bank_id', '=', bankId)
      .where('number', '=', number)
      .where('state', 'in', from)
      .where((eb) => eb.not(eb.exists(activeOn(db, { bank: bankId, number }))))
      .returningAll()
      .executeTakeFirst();
    return row && boxFromRow(row);
  },
};

/** The active reservation holding a box, as a subquery. */
function activeOn(db: Kysely<Schema>, box: { readonly bank: string; readonly number: number }) {
  return db
    .selectFrom('locker_reservations as r')
    .select('r.id')
    .where('r.bank_id', '=', box.bank)
    .where('r.box_number', '=', box.number)
    .where('r.state', 'in', ACTIVE_STATES);
}

function bankFromRow(r: Selectable<LockerBanksTable>): LockerBank {
  return {
    id: r.id,
    site: r.site_id,
    device: r.device_id,
    name: r.name,
    location: r.location === null ? null : LockerLocation.parse(JSON.parse(r.location)),
    credentialVersion: r.credential_version,
    credentialsIssuedAt: r.credentials_issued_at,
    credentialsPublishedVersion: r.credentials_published_version,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

function boxFromRow(r: Selectable<LockerBoxesTable>): LockerBox {
  return {
    number: r.number,
    size: BoxSize.parse(r.size),
    state: BoxState.parse(r.state),
    stateAt: r.state_at,
  };
}
