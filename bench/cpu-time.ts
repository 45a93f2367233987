import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on Linux). */
const ticksPerSecond = 100;

/**
 * CPU time (user + system, ms) a process has used so far, read from outside it. The proxy
 * benchmark divides it by the requests a load sent: CPU per request is much less disturbed by
 * other work on a shared machine than requests per second are.
 */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces; the fields after it start with the state (field 3).
  const after = fields.slice(fields.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(after[11]);
  const systemTicks = Number(after[12]);
  return ((userTicks + systemTicks) * 1000) / ticksPerSecond;
}
