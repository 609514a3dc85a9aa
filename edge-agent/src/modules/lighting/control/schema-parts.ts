// The small zod pieces the lighting schemas share live in @hameau/protocol, so that the cloud
// validates a configuration with exactly the schemas the controller runs.
export {
  DisplayName,
  Instant,
  Level,
  LightingId,
  OffsetMinutes,
  selectsZone,
  SunEventSchema,
  TimeOfDay,
  whenValid,
  ZoneSelector,
} from '@hameau/protocol';
