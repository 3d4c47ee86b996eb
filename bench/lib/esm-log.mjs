// The swanlab.log row's batch loop, in a real ES module with a static namespace import: how a
// user's program calls `swanlab.log`. (The scenarios run as CommonJS under tsx, where a
// namespace from `await import()` is a plain object whose property load costs ~10 ns more.)
import * as swanlab from 'swanlab-node';

/** The same loop as every other row's, over the same `pick`, calling `swanlab.log`. */
export function makeSwanlabLog(pick) {
  return function swanlabLog(n, x) {
    for (let i = 0; i < n; i++) swanlab.log(pick(i, x));
  };
}
