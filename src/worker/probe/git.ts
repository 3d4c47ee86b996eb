/**
 * The `git` part of files/swanlab-metadata.json (spec 4.1): the working directory's remote URL
 * (normalised to `https://host/owner/repo`, credentials dropped), branch and commit. Three
 * `git` commands with a timeout each; no git, or no repository, leaves nulls.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { onPath, runCommand, soft } from './soft.js';

/** The `git` object. */
export interface GitInfo {
  remote_url: string | null;
  branch: string | null;
  commit: string | null;
}

/**
 * `https://host/owner/repo` for the usual remote forms: scp-like `git@host:owner/repo.git`,
 * `ssh://git@host:22/owner/repo.git`, `https://user:token@host/owner/repo.git`. A user name or
 * token in the URL is dropped; anything that is not a URL (a local path) is returned as given.
 */
export function normalizeRemoteUrl(remote: string): string {
  const url = remote.trim();
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(url);
  if (scp && !url.includes('://') && !/^[A-Za-z]:[\\/]/.test(url)) return `https://${scp[1]}/${trimRepoPath(scp[2]!)}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!/^(?:https?|ssh|git|git\+ssh|ssh\+git):$/.test(parsed.protocol)) return url;
  // An https port is kept; an ssh or git port says nothing about where the web page is.
  const host = parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.host : parsed.hostname;
  return `https://${host}/${trimRepoPath(parsed.pathname)}`;
}

function trimRepoPath(p: string): string {
  return p.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '');
}

/** Collect the git part for `cwd`; without git, or outside a repository, nulls and no process started. */
export async function collectGit(cwd: string, timeoutMs: number): Promise<GitInfo> {
  if (!(await onPath('git')) || !(await inRepository(cwd))) return { remote_url: null, branch: null, commit: null };
  const git = (what: string, ...args: string[]) =>
    soft(`git ${what}`, timeoutMs, async () => (await runCommand('git', args, timeoutMs, cwd)).trim() || null);
  const [remote, branch, commit] = await Promise.all([
    git('remote', 'config', '--get', 'remote.origin.url'),
    git('branch', 'branch', '--show-current'),
    git('commit', 'rev-parse', 'HEAD'),
  ]);
  return { remote_url: remote === null ? null : normalizeRemoteUrl(remote), branch, commit };
}

/** A `.git` (folder, or file of a worktree) at or above `dir`. */
async function inRepository(dir: string): Promise<boolean> {
  for (let d = path.resolve(dir); ; ) {
    if (await fs.stat(path.join(d, '.git')).then(() => true, () => false)) return true;
    const up = path.dirname(d);
    if (up === d) return false;
    d = up;
  }
}
