import { readFileSync } from 'node:fs';

/**
 * The process's soft limit on open files. Node has no getrlimit, so it is read from
 * /proc/self/limits; `fallback` where that cannot be read (not Linux) or says "unlimited".
 */
export function openFilesLimit(limitsFile = '/proc/self/limits', fallback = 1024): number {
  try {
    const line = readFileSync(limitsFile, 'utf8').split('\n').find((row) => row.startsWith('Max open files'));
    const soft = Number(/^Max open files\s+(\d+)/.exec(line ?? '')?.[1]);
    return Number.isSafeInteger(soft) && soft > 0 ? soft : fallback;
  } catch {
    return fallback;
  }
}
