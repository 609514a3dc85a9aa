// The `hameau` CLI from source, as a child process the fault tests can SIGKILL.
import { main } from '../../src/main.js';

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
