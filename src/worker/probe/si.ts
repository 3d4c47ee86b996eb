/**
 * systeminformation, loaded on first use: its modules take ~25 ms to load (measured here, Node
 * 20), which the worker spends after its first drain rather than before it.
 */
import type * as Systeminformation from 'systeminformation';

let loaded: typeof Systeminformation | undefined;

/** The systeminformation module. */
export function systeminformation(): typeof Systeminformation {
  return (loaded ??= require('systeminformation') as typeof Systeminformation);
}
