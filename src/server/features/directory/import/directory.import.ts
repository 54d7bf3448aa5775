import { createHash } from 'node:crypto'
import type { ControlledTransaction } from 'kysely'
import type { z } from 'zod'
import type { Db } from '../../../db/database.ts'
import type { DB } from '../../../db/schema.ts'
import { AppError, fieldErrorsFromIssues, fromDatabaseError } from '../../../http/errors.ts'
import { LANGUAGES } from '../../../i18n/i18n.ts'
import { recordAudit } from '../../audit/audit.service.ts'
import { type Actor, deny, isUser } from '../../auth/auth.policy.ts'
import * as policy from '../directory.policy.ts'
import * as repo from '../directory.repository.ts'
import {
  CountryUpdateSchema,
  IMPORT_KINDS,
  type ImportKind,
  OrganizationInputSchema,
  PersonInputSchema,
} from '../directory.schema.ts'

export { IMPORT_KINDS, type ImportKind }

import { importAttendanceRows } from '../../analytics/attendance.bulk.ts'
import { importMeetingRow } from '../../analytics/history.import.ts'
import {
  createOrganizationIn,
  createPersonIn,
  updateCountryIn,
  updateOrganizationIn,
  updatePersonIn,
} from '../directory.service.ts'
import { MAX_IMPORT_ROWS, parseCsv } from './csv.ts'

export const IMPORT_COLUMNS: Record<ImportKind, { required: string[]; optional: string[] }> = {
  countries: {
    required: ['code'],
    optional: [
      'itu_region',
      'development_status',
      'ldc',
      'lldc',
      'sids',
      'eit',
      ...LANGUAGES.map((l) => `name_${l}`),
    ],
  },
  organizations: {
    required: ['name', 'category', 'country'],
    optional: ['sme', 'roa', 'sio', 'segment', 'website', 'membership_start', 'membership_end'],
  },
  people: {
    required: ['organization', 'organization_country', 'name', 'seniority'],
    optional: ['title', 'email', 'phone', 'preferred_language', 'public_consent'],
  },
  // Historical import (docs/import.md): past meetings, then their attendance.
  meetings: {
    required: ['ref', 'kind', 'title', 'start_date'],
    optional: ['end_date', 'city', 'country', 'host', 'group', 'sector'],
  },
  attendance: {
    required: ['meeting_ref', 'organization', 'organization_country', 'role'],
    optional: ['category', 'sme', 'person', 'seniority'],
  },
}

export type RowResult = {
  row: number
  status: 'created' | 'updated' | 'unchanged' | 'error'
  key: string
  errors: string[]
}
export type ImportReport = {
  kind: ImportKind
  dryRun: boolean
  committed: boolean
  rows: RowResult[]
  counts: { created: number; updated: number; unchanged: number; error: number }
  fileErrors: string[]
}

const bool = (v: string | undefined) =>
  v === undefined || v === '' ? undefined : ['true', 'yes', '1', 'x'].includes(v.toLowerCase())

function issues(error: z.ZodError): string[] {
  return Object.entries(fieldErrorsFromIssues(error.issues)).map(
    ([field, msgs]) => `${field}: ${msgs.join(', ')}`,
  )
}

function describe(error: unknown): string[] {
  const e = error instanceof AppError ? error : fromDatabaseError(error)
  if (!e) throw error
  if (e.fieldErrors) return Object.entries(e.fieldErrors).map(([f, m]) => `${f}: ${m.join(', ')}`)
  return [e.code]
}

type RowOutcome = Omit<RowResult, 'row'>

async function importCountryRow(trx: Db, actor: Actor, r: Record<string, string>): Promise<RowOutcome> {
  const code = (r.code ?? '').trim().toUpperCase()
  const names = Object.fromEntries(LANGUAGES.map((l) => [l, r[`name_${l}`]]).filter(([, v]) => v))
  const parsed = CountryUpdateSchema.safeParse({
    names: Object.keys(names).length ? names : undefined,
    ituRegion: r.itu_region,
    developmentStatus: r.development_status || undefined,
    ldc: bool(r.ldc),
    lldc: bool(r.lldc),
    sids: bool(r.sids),
    eit: bool(r.eit),
  })
  if (!parsed.success) return { status: 'error', key: code, errors: issues(parsed.error) }
  const { status } = await updateCountryIn(trx, actor, code, parsed.data, 'import')
  return { status, key: code, errors: [] }
}

