import { parse } from 'csv-parse'
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'

/**
 * The attendance import, set-based (issue 9): a history of decades is hundreds of thousands of rows, and
 * row-by-row statements (a lookup, an insert and a savepoint per row) took hours for a million. Here the
 * file is streamed into a temporary table in batches, checked there with a few statements that name every
 * bad row, and written with one statement per table. The result is the same as row by row: the same
 * errors, the same organizations and people added, the same statuses, all-or-nothing.
 */

export const MAX_ATTENDANCE_ROWS = 2_000_000
/** Files up to this size get a line per row in the report; larger ones get their counts and their errors. */
export const ROW_DETAIL_LIMIT = 20_000
/** At most this many bad rows are listed (all are counted). */
export const MAX_LISTED_ERRORS = 1_000

const ATTENDED_AS = ['principal', 'alternate', 'substitute', 'other'] as const
const CATEGORIES = ['member_state', 'sector_member', 'associate', 'academia', 'other'] as const
const SENIORITIES = ['c_level', 'senior_executive', 'manager', 'expert'] as const
/** The order a row's errors are listed in (the row-by-row import's order). */
const ERROR_ORDER = [
  'meeting_ref: meeting_unknown',
  'organization: required',
  'organization_country: country_unknown',
  'category: choice_invalid',
  'sme: boolean_invalid',
  'role: choice_invalid',
  'seniority: choice_invalid',
  'row: duplicate_row',
]
const BATCH = 5_000
/** The columns the import reads. */
const COLUMNS = [
  'meeting_ref',
  'organization',
  'organization_country',
  'category',
  'sme',
  'role',
  'person',
  'seniority',
] as const

type Outcome = {
  row: number
  status: 'created' | 'updated' | 'unchanged' | 'error'
  key: string
  errors: string[]
}
export type BulkResult = {
  header: string[]
  rows: number
  counts: { created: number; updated: number; unchanged: number; error: number }
  /** One per row when the file has at most ROW_DETAIL_LIMIT rows; otherwise only bad rows (listed up to a cap). */
  details: Outcome[]
  fileErrors: string[]
}

/**
 * Streams the CSV into `import_attendance` (a temporary table dropped at commit) and checks it. Runs in the
 * caller's transaction; the caller commits (or rolls back for a dry run or any error) and audits.
 * `columnsOk` decides from the header whether to go on.
 */
