// The package as users get it: `npm pack`, install the tarball, then `import` and `require`
// both work, share one current run, and the worker is found inside the installed package.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { isSystemKey, records, tempDir } from './helpers.js';

const root = path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

test('the packed tarball installs; import and require share one current run; types and bin are there', { timeout: 120_000 }, () => {
  const work = tempDir('swanlab-pack-');
  const out = execFileSync(npm, ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [info] = JSON.parse(out) as [{ filename: string; files: { path: string }[] }];
  const files = info.files.map((f) => f.path);
  for (const f of ['dist/esm/index.mjs', 'dist/esm/index.d.mts', 'dist/cjs/main/index.js', 'dist/cjs/main/index.d.ts', 'dist/cjs/worker/index.js', 'dist/cjs/cli/index.js', 'package.json']) {
    assert.ok(files.includes(f), `${f} is in the tarball`);
  }
  assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('test/')), 'no sources or tests in the tarball');

  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  execFileSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', path.join(work, info.filename)], { cwd: app, stdio: 'ignore' });
  fs.writeFileSync(
    path.join(app, 'both.mjs'),
    `import { createRequire } from 'node:module';
import * as esm from 'swanlab-node';
import esmDefault from 'swanlab-node';
const cjs = createRequire(import.meta.url)('swanlab-node');
const run = esm.init({ logdir: process.argv[2] });
if (cjs.getRun() !== run) throw new Error('require() sees another current run');
if (esmDefault.getRun() !== run) throw new Error('the default export sees another current run');
cjs.log({ viaRequire: 1 });
esm.log({ viaImport: 2 });
await cjs.finish();
if (esm.getRun() !== undefined) throw new Error('finish through require did not end the run for import');
console.log(run.dir);
`,
  );
  const logdir = path.join(work, 'swanlog');
  const dir = execFileSync(process.execPath, ['both.mjs', logdir], { cwd: app, encoding: 'utf8' }).trim();
  const keys = records(dir)
    .filter((r) => r.recordType.case === 'scalar')
    .map((r) => (r.recordType.value as { key: string }).key)
    .filter((k) => !isSystemKey(k));
  assert.deepEqual(keys, ['viaRequire', 'viaImport']);
  const version = execFileSync(path.join(app, 'node_modules', '.bin', 'swanlab-node'), ['--version'], { encoding: 'utf8' }).trim();
  assert.equal(version, JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
});