async function importOrganizationRow(trx: Db, actor: Actor, r: Record<string, string>): Promise<RowOutcome> {
  const parsed = OrganizationInputSchema.safeParse({
    name: r.name,
    category: r.category,
    countryCode: r.country,
    sme: bool(r.sme) ?? false,
    roa: bool(r.roa) ?? false,
    sio: bool(r.sio) ?? false,
    segment: r.segment,
    website: r.website,
    membershipStart: r.membership_start,
    membershipEnd: r.membership_end,
  })
  const key = `${r.name ?? ''} (${r.country ?? ''})`
  if (!parsed.success) return { status: 'error', key, errors: issues(parsed.error) }
  const existing = await repo.findOrganizationByNameAndCountry(trx, parsed.data.name, parsed.data.countryCode)
  if (existing) {
    await updateOrganizationIn(trx, actor, existing.id, parsed.data)
    return { status: 'updated', key, errors: [] }
  }
  await createOrganizationIn(trx, actor, parsed.data)
  return { status: 'created', key, errors: [] }
}

async function importPersonRow(trx: Db, actor: Actor, r: Record<string, string>): Promise<RowOutcome> {
  const key = `${r.name ?? ''}${r.email ? ` <${r.email}>` : ''}`
  const country = (r.organization_country ?? '').trim().toUpperCase()
  const org = r.organization
    ? await repo.findOrganizationByNameAndCountry(trx, r.organization.trim(), country)
    : undefined
  if (!org) return { status: 'error', key, errors: ['organization: organization_unknown'] }
  const parsed = PersonInputSchema.safeParse({
    organizationId: org.id,
    name: r.name,
    title: r.title,
    seniority: r.seniority,
    email: r.email,
    phone: r.phone,
    preferredLanguage: r.preferred_language,
    publicConsent: bool(r.public_consent) ?? false,
  })
  if (!parsed.success) return { status: 'error', key, errors: issues(parsed.error) }
  if (parsed.data.email) {
    const existing = await trx
      .selectFrom('person')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['email']), '=', parsed.data.email))
      .where('archived_at', 'is', null)
      .executeTakeFirst()
    if (existing) {
      await updatePersonIn(trx, actor, existing.id, parsed.data)
      return { status: 'updated', key, errors: [] }
    }
  }
  await createPersonIn(trx, actor, parsed.data)
  return { status: 'created', key, errors: [] }
}

const HANDLERS: Record<
  Exclude<ImportKind, 'attendance'>,
  (trx: Db, actor: Actor, r: Record<string, string>, seen: Set<string>) => Promise<RowOutcome>
> = {
  countries: importCountryRow,
  organizations: importOrganizationRow,
  people: importPersonRow,
  meetings: importMeetingRow,
}

/**
 * Imports a CSV all-or-nothing. Every row runs in one transaction, each inside a savepoint so one bad row
 * cannot poison the rest of the report; the transaction commits only for a real run with no error.
 * A dry run executes the same statements and rolls back, so it reports exactly what a real run would do.
 */
/** A client's Idempotency-Key for a real import, with the digest of what it sent under it. */
type Idempotency = { userId: string; key: string; requestHash: string }

/**
 * A real import under an Idempotency-Key: applied once. Sent again with the same key and the same file (a
 * retry after a lost answer, or two at once), the stored answer of the committed import comes back
 * (`replayed`) and nothing is written again; the same key with another file is refused. An import that
 * was not committed (errors in the file) stores nothing, so it may be retried under its key.
 */
export async function importCsvOnce(
  db: Db,
  actor: Actor,
  kind: ImportKind,
  text: string,
  key: string,
): Promise<{ report: ImportReport; replayed: boolean }> {
  if (!isUser(actor) || !policy.canImportExport(actor) || !policy.canArchive(actor)) deny(actor)
  const idem: Idempotency = {
    userId: actor.userId,
    key,
    requestHash: createHash('sha256').update(`${kind}\n`).update(text).digest('hex'),
  }
  const stored = async () => {
    const row = await db
      .selectFrom('idempotency_key')
      .select(['request_hash', 'response', 'scope'])
      .where('user_id', '=', idem.userId)
      .where('key', '=', idem.key)
      .executeTakeFirst()
    if (!row) return undefined
    if (row.request_hash !== idem.requestHash || row.scope !== `import:${kind}`)
      throw new AppError('IDEMPOTENCY_KEY_REUSED')
    return { report: row.response as unknown as ImportReport, replayed: true }
  }
  const prior = await stored()
  if (prior) return prior
  try {
    const report = await importCsv(db, actor, kind, text, false, idem)
    // Rows refused because a duplicate committed the same rows meanwhile: that duplicate's answer is this one's.
    if (!report.committed) return (await stored()) ?? { report, replayed: false }
    return { report, replayed: false }
  } catch (error) {
    // A duplicate running at the same time committed first: its answer is this one's.
    const again = (error as { code?: string }).code === '23505' ? await stored() : undefined
    if (again) return again
    throw error
  }
}

