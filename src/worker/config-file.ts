/**
 * files/config.yaml (spec 1.4): `key: {value, desc, sort}`, in the form PyYAML's safe_dump
 * gives it (keys sorted, block style, sequences not indented), rewritten whole on each change.
 */
import fs from 'node:fs';
import { stringify } from 'yaml';

/** Render a config snapshot (insertion-ordered, JSON-safe) as SwanLab's config.yaml text. */
export function renderConfigYaml(config: Record<string, unknown>): string {
  const doc: Record<string, { value: unknown; desc: string; sort: number }> = {};
  let sort = 0;
  for (const key of Object.keys(config)) doc[key] = { value: config[key], desc: '', sort: sort++ };
  if (sort === 0) return '{}\n';
  return stringify(doc, { sortMapEntries: true, singleQuote: true, indentSeq: false, lineWidth: 0 });
}

/** Replace `file` atomically (write a sibling, rename), so a reader never sees half a file. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
