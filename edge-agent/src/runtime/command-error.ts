import type { CommandErrorCode } from '@hameau/protocol';

/**
 * Thrown by a command handler for an error outcome with a stable code, e.g.
 * `throw new CommandError('REFUSED', 'box 3 is out of order')`. The message is sent to the
 * cloud as is: never put a secret or a pickup code in it. Any other exception a handler throws
 * is answered as `INTERNAL` without its message.
 */
export class CommandError extends Error {
  readonly code: CommandErrorCode;

  constructor(code: CommandErrorCode, message: string) {
    super(message);
    this.name = 'CommandError';
    this.code = code;
  }
}