export async function importCsv(
  db: Db,
  actor: Actor,
  kind: ImportKind,
  text: string,
  dryRun: boolean,
  idempotency?: Idempotency,
): Promise<ImportReport> {
  if (!policy.canImportExport(actor) || (kind === 'countries' && !policy.canEditCountries(actor))) deny(actor)
  if (!dryRun && !policy.canArchive(actor)) deny(actor)
  const report: ImportReport = {
    kind,
    dryRun,
    committed: false,
    rows: [],
    counts: { created: 0, updated: 0, unchanged: 0, error: 0 },
    fileErrors: [],
  }
  if (kind === 'attendance') return importAttendance(db, actor, text, dryRun, report, idempotency)
  let table: ReturnType<typeof parseCsv>
  try {
    table = parseCsv(text)
  } catch (error) {
    report.fileErrors.push(`csv_unreadable: ${(error as Error).message}`)
    return report
  }
  checkColumns(kind, table.header, report)
  if (table.rows.length === 0) report.fileErrors.push('no_rows')
  if (table.rows.length > MAX_IMPORT_ROWS) report.fileErrors.push(`too_many_rows: ${MAX_IMPORT_ROWS}`)
  if (report.fileErrors.length) return report

  // What earlier rows of this file said, for handlers that refuse a row given twice.
  const seen = new Set<string>()
  return inImportTransaction(db, actor, kind, dryRun, report, idempotency, async (trx) => {
    for (const [i, r] of table.rows.entries()) {
      const sp = await trx.savepoint('import_row').execute()
      let outcome: RowOutcome
      try {
        outcome = await HANDLERS[kind](sp, actor, r, seen)
      } catch (error) {
        outcome = { status: 'error', key: Object.values(r).slice(0, 2).join(' '), errors: describe(error) }
      }
      if (outcome.status === 'error') await sp.rollbackToSavepoint('import_row').execute()
      else await sp.releaseSavepoint('import_row').execute()
      report.rows.push({ row: i + 2, ...outcome })
      report.counts[outcome.status]++
    }
  })
}

/**
 * The import's one transaction: `fill` writes and fills the report; the transaction commits, with one audit
 * entry, only for a real run whose file and rows have no error, and rolls back otherwise.
 */
async function inImportTransaction(
  db: Db,
  actor: Actor,
  kind: ImportKind,
  dryRun: boolean,
  report: ImportReport,
  idempotency: Idempotency | undefined,
  fill: (trx: ControlledTransaction<DB>) => Promise<void>,
): Promise<ImportReport> {
  const trx = await db.startTransaction().execute()
  try {
    await fill(trx)
    if (report.fileErrors.length || dryRun || report.counts.error > 0) {
      await trx.rollback().execute()
      return report
    }
    const c = report.counts
    await recordAudit(trx, actor, {
      action: 'import',
      entityType: kind,
      entityId: 'csv',
      summary: `${c.created + c.updated + c.unchanged} rows: ${c.created} created, ${c.updated} updated`,
    })
    if (idempotency) {
      await trx
        .insertInto('idempotency_key')
        .values({
          user_id: idempotency.userId,
          key: idempotency.key,
          scope: `import:${kind}`,
          request_hash: idempotency.requestHash,
          response: JSON.stringify({ ...report, committed: true }),
        })
        .execute()
    }
    await trx.commit().execute()
    report.committed = true
  } catch (error) {
    await trx
      .rollback()
      .execute()
      .catch(() => {})
    throw error
  }
  return report
}

/** Missing and unknown columns, as file errors; true when there are none. */
function checkColumns(kind: ImportKind, header: string[], report: ImportReport): boolean {
  const { required, optional } = IMPORT_COLUMNS[kind]
  const missing = required.filter((c) => !header.includes(c))
  const unknown = header.filter((c) => !required.includes(c) && !optional.includes(c))
  if (missing.length) report.fileErrors.push(`columns_missing: ${missing.join(', ')}`)
  if (unknown.length) report.fileErrors.push(`columns_unknown: ${unknown.join(', ')}`)
  return !missing.length && !unknown.length
}

/**
 * Attendance is imported set-based (attendance.bulk.ts): histories run to a million rows. The same
 * all-or-nothing transaction, report and audit entry as the other kinds.
 */
async function importAttendance(
  db: Db,
  actor: Actor,
  text: string,
  dryRun: boolean,
  report: ImportReport,
  idempotency: Idempotency | undefined,
): Promise<ImportReport> {
  return inImportTransaction(db, actor, 'attendance', dryRun, report, idempotency, async (trx) => {
    const bulk = await importAttendanceRows(trx, text, (header) => checkColumns('attendance', header, report))
    report.fileErrors.push(...bulk.fileErrors)
    if (!report.fileErrors.length && bulk.header.length === 0) report.fileErrors.push('no_rows')
    report.rows = bulk.details
    report.counts = bulk.counts
  })
}

export function importTemplate(kind: ImportKind): string {
  const { required, optional } = IMPORT_COLUMNS[kind]
  return `${[...required, ...optional].join(',')}\r\n`
}
