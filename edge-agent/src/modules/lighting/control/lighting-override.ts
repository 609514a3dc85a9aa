// A manual order's schema is shared with the cloud through @hameau/protocol.
export { LightingOverrideSchema, type LightingOverride } from '@hameau/protocol';
