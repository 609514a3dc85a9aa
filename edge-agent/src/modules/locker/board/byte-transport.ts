/**
 * The raw byte link to an RS485 bus of lock boards: a serial device, or a TCP connection to a
 * serial-to-Ethernet gateway. The bus driver sees only this, so tests inject their own.
 */
export interface ByteTransport {
  /** For logs: `serial /dev/ttyUSB0 19200 8N1` or `tcp 10.0.0.5:4001`. */
  readonly description: string;
  /** Whether the link is open now. */
  readonly isOpen: boolean;
  /** Opens the link; rejects with the reason when the device or gateway cannot be reached. */
  open(): Promise<void>;
  /** Closes the link (not reported to `onClose`). Safe to call twice. */
  close(): Promise<void>;
  /** Resolves once the bytes are written to the device or socket; rejects when not open. */
  write(bytes: Buffer): Promise<void>;
  /** Sets the listener of received bytes (one listener; chunking is arbitrary). */
  onData(listener: (chunk: Buffer) => void): void;
  /** Sets the listener of a link lost while open (device gone, connection dropped). */
  onClose(listener: (reason: string) => void): void;
}

/** Why a transport call failed, as a short text for logs and failures. */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
