// The EN 13201 lighting classes and their minimum levels are part of the configuration schema,
// shared with the cloud through @hameau/protocol.
export {
  ClassMinimumsSchema,
  DEFAULT_CLASS_MINIMUMS,
  LIGHTING_CLASSES,
  LightingClassSchema,
  type LightingClass,
} from '@hameau/protocol';
