#!/usr/bin/env node
// The `geodata` command. dist/ is not built: the CLI runs from its TypeScript sources through
// tsx's loader, which also lets it import the user's TypeScript pipeline modules.
import { register } from 'tsx/esm/api';

register();
globalThis[Symbol.for('geodata.cli.tsxRegistered')] = true;
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
