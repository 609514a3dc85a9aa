import type { FunctionCode } from '../models/register-map.js';

/** One read of `count` registers from `address` of unit `unitId`. */
export interface ReadRequest {
  readonly unitId: number;
  readonly functionCode: FunctionCode;
  readonly address: number;
  readonly count: number;
  /** No answer by then is a `timeout` failure. */
  readonly timeoutMs: number;
}

/** A write of `values` to holding registers from `address`: FC 06 for one value, FC 16 for more. */
export interface WriteRequest {
  readonly unitId: number;
  readonly address: number;
  readonly values: readonly number[];
  /** No answer by then is a `timeout` failure. */
  readonly timeoutMs: number;
}

/**
 * A Modbus master on one bus (a serial line or a TCP connection). Callers send one request at a
 * time. Every failure is a `ReadFailure`, so a timeout, an exception or a garbage frame reaches
 * the poller as a reason, never as numbers.
 */
export interface ModbusClient {
  /** Whether the link is open; it closes by itself when a connection or device is lost. */
  readonly isOpen: boolean;
  /** Opens the link; rejects with a `disconnected` failure. */
  open(): Promise<void>;
  /** The register words; rejects with a `ReadFailure`. */
  read(request: ReadRequest): Promise<readonly number[]>;
  /** Closes the link; never rejects. A read in flight fails as `disconnected`. */
  close(): Promise<void>;
}

/** A Modbus master that also writes holding registers (lamp nodes; meters are only read). */
export interface ModbusWriteClient extends ModbusClient {
  /** Resolves once the unit acknowledged the write; rejects with a `ReadFailure`. */
  write(request: WriteRequest): Promise<void>;
}
