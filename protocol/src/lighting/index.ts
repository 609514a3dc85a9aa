// The lighting controller's configuration schemas, shared by the edge agent that runs them and
// the cloud that edits them. See docs/lighting.md for the model.

export * from './calendar-date.js';
export * from './control-program.js';
export * from './dimming-curve.js';
export * from './lighting-calendar.js';
export * from './lighting-class.js';
export * from './lighting-constants.js';
export * from './lighting-control-config.js';
export * from './lighting-event.js';
export * from './lighting-override.js';
export * from './night-so-far.js';
export * from './schema-parts.js';
export * from './typical-programs.js';
export * from './weather-config.js';
