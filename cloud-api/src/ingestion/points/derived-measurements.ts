/**
 * The measurements ingestion derives from device messages, beside a telemetry message's own
 * (whose measurement is its stream). Each name has an underscore, which no stream name can have
 * (`StreamName` is lower-case letters, digits and dashes): a device cannot write into them.
 */
export const DERIVED_MEASUREMENTS = {
  /** A device's connection changed (birth, will, clean shutdown): `online` 1/0 and `session`. */
  deviceStatus: 'device_status',
  /** A locker event (pickup, drop-off, forced door, code rejected…): `count` = 1. */
  lockerEvent: 'locker_event',
  /** A lock board's polls, from its bank's report: `ok`, `failed`, `last_ok_at`. */
  lockerBoard: 'locker_board',
  /** A lighting zone's level changed: the new `level` %, tagged by zone and mode. */
  lightingLevel: 'lighting_level',
  /** A lighting zone's night summed up: energy drawn, at full power, and the savings. */
  lightingNight: 'lighting_night',
} as const;
