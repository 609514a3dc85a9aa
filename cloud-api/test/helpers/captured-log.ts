import { pino, type Logger } from 'pino';

/** A pino logger at debug level whose lines are kept, to check what is (not) logged. */
export function capturedLog(): { log: Logger; text(): string } {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { log, text: () => lines.join('') };
}
