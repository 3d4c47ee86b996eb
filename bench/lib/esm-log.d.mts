/** The swanlab.log row's batch loop, built over the scenario's record picker. */
export function makeSwanlabLog(pick: (i: number, x: number) => Record<string, number>): (n: number, x: number) => void;
