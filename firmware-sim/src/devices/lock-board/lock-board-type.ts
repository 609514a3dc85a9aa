import { z } from 'zod';
import { defineDeviceType } from '../../device-type.js';
import { LockBoardBank } from './lock-board-bank.js';
import { LockBoardBankFields, checkLockBoardBank } from './lock-board-options.js';

/** `type: lock-board`: a bank of Kerong-style lock boards on one RS485 line. */
export const lockBoardDeviceType = defineDeviceType({
  type: 'lock-board',
  summary: 'Kerong-style RS485 lock boards (16 locks each) on a serial pty and/or a TCP gateway',
  schema: LockBoardBankFields.extend({ type: z.literal('lock-board') })
    .strict()
    .superRefine(checkLockBoardBank),
  create: ({ type: _type, ...options }, context) => new LockBoardBank(options, context),
});
