import { z } from 'zod';

/**
 * An integer in a range. The range is a refinement rather than min/max so that the config
 * loader prints the schema's words ("expected a board address 0-15, found 16").
 */
const int = (min: number, max: number, what: string) =>
  z.int().refine((v) => v >= min && v <= max, { error: what });
const text = (what: string) => z.string().refine((v) => v.trim() !== '', { error: what });

const SerialTransport = z.strictObject({
  type: z.literal('serial'),
  /** The serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/… */
  path: text('a serial device path such as /dev/ttyUSB0'),
  baudRate: int(300, 4_000_000, 'a baud rate 300-4000000 (the boards ship at 19200)').default(
    19_200,
  ),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  /** 8 for every Kerong board; 7 would cut the status and SUM bytes. */
  dataBits: z.union([z.literal(7), z.literal(8)], { error: 'dataBits 7 or 8' }).default(8),
  stopBits: z.union([z.literal(1), z.literal(2)], { error: 'stopBits 1 or 2' }).default(1),
});

const TcpTransport = z.strictObject({
  type: z.literal('tcp'),
  /** The RS485 gateway, in raw (transparent) TCP server mode. */
  host: text('a gateway host name or address'),
  port: int(1, 65_535, 'a TCP port 1-65535'),
  connectTimeoutMs: int(100, 120_000, 'a connect timeout of 100-120000 ms').default(3_000),
});

/**
 * One RS485 bus of Kerong-style lock boards (docs/lock-board.md), as the locker module embeds
 * it: the transport, the board addresses on the bus, and the polling and retry settings.
 */
export const KerongBusConfig = z.strictObject({
  transport: z.discriminatedUnion('type', [SerialTransport, TcpTransport], {
    error: 'a transport type: serial or tcp',
  }),
  /** Board addresses (the DIP switches, 0-15), each once. */
  boards: z
    .array(int(0, 15, 'a board address 0-15'))
    .min(1)
    .superRefine((boards, ctx) => {
      const seen = new Set<number>();
      boards.forEach((board, index) => {
        if (seen.has(board)) {
          ctx.addIssue({
            code: 'custom',
            path: [index],
            message: `expected a board address used once per bus, found ${board} again`,
            input: board,
          });
        }
        seen.add(board);
      });
    }),
  /** Every board is polled once per round; a round starts this often (or as soon as the last ends). */
  pollMs: int(20, 60_000, 'a poll period of 20-60000 ms').default(250),
  /** A status request not answered by then is retried. */
  replyTimeoutMs: int(10, 10_000, 'a reply timeout of 10-10000 ms').default(100),
  /** Extra attempts after a timeout or a bad checksum, before the board is unreachable. */
  retries: int(0, 10, 'a number of retries 0-10').default(2),
  /** Reopening a lost link: after minMs, doubling up to maxMs while it keeps failing. */
  reconnect: z
    .strictObject({
      minMs: int(10, 600_000, 'a delay of 10-600000 ms').default(250),
      maxMs: int(10, 600_000, 'a delay of 10-600000 ms').default(10_000),
    })
    .prefault({})
    .refine((r) => r.minMs <= r.maxMs, { error: 'a value >= minMs', path: ['maxMs'] }),
});

/** A lock board bus's configuration, defaults applied. */
export type KerongBusConfig = z.output<typeof KerongBusConfig>;
/** What a config file may write (defaults omitted). */
export type KerongBusConfigInput = z.input<typeof KerongBusConfig>;
/** The transport part of it. */
export type KerongTransportConfig = KerongBusConfig['transport'];
