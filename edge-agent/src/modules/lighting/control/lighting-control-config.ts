// The controller's configuration (what the cloud sends as the desired config of
// `modules.lighting` and what site.yaml holds) is defined once in @hameau/protocol, so that the
// cloud validates it with exactly the schemas the controller runs.
export {
  LampGroupSchema,
  LightingControlConfigSchema,
  SiteSchema,
  SwitchOffSchema,
  SwitchOnSchema,
  ZoneSchema,
  type LampGroup,
  type LightingControlConfig,
  type LightingControlConfigInput,
  type Site,
  type SwitchOff,
  type SwitchOn,
  type Zone,
} from '@hameau/protocol';
