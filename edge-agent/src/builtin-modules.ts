import { counterModule } from './modules/counter/counter-module.js';
import { lightingModule } from './modules/lighting/lighting-module.js';
import { lockerModule } from './modules/locker/locker-module.js';
import { meteringModule } from './modules/metering/metering-module.js';
import { ModuleRegistry } from './runtime/module-registry.js';

/** The modules this build of the agent knows; capability issues add theirs here. */
export function builtinModules(): ModuleRegistry {
  return new ModuleRegistry([counterModule, meteringModule, lockerModule, lightingModule]);
}