export async function importAttendanceRows(
  trx: Db,
  text: string,
  columnsOk: (header: string[]) => boolean,
): Promise<BulkResult> {
  const result: BulkResult = {
    header: [],
    rows: 0,
    counts: { created: 0, updated: 0, unchanged: 0, error: 0 },
    details: [],
    fileErrors: [],
  }
  // Hash joins and aggregates over a million staged rows stay in memory (this transaction only).
  await sql`SET LOCAL work_mem = '64MB'`.execute(trx)
  await sql`CREATE TEMP TABLE import_attendance (
    row_no int NOT NULL, ref text NOT NULL, org_name text NOT NULL, country text NOT NULL,
    category text NOT NULL, sme boolean NOT NULL, role text NOT NULL, person text NOT NULL, seniority text NOT NULL,
    org_key text GENERATED ALWAYS AS (lower(org_name)) STORED,
    person_key text GENERATED ALWAYS AS (lower(person)) STORED
  ) ON COMMIT DROP`.execute(trx)

  // Errors found while reading (the cell's own format), by row.
  const errors = new Map<number, string[]>()
  const addError = (row: number, error: string) => {
    const list = errors.get(row)
    if (list) list.push(error)
    else errors.set(row, [error])
  }
  let batch: string[][] = []
  const flush = async () => {
    if (!batch.length) return
    const col = (i: number) => batch.map((b) => b[i]!)
    await sql`INSERT INTO import_attendance (row_no, ref, org_name, country, category, sme, role, person, seniority)
      SELECT * FROM unnest(${col(0)}::int[], ${col(1)}::text[], ${col(2)}::text[], ${col(3)}::text[],
        ${col(4)}::text[], ${col(5)}::boolean[], ${col(6)}::text[], ${col(7)}::text[], ${col(8)}::text[])`.execute(
      trx,
    )
    batch = []
  }

  let names: string[] | null = null
  // Each column's position, read once from the header (the last one when a name repeats); -1 when absent.
  type Column = (typeof COLUMNS)[number]
  let at: Record<Column, number> | null = null
  const parser = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true })
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (!names) {
        names = cells.map((h) => h.trim().toLowerCase())
        result.header = names
        if (!columnsOk(names)) return result
        const header = names
        at = Object.fromEntries(COLUMNS.map((c) => [c, header.lastIndexOf(c)])) as Record<Column, number>
        continue
      }
      const row = ++result.rows + 1 // the header is line 1
      if (result.rows > MAX_ATTENDANCE_ROWS) {
        result.fileErrors.push(`too_many_rows: ${MAX_ATTENDANCE_ROWS}`)
        return result
      }
      const cell = (name: Column) => {
        const i = at![name]
        return i < 0 ? '' : (cells[i] ?? '')
      }
      const orgName = cell('organization')
      const category = cell('category') || 'other'
      const sme = cell('sme').toLowerCase()
      const role = cell('role')
      const person = cell('person')
      const seniority = cell('seniority')
      if (!orgName) addError(row, 'organization: required')
      if (!(CATEGORIES as readonly string[]).includes(category)) addError(row, 'category: choice_invalid')
      if (sme && sme !== 'true' && sme !== 'false') addError(row, 'sme: boolean_invalid')
      if (!(ATTENDED_AS as readonly string[]).includes(role)) addError(row, 'role: choice_invalid')
      if (person && !(SENIORITIES as readonly string[]).includes(seniority))
        addError(row, 'seniority: choice_invalid')
      batch.push([
        String(row),
        cell('meeting_ref'),
        orgName,
        cell('organization_country').toUpperCase(),
        category,
        sme === 'true' ? 'true' : 'false',
        role,
        person,
        seniority,
      ])
      if (batch.length >= BATCH) await flush()
    }
  } catch (error) {
    result.fileErrors.push(`csv_unreadable: ${(error as Error).message}`)
    return result
  }
  if (!names) result.header = []
  if (result.rows === 0) {
    result.fileErrors.push('no_rows')
    return result
  }
  await flush()
  await sql`ANALYZE import_attendance`.execute(trx)

  // The file's distinct meetings, organizations and people: a few thousand keys, resolved once each.
  await sql`CREATE TEMP TABLE import_meeting ON COMMIT DROP AS
    SELECT s.ref, m.id FROM (SELECT DISTINCT ref FROM import_attendance) s
    LEFT JOIN meeting m ON m.import_ref = s.ref`.execute(trx)

  // What only the database can tell: unknown meetings and countries, the same attendance twice in the file.
  const { rows: found } = await sql<{ row_no: number; error: string }>`
    SELECT s.row_no, 'meeting_ref: meeting_unknown' AS error
    FROM import_attendance s JOIN import_meeting m ON m.ref = s.ref WHERE m.id IS NULL
    UNION ALL
    SELECT s.row_no, 'organization_country: country_unknown'
    FROM import_attendance s LEFT JOIN country c ON c.code = s.country WHERE c.code IS NULL
    UNION ALL
    SELECT s.row_no, 'row: duplicate_row'
    FROM import_attendance s JOIN (
      SELECT ref, org_key, country, person_key, min(row_no) AS first_row FROM import_attendance
      GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) d
    ON d.ref = s.ref AND d.org_key = s.org_key AND d.country = s.country AND d.person_key = s.person_key
    WHERE s.row_no > d.first_row`.execute(trx)
  for (const f of found) addError(Number(f.row_no), f.error)

  const keyOf = (s: { ref: string; org_name: string; country: string; person: string }) =>
    `${s.ref}: ${s.org_name} (${s.country})${s.person ? `, ${s.person}` : ''}`
  if (errors.size) {
    // Nothing will be written: the other rows are counted as unchanged.
    result.counts = { created: 0, updated: 0, unchanged: result.rows - errors.size, error: errors.size }
    const bad = [...errors.keys()].sort((a, b) => a - b)
    const listed = new Set(bad.slice(0, MAX_LISTED_ERRORS))
    const detailed = result.rows <= ROW_DETAIL_LIMIT
    const { rows: staged } = await sql<{
      row_no: number
      ref: string
      org_name: string
      country: string
      person: string
    }>`
      SELECT row_no, ref, org_name, country, person FROM import_attendance
      WHERE ${detailed ? sql`true` : sql`row_no = ANY(${[...listed]}::int[])`} ORDER BY row_no`.execute(trx)
    for (const s of staged) {
      const row = Number(s.row_no)
      const list = errors.get(row)
      if (list)
        result.details.push({
          row,
          status: 'error',
          key: keyOf(s),
          errors: [...list].sort((a, b) => ERROR_ORDER.indexOf(a) - ERROR_ORDER.indexOf(b)),
        })
      else if (detailed) result.details.push({ row, status: 'unchanged', key: keyOf(s), errors: [] })
    }
    return result
  }

  // Organizations: each distinct name and country once, the first row giving a new one its attributes; an
  // existing one is the oldest active of that name and country.
  await sql`CREATE TEMP TABLE import_org ON COMMIT DROP AS
    SELECT org_key, country, min(row_no) AS first_row, NULL::uuid AS id, false AS added
    FROM import_attendance GROUP BY org_key, country`.execute(trx)
  await sql`UPDATE import_org i SET id = o.id
    FROM (SELECT DISTINCT ON (lower(name), country_code) id, lower(name) AS lname, country_code
          FROM organization WHERE archived_at IS NULL ORDER BY lower(name), country_code, created_at, id) o
    WHERE o.lname = i.org_key AND o.country_code = i.country`.execute(trx)
  await sql`UPDATE import_org SET id = gen_random_uuid(), added = true WHERE id IS NULL`.execute(trx)
  await sql`INSERT INTO organization (id, name, category, country_code, sme)
    SELECT i.id, s.org_name, s.category, s.country, s.sme
    FROM import_org i JOIN import_attendance s ON s.row_no = i.first_row WHERE i.added ORDER BY i.first_row`.execute(
    trx,
  )
  // People: each distinct name within an organization once, the same way.
  await sql`CREATE TEMP TABLE import_person ON COMMIT DROP AS
    SELECT s.org_key, s.country, s.person_key, min(s.row_no) AS first_row, NULL::uuid AS org_id,
           NULL::uuid AS id, false AS added
    FROM import_attendance s WHERE s.person <> '' GROUP BY s.org_key, s.country, s.person_key`.execute(trx)
  await sql`UPDATE import_person p SET org_id = o.id FROM import_org o
    WHERE o.org_key = p.org_key AND o.country = p.country`.execute(trx)
  await sql`UPDATE import_person i SET id = p.id
    FROM (SELECT DISTINCT ON (organization_id, lower(name)) id, organization_id, lower(name) AS lname
          FROM person WHERE archived_at IS NULL AND organization_id IN (SELECT id FROM import_org)
          ORDER BY organization_id, lower(name), created_at, id) p
    WHERE p.organization_id = i.org_id AND p.lname = i.person_key`.execute(trx)
  await sql`UPDATE import_person SET id = gen_random_uuid(), added = true WHERE id IS NULL`.execute(trx)
  await sql`INSERT INTO person (id, organization_id, name, seniority)
    SELECT i.id, i.org_id, s.person, s.seniority
    FROM import_person i JOIN import_attendance s ON s.row_no = i.first_row WHERE i.added ORDER BY i.first_row`.execute(
    trx,
  )
  await sql`ANALYZE import_org`.execute(trx)
  await sql`ANALYZE import_person`.execute(trx)

  // Every row resolved in one pass: its ids, whether it is already recorded, whether it added to the directory.
  await sql`CREATE TEMP TABLE import_resolved ON COMMIT DROP AS
    SELECT s.row_no, m.id AS meeting_id, o.id AS org_id, p.id AS person_id, s.role,
           (o.added AND o.first_row = s.row_no) OR coalesce(p.added AND p.first_row = s.row_no, false) AS created,
           EXISTS (SELECT 1 FROM meeting_attendance a WHERE a.meeting_id = m.id AND a.organization_id = o.id
                   AND coalesce(a.person_id::text, '') = coalesce(p.id::text, '')) AS present
    FROM import_attendance s
    JOIN import_meeting m ON m.ref = s.ref
    JOIN import_org o ON o.org_key = s.org_key AND o.country = s.country
    LEFT JOIN import_person p ON s.person <> '' AND p.org_key = s.org_key AND p.country = s.country
      AND p.person_key = s.person_key`.execute(trx)
  await sql`INSERT INTO meeting_attendance (meeting_id, organization_id, person_id, attended_as, captured_by)
    SELECT meeting_id, org_id, person_id, role, 'list' FROM import_resolved WHERE NOT present ORDER BY row_no`.execute(
    trx,
  )

  // "created" also tells the reader that an organization or a person was added to the directory.
  const { rows: tally } = await sql<{ created: number; updated: number; unchanged: number }>`
    SELECT count(*) FILTER (WHERE NOT present AND created)::int AS created,
           count(*) FILTER (WHERE NOT present AND NOT created)::int AS updated,
           count(*) FILTER (WHERE present)::int AS unchanged
    FROM import_resolved`.execute(trx)
  result.counts = { ...result.counts, ...tally[0]! }
  if (result.rows <= ROW_DETAIL_LIMIT) {
    const { rows: staged } = await sql<{
      row_no: number
      ref: string
      org_name: string
      country: string
      person: string
      created: boolean
      present: boolean
    }>`SELECT s.row_no, s.ref, s.org_name, s.country, s.person, r.created, r.present
       FROM import_attendance s JOIN import_resolved r ON r.row_no = s.row_no ORDER BY s.row_no`.execute(trx)
    result.details = staged.map((s) => ({
      row: Number(s.row_no),
      status: s.present ? 'unchanged' : s.created ? 'created' : 'updated',
      key: s.created && !s.present ? `${keyOf(s)} (new in the directory)` : keyOf(s),
      errors: [],
    }))
  }
  return result
}
