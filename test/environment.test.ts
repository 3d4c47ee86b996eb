// The environment snapshot (spec 4.1, decisions table): files/swanlab-metadata.json and
// files/requirements.txt with their SaveRecords, secrets masked in the command line, the
// probes and their switches, the pieces (masking, remote URLs, the node_modules walk) alone,
// and the run's start, finish and duration (spec 4.3).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as swanlab from 'swanlab-node';
import { msFromTimestamp } from '../src/format/index.js';
import { normalizeRemoteUrl } from '../src/worker/probe/git.js';
import { collectRequirements, findProjectRoot } from '../src/worker/probe/requirements.js';
import { maskCommand } from '../src/worker/probe/runtime.js';
import { captureStderr, records, tempDir } from './helpers.js';

const root = path.resolve(__dirname, '..');
const versionOf = (pkg: string) => (JSON.parse(fs.readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

/** The SaveRecords of a run as `num name type sourcePath`. */
function saves(dir: string): string[] {
  return records(dir)
    .filter((r) => r.recordType.case === 'save')
    .map((r) => {
      const s = r.recordType.value as { name: string; type: number; sourcePath: string };
      return `${r.num} ${s.name} ${s.type} ${s.sourcePath}`;
    });
}

const isNullOr = (v: unknown, type: string) => v === null || typeof v === type;

test('metadata: _version 2 and the four parts, each field present and typed; requirements list the installed packages; SaveRecords -4 and -5', async () => {
  const run = swanlab.init({ logdir: tempDir(), mode: 'offline', probe: { monitor: false } });
  await swanlab.finish();
  const files = path.join(run.dir, 'files');
  const meta = JSON.parse(fs.readFileSync(path.join(files, 'swanlab-metadata.json'), 'utf8'));
  assert.deepEqual(Object.keys(meta), ['_version', 'hardware', 'runtime', 'git', 'swanlab']);
  assert.equal(meta._version, 2);

  const hw = meta.hardware;
  assert.deepEqual(Object.keys(hw), ['apple_silicon', 'cpu', 'memory', 'accelerators']);
  if (process.platform === 'darwin' && process.arch === 'arm64') {
    assert.equal(typeof hw.apple_silicon.cpu_count, 'number');
  } else {
    assert.equal(hw.apple_silicon, null);
    assert.ok(isNullOr(hw.cpu.brand, 'string'));
    assert.ok(hw.cpu.physical_count === null || (Number.isInteger(hw.cpu.physical_count) && hw.cpu.physical_count >= 1));
    assert.ok(Number.isInteger(hw.cpu.logical_count) && hw.cpu.logical_count >= 1);
    assert.ok(Number.isInteger(hw.memory.total) && hw.memory.total > 0);
    assert.ok(['GB', 'MB'].includes(hw.memory.total_unit));
  }
  assert.ok(Array.isArray(hw.accelerators));
  for (const a of hw.accelerators) {
    assert.equal(typeof a.vendor, 'string');
    assert.deepEqual(Object.keys(a), ['vendor', 'devices', 'version', 'cuda_version', 'cann_version']);
    for (const d of a.devices) assert.ok(Number.isInteger(d.index) && typeof d.name === 'string');
  }

  const rt = meta.runtime;
  assert.deepEqual(Object.keys(rt), ['os', 'os_pretty', 'hostname', 'pid', 'cwd', 'node_version', 'node_verbose', 'node_executable', 'command']);
  assert.match(rt.os, /^\w+-/);
  assert.ok(isNullOr(rt.os_pretty, 'string'));
  assert.equal(rt.hostname, (await import('node:os')).hostname());
  assert.equal(rt.pid, process.pid);
  assert.equal(rt.cwd, process.cwd());
  assert.equal(rt.node_version, process.versions.node);
  assert.ok(rt.node_verbose.startsWith(process.version));
  assert.equal(rt.node_executable, process.execPath);
  assert.ok(rt.command.includes(path.basename(__filename)), rt.command);

  const git = (...args: string[]) => execFileSync('git', args, { cwd: process.cwd(), encoding: 'utf8' }).trim();
  assert.equal(meta.git.commit, git('rev-parse', 'HEAD'));
  assert.equal(meta.git.branch, git('branch', '--show-current') || null);
  assert.ok(isNullOr(meta.git.remote_url, 'string'));
  assert.deepEqual(meta.swanlab, { version: swanlab.VERSION, run_dir: run.dir });

  const req = fs.readFileSync(path.join(files, 'requirements.txt'), 'utf8');
  const lines = req.trimEnd().split('\n');
  assert.ok(lines.includes(`systeminformation==${versionOf('systeminformation')}`), 'a direct dependency');
  assert.ok(lines.includes(`pure-rand==${versionOf('pure-rand')}`), 'a transitive one (of fast-check)');
  assert.ok(lines.includes(`@bufbuild/protobuf==${versionOf('@bufbuild/protobuf')}`), 'a scoped one');
  assert.ok(lines.every((l) => /^[^=\s]+==\S+$/.test(l)), 'name==version lines');
  const names = lines.map((l) => l.slice(0, l.indexOf('==')).toLowerCase());
  assert.deepEqual(names, [...names].sort(), 'sorted by name, case-insensitively');
  assert.equal(new Set(lines).size, lines.length, 'no line twice');

  const all = saves(run.dir);
  assert.ok(all.includes(`-4 metadata 2 ${path.join(files, 'swanlab-metadata.json')}`), all.join('\n'));
  assert.ok(all.includes(`-5 requirements 3 ${path.join(files, 'requirements.txt')}`), all.join('\n'));
});

test('the command line keeps its shape with secret values masked as ****; SWANLAB_PROBE_* switch parts off', () => {
  const logdir = tempDir();
  const secrets = ['abc123', 'tok456', 'hunter2', 'sk-789', 'ghp-000'];
  const args = ['--api-key', secrets[0]!, '--token=' + secrets[1], '--password', secrets[2]!, `OPENAI_API_KEY=${secrets[3]}`, '--lr', '0.1', `--hf-token=${secrets[4]}`];
  const dir = execFileSync(process.execPath, [path.join(__dirname, 'fixtures', 'environment.mjs'), logdir, ...args], {
    encoding: 'utf8',
    env: { ...process.env, SWANLAB_PROBE_GIT: 'false', SWANLAB_PROBE_REQUIREMENTS: '0' },
  }).trim();
  const text = fs.readFileSync(path.join(dir, 'files', 'swanlab-metadata.json'), 'utf8');
  const meta = JSON.parse(text);
  assert.ok(
    meta.runtime.command.endsWith(`environment.mjs ${logdir} --api-key **** --token=**** --password **** OPENAI_API_KEY=**** --lr 0.1 --hf-token=****`),
    meta.runtime.command,
  );
  for (const s of secrets) assert.ok(!text.includes(s), `${s} is nowhere in the metadata`);
  assert.equal(meta.git, null, 'SWANLAB_PROBE_GIT=false');
  assert.ok(meta.hardware && meta.runtime && meta.swanlab);
  assert.ok(!fs.existsSync(path.join(dir, 'files', 'requirements.txt')), 'SWANLAB_PROBE_REQUIREMENTS=0');
  assert.deepEqual(saves(dir).map((s) => s.split(' ').slice(0, 2).join(' ')).sort(), ['-3 config', '-4 metadata']);
});

test('init() options switch parts off; with every part off there is no metadata file', async () => {
  const a = swanlab.init({ logdir: tempDir(), mode: 'offline', probe: { hardware: false, runtime: false, monitor: false } });
  await swanlab.finish();
  const meta = JSON.parse(fs.readFileSync(path.join(a.dir, 'files', 'swanlab-metadata.json'), 'utf8'));
  assert.equal(meta.hardware, null);
  assert.equal(meta.runtime, null);
  assert.ok(meta.git !== null && meta.swanlab !== null);

  const b = swanlab.init({ logdir: tempDir(), mode: 'offline', probe: { hardware: false, runtime: false, git: false, swanlab: false, requirements: false, monitor: false } });
  await swanlab.finish();
  assert.deepEqual(fs.readdirSync(path.join(b.dir, 'files')), ['config.yaml']);
  assert.ok(!records(b.dir).some((r) => r.recordType.case === 'column'), 'no monitor');
});

test('bad environment options name the option and the rule', () => {
  const logdir = tempDir();
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ probe: { hardware: 'no' } }, /option probe\.hardware must be a boolean/],
    [{ probe: { gpu: true } }, /option probe\.gpu is not a probe option/],
    [{ probe: { monitorIntervalMs: 500 } }, /option probe\.monitorIntervalMs must be an integer from 1000/],
    [{ probe: [] }, /option probe must be an object/],
    [{ console: 'both' }, /option console must be one of "all", "stdout", "stderr", "none"/],
    [{ consoleMaxLength: 499 }, /option consoleMaxLength must be an integer from 500 to 4096/],
  ];
  for (const [opts, re] of cases) {
    assert.throws(() => swanlab.init({ logdir, mode: 'offline', ...opts } as never), (e: Error & { code?: string }) => e.code === 'SWANLAB_INVALID_OPTION' && re.test(e.message), JSON.stringify(opts));
  }
  for (const [name, value, re] of [
    ['SWANLAB_PROBE_MONITOR', 'maybe', /probe\.monitor \(from SWANLAB_PROBE_MONITOR\) must be true or false/],
    ['SWANLAB_PROBE_MONITOR_INTERVAL', '0.5', /from SWANLAB_PROBE_MONITOR_INTERVAL, in seconds/],
    ['SWANLAB_TERMINAL_PROXY_TYPE', 'both', /console \(from SWANLAB_TERMINAL_PROXY_TYPE\) must be one of/],
    ['SWANLAB_TERMINAL_MAX_LENGTH', '9999', /consoleMaxLength \(from SWANLAB_TERMINAL_MAX_LENGTH\)/],
  ] as const) {
    process.env[name] = value;
    try {
      assert.throws(() => swanlab.init({ logdir, mode: 'offline' }), (e: Error) => re.test(e.message), name);
    } finally {
      delete process.env[name];
    }
  }
  assert.deepEqual(fs.readdirSync(logdir), []);
});

