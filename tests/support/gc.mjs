// A full garbage collection on demand, without starting Node with --expose-gc:
// the flag is set at run time and `gc` taken from a fresh context.
import v8 from 'node:v8';
import vm from 'node:vm';

v8.setFlagsFromString('--expose-gc');

/** Runs a full, synchronous garbage collection. */
export const gc = vm.runInNewContext('gc');
