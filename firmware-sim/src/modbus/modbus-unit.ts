/**
 * One Modbus slave as transports see it: it decides how to answer a request PDU, faults
 * included. Framing (MBAP or RTU) is the transport's job, so one meter serves both.
 */
export interface ModbusUnit {
  /** The unit id (RTU address) it answers to. */
  readonly unitId: number;
  /** Names the unit in logs. */
  readonly id: string;
  /** The answer to one request PDU addressed to this unit. */
  answer(pdu: Buffer): UnitAnswer;
}

/** How a unit answers one request. */
export type UnitAnswer =
  /** No answer at all (a dead meter). */
  | { readonly kind: 'none' }
  | {
      readonly kind: 'reply';
      readonly pdu: Buffer;
      /** The unit id written in the reply (another one under the wrong-unit fault). */
      readonly unitId: number;
      /** Extra delay before the reply, on the device clock (the slow fault). */
      readonly delayMs: number;
      /** Send the reply with a broken CRC (RTU); a TCP gateway reports it as exception 0x0B. */
      readonly corruptCrc: boolean;
    };
