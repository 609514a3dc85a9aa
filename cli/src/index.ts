export { main } from './main.js';
export type { CliIo, ExitCode } from './io.js';
