// The lighting controller's pure decision core: schemas, the controller, the clock trust and
// the energy helpers. See docs/lighting.md for the model.

export * from './civil-date.js';
export * from './clock-trust.js';
export * from './control-program.js';
export * from './dimming-curve.js';
export * from './easter.js';
export * from './lighting-calendar.js';
export * from './lighting-class.js';
export * from './lighting-control-config.js';
export * from './lighting-controller.js';
export * from './lighting-event.js';
export * from './lighting-override.js';
export * from './night-plan.js';
export * from './public-holidays.js';
export * from './sun-clock.js';
export * from './weather-adjustment.js';
export * from './zone-energy.js';
export * from './zoned-time.js';
