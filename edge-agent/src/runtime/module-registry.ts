import { SEGMENT_PATTERN } from '@hameau/protocol';
import type { AgentModule } from './agent-module.js';

/**
 * The modules this agent build knows, by name. `site.yaml` may enable any of them under
 * `modules:` (each section validated by the module's own schema); a capability plugs in by
 * adding its module here, without touching the base config schema.
 */
export class ModuleRegistry {
  readonly #modules = new Map<string, AgentModule>();

  constructor(modules: readonly AgentModule[] = []) {
    for (const m of modules) this.register(m);
  }

  /** Adds a module; its name must be a valid identifier, not yet taken. */
  register(module: AgentModule): this {
    if (!SEGMENT_PATTERN.test(module.name)) {
      throw new Error(`module name ${JSON.stringify(module.name)} is not a valid identifier`);
    }
    if (this.#modules.has(module.name)) {
      throw new Error(`module ${module.name} is registered twice`);
    }
    this.#modules.set(module.name, module);
    return this;
  }

  get(name: string): AgentModule | undefined {
    return this.#modules.get(name);
  }

  /** Every module, in registration order; also what `loadAgentConfig` takes as `modules`. */
  list(): readonly AgentModule[] {
    return [...this.#modules.values()];
  }

  /** The modules among `names` that this build knows, in the order of `names`. */
  pick(names: Iterable<string>): readonly AgentModule[] {
    const out: AgentModule[] = [];
    for (const name of names) {
      const m = this.#modules.get(name);
      if (m !== undefined) out.push(m);
    }
    return out;
  }
}
