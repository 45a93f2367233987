import { pino } from 'pino';
import type { Logger } from './logger.js';

/** A logger that writes nothing, for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
