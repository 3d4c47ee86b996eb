#!/usr/bin/env node
/**
 * The `swanlab-node` command: `login`, `logout`, `sync`, `--help`, `--version`. Each command
 * lives in its own file; this one only dispatches and turns usage errors into exit code 2.
 */
import { ErrorCode, SwanlabError } from '../shared/errors.js';
import { VERSION } from '../main/version.js';
import { closest } from './args.js';
import { LOGIN_HELP, LOGOUT_HELP, login, logout } from './login.js';
import { SYNC_HELP, sync } from './sync.js';

const HELP = `Usage: swanlab-node <command> [options]

SwanLab-compatible experiment logger for Node.js.

Commands:
  login    verify a SwanLab API key and save it (~/.swanlab/.netrc)
  logout   remove the saved key
  sync     upload run folders (swanlog/run-...) to SwanLab

Options:
  -h, --help     show this help; swanlab-node <command> --help for a command's
  -v, --version  print the version
`;

const COMMANDS: Record<string, string> = { login: LOGIN_HELP, logout: LOGOUT_HELP, sync: SYNC_HELP };

/** Run the CLI with `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') {
    out.write(HELP);
    return first === undefined ? 1 : 0;
  }
  if (first === 'help') {
    const topic = rest[0];
    out.write(topic !== undefined && COMMANDS[topic] ? COMMANDS[topic] : HELP);
    return 0;
  }
  if (first === '-v' || first === '--version') {
    out.write(`${VERSION}\n`);
    return 0;
  }
  try {
    switch (first) {
      case 'login':
        return await login(rest, out, err);
      case 'logout':
        return logout(rest, out);
      case 'sync':
        return await sync(rest, out, err);
    }
  } catch (e) {
    if (e instanceof SwanlabError && e.code === ErrorCode.USAGE) {
      err.write(`swanlab-node ${e.message}\n`);
      return 2;
    }
    if (e instanceof SwanlabError && e.code === ErrorCode.INVALID_OPTION) {
      err.write(`swanlab-node ${first}: ${e.message}\n`);
      return 2;
    }
    err.write(`swanlab-node ${first}: ${(e as Error).message}\n`);
    return 1;
  }
  const known = Object.keys(COMMANDS);
  const hint = first.startsWith('-') ? undefined : closest(first, known);
  err.write(`swanlab-node: unknown ${first.startsWith('-') ? 'option' : 'command'} ${JSON.stringify(first)}${hint ? `; did you mean ${hint}?` : ''}; see swanlab-node --help\n`);
  return 2;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`swanlab-node: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
