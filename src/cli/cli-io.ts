import { readFileSync, writeFileSync } from 'node:fs';

/** How commands talk to the terminal; tests pass their own. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** A file's text, or standard input for "-". */
  read(path: string): string;
  /** Writes a file (readable by its owner only: it may hold personal links), or standard output for "-". */
  write(path: string, text: string): void;
}

export const processIo: CliIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  read: (path) => readFileSync(path === '-' ? 0 : path, 'utf8'),
  write: (path, text) => {
    if (path === '-') process.stdout.write(text);
    else writeFileSync(path, text, { mode: 0o600 });
  },
};
