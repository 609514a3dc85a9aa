#!/usr/bin/env node
// The compiled CLI lives in dist/ (`npm run build`); this shim only points there.
import { main } from '../dist/main.js';

process.exitCode = await main(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
