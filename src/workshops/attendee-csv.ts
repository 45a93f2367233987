import { parse } from 'csv-parse/sync';
import { isValidEmail } from './attendee.js';
import { checkCandidates, type AttendeeList, type Candidate } from './attendee-rows.js';

type Column = 'name' | 'email' | 'group';

const headerNames: Record<string, Column> = {
  name: 'name', 'full name': 'name', fullname: 'name',
  email: 'email', 'e-mail': 'email', 'email address': 'email', mail: 'email',
  group: 'group', team: 'group',
};

/** Spreadsheets save with commas, semicolons (where the comma is the decimal mark) or tabs. */
function guessDelimiter(text: string): string {
  const firstLine = text.split('\n').find((line) => line.trim() !== '') ?? '';
  const best = [',', ';', '\t']
    .map((delimiter) => ({ delimiter, count: firstLine.split(delimiter).length - 1 }))
    .sort((a, b) => b.count - a.count)[0]!;
  return best.count > 0 ? best.delimiter : ',';
}

/** Column positions when the first record is a header (it names an email column and holds no address), else null. */
function headerColumns(cells: string[]): Map<Column, number> | null {
  const names = cells.map((cell) => headerNames[cell.trim().toLowerCase()]);
  if (!names.includes('email') || cells.some((cell) => isValidEmail(cell.trim()))) return null;
  const columns = new Map<Column, number>();
  names.forEach((name, index) => { if (name && !columns.has(name)) columns.set(name, index); });
  return columns;
}

interface RawRecord {
  cells: string[];
  line: number;
  text: string;
}

/** The first line of a record and its text: csv-parse reports the last line, and blank lines before it in `raw`. */
function located(raw: string, lastLine: number): { line: number; text: string } {
  const text = raw.replace(/^(?:[ \t]*\n)+/, '').replace(/\n$/, '');
  return { line: lastLine - (text.match(/\n/g)?.length ?? 0), text };
}

function readRecords(text: string, onBroken: (candidate: Candidate) => void): RawRecord[] {
  const records = parse(text, {
    bom: true, delimiter: guessDelimiter(text), relax_column_count: true, relax_quotes: true, trim: true,
    skip_empty_lines: true, info: true, raw: true, skip_records_with_error: true,
    on_skip: (error, raw) => {
      const where = located(raw ?? '', (error as { lines?: number } | undefined)?.lines ?? 0);
      onBroken({ ...where, error: /quote/i.test(error?.message ?? '') ? 'a quote is opened and never closed' : 'this line cannot be read as CSV' });
    },
  }) as unknown as Array<{ record: string[]; info: { lines: number }; raw: string }>;
  return records
    .filter((entry) => entry.record.some((cell) => cell !== ''))
    .map((entry) => ({ cells: entry.record, ...located(entry.raw, entry.info.lines) }));
}

function positional(record: RawRecord): Candidate {
  const [name = '', email = '', group] = record.cells;
  if (record.cells.length < 2) {
    return { line: record.line, text: record.text, error: isValidEmail(name) ? 'no name: write "name, email"' : 'expected a name and an email' };
  }
  if (record.cells.length > 3) return { line: record.line, text: record.text, error: `expected name, email and an optional group, found ${record.cells.length} columns` };
  if (isValidEmail(name.trim()) && !isValidEmail(email.trim())) {
    return { line: record.line, text: record.text, error: 'the email seems to come before the name: add a header row (name,email,group) or swap the columns' };
  }
  return { line: record.line, text: record.text, name, email, ...(group !== undefined ? { group } : {}) };
}

/**
 * Reads an attendee list in CSV: an optional header row naming the columns (name, email, group,
 * in any order; other columns are ignored), else the columns name,email[,group]. Tolerates a BOM,
 * quotes, blank lines and CRLF. Rows that cannot be used are listed in `errors` with the reason.
 */
export function parseAttendeeCsv(text: string): AttendeeList {
  const candidates: Candidate[] = [];
  const records = readRecords(text.replace(/\r\n?/g, '\n'), (broken) => candidates.push(broken));
  const header = records[0] ? headerColumns(records[0].cells) : null;
  if (header && !header.has('name')) {
    return { rows: [], errors: [{ line: records[0]!.line, text: records[0]!.text, reason: 'the header row has an email column but no name column' }] };
  }
  for (const record of header ? records.slice(1) : records) {
    if (!header) {
      candidates.push(positional(record));
      continue;
    }
    const cell = (column: Column) => { const index = header.get(column); return index === undefined ? undefined : record.cells[index]; };
    const group = cell('group');
    candidates.push({ line: record.line, text: record.text, name: cell('name') ?? '', email: cell('email') ?? '', ...(group !== undefined ? { group } : {}) });
  }
  return checkCandidates(candidates.sort((a, b) => a.line - b.line));
}
