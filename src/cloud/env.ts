/**
 * Reading SWANLAB_* environment variables the way SwanLab does (spec 6.2): empty means unset,
 * and one pair of surrounding quotes is stripped.
 */

/** The first of `names` that is set and non-empty, unquoted; undefined when none is. */
export function envValue(...names: string[]): string | undefined {
  for (const n of names) {
    let v = process.env[n];
    if (v === undefined || v === '') continue;
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) v = v.slice(1, -1);
    return v;
  }
  return undefined;
}
