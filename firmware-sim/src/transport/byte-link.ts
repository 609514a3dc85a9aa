/**
 * A bidirectional byte stream a serial device sits on: a serial port (a pty end, a USB-RS485
 * adapter) in production, an in-memory pair in tests. Framing code sees only this.
 */
export interface ByteLink {
  write(bytes: Buffer): void;
  /** Registers the listener of received chunks (one listener; chunking is arbitrary). */
  onData(listener: (chunk: Buffer) => void): void;
  /** Closes the link. Safe to call twice. */
  close(): Promise<void>;
}
