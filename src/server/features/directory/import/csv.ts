import { parse } from 'csv-parse/sync'
import { stringify } from 'csv-stringify/sync'

export const MAX_IMPORT_ROWS = 20_000
export const MAX_IMPORT_BYTES = 10 * 1024 * 1024

export type CsvTable = { header: string[]; rows: Record<string, string>[] }

/** Parses a CSV with a header row. Throws a message suitable for the user when the file is not CSV. */
export function parseCsv(text: string): CsvTable {
  const records = parse(text, {
    bom: true,
    skip_empty_lines: true,
    relax_column_count: false,
    trim: true,
  }) as string[][]
  const [header, ...body] = records
  if (!header) return { header: [], rows: [] }
  const names = header.map((h) => h.trim().toLowerCase())
  return {
    header: names,
    rows: body.map((cells) => Object.fromEntries(names.map((n, i) => [n, cells[i] ?? '']))),
  }
}

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start) is prefixed with an
 * apostrophe so that opening an export never executes what someone typed into a name.
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}

export function toCsv(columns: string[], rows: Record<string, unknown>[]): string {
  const cell = (v: unknown): string => {
    if (v === null || v === undefined) return ''
    if (typeof v === 'boolean') return v ? 'true' : 'false'
    return neutralizeFormula(String(v))
  }
  // Headers too: some carry what someone typed (a question's text).
  return stringify([columns.map(cell), ...rows.map((r) => columns.map((c) => cell(r[c])))], {
    record_delimiter: '\r\n',
  })
}
