import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';

/**
 * Just enough of a Node `ServerResponse` for `SseStream`: what was written, whether it ended or
 * was destroyed, and a writable length a test can set to play a viewer that stopped reading.
 */
export class FakeResponse extends EventEmitter {
  status: number | null = null;
  headers: Record<string, string> = {};
  readonly chunks: string[] = [];
  ended = false;
  destroyed = false;
  writableLength = 0;
  readonly socket = { setNoDelay: (): void => undefined };

  writeHead(status: number, headers: Record<string, string>): this {
    this.status = status;
    this.headers = headers;
    return this;
  }

  write(chunk: Buffer): boolean {
    this.chunks.push(chunk.toString());
    return true;
  }

  end(): this {
    this.ended = true;
    this.emit('close');
    return this;
  }

  destroy(): this {
    this.destroyed = true;
    this.emit('close');
    return this;
  }

  /** The viewer's tab closes. */
  hangUp(): void {
    this.emit('close');
  }

  /** Everything written, as the client would read it. */
  get text(): string {
    return this.chunks.join('');
  }

  /** The events written, parsed: `{ id, event, payload }`. */
  events(): { id: string; event: string; payload: Record<string, unknown> }[] {
    return this.text
      .split('\n\n')
      .filter((block) => block.includes('\ndata: '))
      .map((block) => {
        const field = (name: string) =>
          block
            .split('\n')
            .find((l) => l.startsWith(`${name}: `))
            ?.slice(name.length + 2) ?? '';
        return {
          id: field('id'),
          event: field('event'),
          payload: JSON.parse(field('data')) as Record<string, unknown>,
        };
      });
  }

  /** As the feed takes it. */
  asResponse(): ServerResponse {
    return this as unknown as ServerResponse;
  }
}
