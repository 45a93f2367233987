import { parseAttendeeCsv } from './attendee-csv.js';
import { checkCandidates, type AttendeeList, type Candidate } from './attendee-rows.js';

const angleForm = /^(.*?)\s*<([^<>]*)>\s*(?:[,;\t]\s*(.*))?$/;

function unquote(name: string): string {
  const trimmed = name.trim();
  return /^".*"$/.test(trimmed) ? trimmed.slice(1, -1).replace(/""/g, '"') : trimmed;
}

/**
 * Reads a pasted list, one attendee per line: `Name <email>` (as mail programs write addresses,
 * optionally followed by `, group`), or `name, email[, group]` (commas, semicolons or tabs, as
 * copied from a spreadsheet; a header line is allowed). Blank lines are skipped.
 */
export function parseAttendeePaste(text: string): AttendeeList {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const candidates: Candidate[] = [];
  const otherLines: string[] = [];
  lines.forEach((raw, index) => {
    const match = angleForm.exec(raw.trim());
    if (!match) {
      otherLines.push(raw);
      return;
    }
    otherLines.push('');
    const group = match[3]?.trim();
    candidates.push({ line: index + 1, text: raw.trim(), name: unquote(match[1]!), email: match[2]!, ...(group ? { group } : {}) });
  });
  // The other lines keep their place (the angle-form ones left blank), so line numbers stay true.
  const delimited = parseAttendeeCsv(otherLines.join('\n'));
  const rest: Candidate[] = [
    ...delimited.rows.map((row) => ({ ...row, text: lines[row.line - 1]!.trim() })),
    ...delimited.errors.map((error) => ({ line: error.line, text: error.text, error: error.reason })),
  ];
  return checkCandidates([...candidates, ...rest].sort((a, b) => a.line - b.line));
}
