/**
 * Modbus RTU timing (shared/reference/meters.md): every character is 11 bits on the wire, and
 * frames are separated by 3.5 characters of silence (a fixed 1.75 ms above 19,200 baud).
 */

/** Bits per character: start, 8 data, parity or a second stop bit, stop. */
export const RTU_BITS_PER_CHAR = 11;

/** How long `bytes` characters take on the wire, in ms. */
export function rtuFrameMs(bytes: number, baud: number): number {
  return (bytes * RTU_BITS_PER_CHAR * 1000) / baud;
}

/** The t3.5 inter-frame silence, in ms. */
export function rtuSilenceMs(baud: number): number {
  return baud > 19_200 ? 1.75 : rtuFrameMs(3.5, baud);
}

/**
 * How long after a request's last byte reached the simulator its reply is complete on the
 * master's side, as on a real bus. A pty delivers the request at once, so its own wire time is
 * added here too: request on the wire, the t3.5 that tells the slave it ended, the device's
 * turnaround, then the reply on the wire. The master's own t3.5 before its next request
 * completes the reference's poll cycle, `(8 + 5 + 2N) × 11 / baud + 2 × t3.5 + turnaround`.
 */
export function rtuReplyDelayMs(
  requestBytes: number,
  replyBytes: number,
  baud: number,
  turnaroundMs: number,
): number {
  return (
    rtuFrameMs(requestBytes, baud) +
    rtuSilenceMs(baud) +
    turnaroundMs +
    rtuFrameMs(replyBytes, baud)
  );
}

/** The shortest poll cycle of one read of `registers` registers (the reference's formula). */
export function rtuPollCycleMs(registers: number, baud: number, turnaroundMs: number): number {
  return rtuFrameMs(8 + 5 + 2 * registers, baud) + 2 * rtuSilenceMs(baud) + turnaroundMs;
}
