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
  /** The Sector the report covers ("ITU-R — Radiocommunication Sector", "Union-wide", "All Sectors"). */
  sector?: string
  /** The body the report goes to, under the name it has on the report's date. */
  addressedTo?: string
}

export const REPORT_KINDS = ['meeting', 'follow-up', 'wtsa', 'workshop', 'communique', 'panel'] as const
export type ReportKind = (typeof REPORT_KINDS)[number]
/** Kinds about one meeting; `panel` is about one advisory panel; the others cover a period. */
export const MEETING_KINDS: readonly ReportKind[] = ['meeting', 'workshop', 'communique']
/** Kinds about a period of the whole organization, which can be limited to one Sector. */
export const PERIOD_KINDS: readonly ReportKind[] = ['follow-up', 'wtsa']

/** `addressedTo`: the id of the body (of the structure) the report is addressed to. */
export type MeetingParams = { meetingId: string; addressedTo?: string }
/** `sector`: a Sector's code, or `union` for Union-wide records only; absent: every Sector. */
export type PeriodParams = { from: string; to: string; sector?: string; addressedTo?: string }
export type PanelParams = { panelId: string; from: string; to: string; addressedTo?: string }
export type ReportParams = MeetingParams | PeriodParams | PanelParams

export type Report = {
  kind: ReportKind
  params: ReportParams
  lang: string
  asOf: string
  header: ReportHeader
  labels: {
    documentNumber: string
    source: string
    title: string
    contact: string
    date: string
    sector?: string
    addressedTo?: string
  }
  blocks: Block[]
}

/** The tables of a report, for CSV and JSON downloads. */
export function reportTables(report: Report) {
  return report.blocks.filter((b): b is Extract<Block, { kind: 'table' }> => b.kind === 'table')
}
