/**
 * One command to one device and where it is in its lifecycle. `args`, `result` and
 * `late_result` are JSON objects as text; every time is milliseconds since the epoch.
 */
export interface CommandsTable {
  /** Client-supplied or generated; unique across devices, so `/commands/{id}` needs no device. */
  id: string;
  site_id: string;
  device_id: string;
  name: string;
  args: string;
  /** The caller's name (an API token's name, or `cloud`), sent to the device. */
  issued_by: string;
  issued_at: number;
  expires_at: number;
  /** `queued`, `sent`, `delivered`, `succeeded`, `failed`, `expired` or `cancelled`. */
  state: string;
  state_at: number;
  /** Publishes tried, acknowledged or not. */
  attempts: number;
  /** The last publish the broker acknowledged. */
  sent_at: number | null;
  /** The first answer of the device about this command. */
  delivered_at: number | null;
  finished_at: number | null;
  /** The device's outcome: `{status: ok, data}` or `{status: error, error: {code, message}}`. */
  result: string | null;
  /**
   * What the device said after the command was already expired or cancelled, with the cloud
   * time it arrived (`receivedAt`): the device may have acted, and a technician must see it.
   */
  late_result: string | null;
}
