#!/usr/bin/env node
/**
 * The `swanlab-node` command. Commands (`sync`, `login`, …) arrive with later releases; this
 * entry already answers `--help` and `--version` and rejects what it does not know.
 */
import { VERSION } from '../main/version.js';

const HELP = `Usage: swanlab-node <command> [options]

SwanLab-compatible experiment logger for Node.js.

Commands:
  (none yet: sync, login and logout arrive with the online mode)

Options:
  -h, --help     show this help
  -v, --version  print the version
`;

/** Run the CLI with `argv` (without node and the script); returns the exit code. */
export function main(argv: string[]): number {
  const [first] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    process.stdout.write(HELP);
    return first === undefined ? 1 : 0;
  }
  if (first === '-v' || first === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  process.stderr.write(`swanlab-node: unknown ${first.startsWith('-') ? 'option' : 'command'} ${JSON.stringify(first)}; see swanlab-node --help\n`);
  return 2;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
