/**
 * A report is plain data: a document header and a list of blocks. Every renderer (HTML, DOCX, CSV/JSON)
 * works from this one model, so the formats cannot disagree. Builders never throw for missing data: a
 * block says what is missing instead (an empty table carries its `empty` sentence).
 */
export type Cell = string | number | null

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'notice'; text: string }
  | { kind: 'facts'; rows: [string, string][] }
  | { kind: 'list'; items: string[]; empty?: string }
  | { kind: 'table'; id: string; title: string; columns: string[]; rows: Cell[][]; empty: string }
  | { kind: 'chart'; title: string; svg: string | null; empty: string }
  /** Findings drafted from the data; the secretariat edits them before the report is issued. */
  | { kind: 'findings'; paragraphs: string[] }

export type ReportHeader = {
  documentNumber: string
  source: string
  title: string
  contact: string
  date: string
}

export const REPORT_KINDS = ['meeting', 'follow-up', 'wtsa', 'workshop', 'communique'] as const
export type ReportKind = (typeof REPORT_KINDS)[number]
/** Kinds about one meeting; the others cover a period. */
export const MEETING_KINDS: readonly ReportKind[] = ['meeting', 'workshop', 'communique']

export type ReportParams = { meetingId: string } | { from: string; to: string }

export type Report = {
  kind: ReportKind
  params: ReportParams
  lang: string
  asOf: string
  header: ReportHeader
  labels: { documentNumber: string; source: string; title: string; contact: string; date: string }
  blocks: Block[]
}

/** The tables of a report, for CSV and JSON downloads. */
export function reportTables(report: Report) {
  return report.blocks.filter((b): b is Extract<Block, { kind: 'table' }> => b.kind === 'table')
}