test('run time: started_at at init, finished_at at finish; finish() prints the duration and the run folder', async () => {
  let run: swanlab.Run | undefined;
  const before = Date.now();
  const { lines } = await captureStderr(async () => {
    run = swanlab.init({ logdir: tempDir(), mode: 'offline', probe: { monitor: false } });
    await sleep(150);
    await swanlab.finish();
  });
  const after = Date.now();
  const recs = records(run!.dir);
  const start = recs[0]!.recordType.value as { startedAt: Parameters<typeof msFromTimestamp>[0] };
  const finish = recs.at(-1)!.recordType.value as { finishedAt: Parameters<typeof msFromTimestamp>[0] };
  const startedAt = msFromTimestamp(start.startedAt);
  const finishedAt = msFromTimestamp(finish.finishedAt);
  assert.ok(before <= startedAt && startedAt + 150 <= finishedAt && finishedAt <= after, `${before} <= ${startedAt} < ${finishedAt} <= ${after}`);
  const line = lines.find((l) => l.includes(' finished in '));
  assert.equal(line, `swanlab: run ${run!.name} finished in ${((finishedAt - startedAt) / 1000).toFixed(1)} s; its files are in ${run!.dir}`);
  const logged = recs.filter((r) => r.recordType.case === 'log').map((r) => (r.recordType.value as { line: string }).line);
  // (Under `node --test` the runner's own reports on stdout are console output too.)
  assert.equal(logged.filter((l) => l.startsWith('swanlab: ')).at(-1), line, 'the line is recorded as a console line too');
});

