import type { LampNode } from './lamp-node.js';

/**
 * The lamp nodes sharing one link (an RS485 line, a TCP gateway, a DALI bus), as one driver
 * serves them. All access is serialized: one operation (a command and its read-back) at a
 * time, in the order asked, so a read-back always belongs to its command.
 */
export interface LampNodeBus {
  /** The bus's id in the site config. */
  readonly id: string;
  /** The driver's type (`modbus`). */
  readonly type: string;
  /** Its nodes, in config order. */
  readonly nodes: readonly LampNode[];
  /** The node with this id, or undefined. */
  node(id: string): LampNode | undefined;
  /** Whether the link is up now (it opens on first use and reopens after a loss). */
  readonly connected: boolean;
  /** Closes the link for good; operations still queued fail as `disconnected`. */
  close(): Promise<void>;
}
