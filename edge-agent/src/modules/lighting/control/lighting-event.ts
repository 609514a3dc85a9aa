// The town's schedule events are configuration, shared with the cloud through @hameau/protocol.
export { LightingEventSchema, type LightingEvent } from '@hameau/protocol';
