export * from './agent.js';
export { builtinModules } from './builtin-modules.js';
export { loadAgentConfig, parseAgentConfig } from './config/load-agent-config.js';
export type { AgentConfig } from './config/agent-config.js';
export { defineCommand, defineModule } from './runtime/agent-module.js';
export type { AgentModule, ModuleContext, CommandHandler } from './runtime/agent-module.js';
export { CommandError } from './runtime/command-error.js';
export { ModuleRegistry } from './runtime/module-registry.js';
export { AgentRuntime } from './runtime/agent-runtime.js';
