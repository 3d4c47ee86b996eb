/**
 * Flag parsing for the `swanlab-node` commands, over `util.parseArgs` (strict): an unknown
 * flag or a missing value is a usage error that names the command and suggests the closest
 * known flag.
 */
import { parseArgs } from 'node:util';
import { ErrorCode, SwanlabError } from '../shared/errors.js';

/** A flag of a command. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
}

/** Parsed flags and positionals. */
export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate closest to `name` by edit distance, when it is close enough to be a typo. */
export function closest(name: string, candidates: string[]): string | undefined {
  const best = candidates.map((k) => [k, distance(name, k)] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= Math.max(1, Math.min(3, Math.floor(best[0].length / 2))) ? best[0] : undefined;
}

/**
 * Parse `argv` for `command`. `--help` is always known.
 * @throws SwanlabError `SWANLAB_USAGE` with a hint.
 */
export function parseFlags(command: string, argv: string[], flags: Record<string, FlagSpec>, positionals: boolean): Parsed {
  const options = { help: { type: 'boolean' as const }, ...flags };
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: positionals, strict: true });
    return { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (err) {
    const e = err as { code?: string; message: string };
    let message = e.message.replace(/\. To specify a positional argument.*$/s, '');
    const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(e.message)?.[1];
    if (unknown) {
      const best = closest(unknown.replace(/^-+/, '').split('=')[0]!, Object.keys(options));
      message = `unknown option ${unknown}${best ? `; did you mean --${best}?` : ''}`;
    } else if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      message = `${command} takes no arguments, got ${/'([^']*)'/.exec(e.message)?.[1] ?? 'one'}`;
    }
    throw new SwanlabError(ErrorCode.USAGE, `${command}: ${message}; see swanlab-node ${command} --help`);
  }
}

/** A string flag's value, or undefined. */
export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}
