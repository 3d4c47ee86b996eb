/**
 * files/requirements.txt (decisions table): `name==version` for every package installed for
 * the user's project, i.e. the nearest package.json from the working directory upward and the
 * node_modules beside it, direct and transitive, linked ones and pnpm's `.pnpm` store
 * included. Read from the package.json files (no npm process: `npm ls` takes seconds and may
 * touch the network). Sorted as `pip freeze` sorts, case-insensitively.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

/** A walk that finds more packages than this stops (a runaway symlink maze). */
const MAX_PACKAGES = 50_000;

/** The folder of the nearest package.json at or above `cwd`, or null. */
export async function findProjectRoot(cwd: string): Promise<string | null> {
  for (let dir = path.resolve(cwd); ; ) {
    if (await isFile(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** The project's installed packages as sorted `name==version` lines; null when there is no project. */
export async function collectRequirements(cwd: string): Promise<string[] | null> {
  const root = await findProjectRoot(cwd);
  if (root === null) return null;
  const found = new Set<string>();
  const seen = new Set<string>();
  await walkNodeModules(path.join(root, 'node_modules'), found, seen);
  // By name, case-insensitively, then by version ("buf" before "buf-linux-x64").
  const key = (line: string): [string, string, string] => {
    const at = line.indexOf('==');
    const name = line.slice(0, at);
    return [name.toLowerCase(), name, line.slice(at + 2)];
  };
  return [...found].map(key).sort(compareKeys).map(([, name, version]) => `${name}==${version}`);
}

function compareKeys(a: [string, string, string], b: [string, string, string]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

async function walkNodeModules(dir: string, found: Set<string>, seen: Set<string>): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  await Promise.all(
    entries.map(async (e) => {
      const name = e.name;
      if (name === '.pnpm') {
        // pnpm: node_modules/.pnpm/<name>@<version>/node_modules/<name> and its dependencies beside it.
        const stores = await fs.readdir(path.join(dir, name)).catch(() => []);
        await Promise.all(stores.map((s) => walkNodeModules(path.join(dir, name, s, 'node_modules'), found, seen)));
      } else if (name.startsWith('.')) {
        // .bin, .cache, npm's .package-lock.json: not packages
      } else if (name.startsWith('@')) {
        const scoped = await fs.readdir(path.join(dir, name)).catch(() => []);
        await Promise.all(scoped.map((s) => visitPackage(path.join(dir, name, s), found, seen)));
      } else {
        await visitPackage(path.join(dir, name), found, seen);
      }
    }),
  );
}

async function visitPackage(dir: string, found: Set<string>, seen: Set<string>): Promise<void> {
  // Linked packages (npm link, workspaces, pnpm) are followed; each real folder is read once.
  const real = await fs.realpath(dir).catch(() => null);
  if (real === null || seen.has(real) || seen.size >= MAX_PACKAGES) return;
  seen.add(real);
  let pkg: { name?: unknown; version?: unknown };
  try {
    pkg = JSON.parse(await fs.readFile(path.join(real, 'package.json'), 'utf8')) as typeof pkg;
  } catch {
    return;
  }
  if (typeof pkg.version === 'string' && pkg.version !== '') {
    const name = typeof pkg.name === 'string' && pkg.name !== '' ? pkg.name : path.basename(dir);
    found.add(`${name}==${pkg.version}`);
  }
  await walkNodeModules(path.join(real, 'node_modules'), found, seen);
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}