describe('the pieces', () => {
  test('maskCommand: --flag value, --flag=value and NAME_KEY=value; other arguments untouched', () => {
    assert.deepEqual(
      maskCommand(['node', 'train.js', '--api-key', 'k', '--token', '--verbose', '--password=p', 'WANDB_API_KEY=w', 'GH_TOKEN=g', '--key', 'loss', '--access-key', 'a', '--max-tokens', '5', 'lr=0.1']),
      ['node', 'train.js', '--api-key', '****', '--token', '--verbose', '--password=****', 'WANDB_API_KEY=****', 'GH_TOKEN=****', '--key', 'loss', '--access-key', '****', '--max-tokens', '5', 'lr=0.1'],
    );
  });

  test('normalizeRemoteUrl: scp, ssh and https forms to https://host/owner/repo, credentials dropped', () => {
    const cases: [string, string][] = [
      ['git@github.com:SwanHubX/SwanLab.git', 'https://github.com/SwanHubX/SwanLab'],
      ['github.com:owner/repo', 'https://github.com/owner/repo'],
      ['ssh://git@gitlab.example.com:2222/group/sub/repo.git', 'https://gitlab.example.com/group/sub/repo'],
      ['https://user:ghp_secret@github.com/owner/repo.git', 'https://github.com/owner/repo'],
      ['https://git.corp:8443/team/repo/', 'https://git.corp:8443/team/repo'],
      ['/srv/git/repo.git', '/srv/git/repo.git'],
      ['C:\\repos\\x.git', 'C:\\repos\\x.git'],
    ];
    for (const [remote, want] of cases) assert.equal(normalizeRemoteUrl(remote), want, remote);
  });

  test('collectRequirements: direct, scoped, nested, linked and pnpm-stored packages, once each, sorted; none without a project', async () => {
    const project = tempDir('swanlab-req-');
    const pkg = (dir: string, name: string, version?: string) => {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(version ? { name, version } : { name }));
    };
    fs.writeFileSync(path.join(project, 'package.json'), '{"name":"my-app","version":"1.0.0"}');
    const nm = path.join(project, 'node_modules');
    pkg(path.join(nm, 'zeta'), 'zeta', '1.0.0');
    pkg(path.join(nm, 'zeta', 'node_modules', 'Alpha'), 'Alpha', '2.0.0');
    pkg(path.join(nm, '@scope', 'thing'), '@scope/thing', '3.1.4');
    pkg(path.join(nm, 'noversion'), 'noversion');
    pkg(path.join(nm, '.pnpm', 'beta@5.0.0', 'node_modules', 'beta'), 'beta', '5.0.0');
    const outside = tempDir('swanlab-linked-');
    pkg(outside, 'linked', '4.0.0');
    fs.symlinkSync(outside, path.join(nm, 'linked'), 'dir');
    fs.symlinkSync(path.join(nm, '.pnpm', 'beta@5.0.0', 'node_modules', 'beta'), path.join(nm, 'beta'), 'dir');
    fs.mkdirSync(path.join(nm, '.bin'));
    const sub = path.join(project, 'src', 'deep');
    fs.mkdirSync(sub, { recursive: true });
    assert.equal(await findProjectRoot(sub), project);
    assert.deepEqual(await collectRequirements(sub), ['@scope/thing==3.1.4', 'Alpha==2.0.0', 'beta==5.0.0', 'linked==4.0.0', 'zeta==1.0.0']);
    assert.equal(await collectRequirements(path.parse(project).root), null);
  });
});
