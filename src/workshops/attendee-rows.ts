import { isValidEmail, normaliseEmail } from './attendee.js';

export interface AttendeeRow {
  /** Line of the input (item number for JSON) the row came from. */
  line: number;
  name: string;
  email: string;
  group?: string;
}

export interface RowError {
  line: number;
  text: string;
  reason: string;
}

export interface AttendeeList {
  rows: AttendeeRow[];
  errors: RowError[];
}

/** One entry of the input before checking: its cells, or why it could not even be split. */
export type Candidate =
  | { line: number; text: string; name: string; email: string; group?: string }
  | { line: number; text: string; error: string };

const maxNameLength = 200;
const maxGroupLength = 100;
const controlCharacters = /[\u0000-\u001f\u007f]/;

function problemWith(name: string, email: string, group: string): string | undefined {
  if (!name && !email) return 'no name and no email';
  if (!name) return 'no name';
  if (!email) return 'no email';
  if (name.length > maxNameLength) return `the name is longer than ${maxNameLength} characters`;
  if (controlCharacters.test(name) || controlCharacters.test(group)) return 'the name or group holds control characters';
  if (!isValidEmail(email)) return `"${email}" is not an email address`;
  if (group.length > maxGroupLength) return `the group is longer than ${maxGroupLength} characters`;
  return undefined;
}

/** Checks each candidate and drops repeated emails: the second one is an error naming the first's line. */
export function checkCandidates(candidates: Candidate[]): AttendeeList {
  const rows: AttendeeRow[] = [];
  const errors: RowError[] = [];
  const firstLineOf = new Map<string, number>();
  for (const candidate of candidates) {
    if ('error' in candidate) {
      errors.push({ line: candidate.line, text: candidate.text, reason: candidate.error });
      continue;
    }
    // A line break inside a quoted cell is layout, not part of a name.
    const name = candidate.name.replace(/\s+/g, ' ').trim();
    const email = normaliseEmail(candidate.email);
    const group = candidate.group?.replace(/\s+/g, ' ').trim() ?? '';
    const problem = problemWith(name, email, group);
    const firstLine = firstLineOf.get(email);
    if (problem) errors.push({ line: candidate.line, text: candidate.text, reason: problem });
    else if (firstLine !== undefined) errors.push({ line: candidate.line, text: candidate.text, reason: `duplicate of line ${firstLine}` });
    else {
      firstLineOf.set(email, candidate.line);
      rows.push({ line: candidate.line, name, email, ...(group ? { group } : {}) });
    }
  }
  return { rows, errors };
}
