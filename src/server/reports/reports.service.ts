import { createHash } from 'node:crypto'
import { z } from '@hono/zod-openapi'
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import { likePattern } from '../db/search.ts'
import { inTransaction } from '../db/transaction.ts'
import { recordAudit } from '../features/audit/audit.service.ts'
import {
  type Actor,
  actorLabel,
  actorUserId,
  assertStaff,
  deny,
  isStaff,
  isUser,
} from '../features/auth/auth.policy.ts'
import {
  assertInScope,
  assertRecordInScope,
  resolveSector,
  SectorCode,
  sectorScope,
  UNION,
} from '../features/structure/scope.ts'
import {
  assertBodyActiveOn,
  bodyNames,
  bodyOfKindOn,
  leadsBodyById,
  type NameRow,
  resolveAddressee,
} from '../features/structure/structure.service.ts'
import { AppError } from '../http/errors.ts'
import { LANGUAGES, type Language, type Localized, pick } from '../i18n/i18n.ts'
import { followUpReport } from './follow-up-report.ts'
import type { Progress } from './kit.ts'
import { meetingReport } from './meeting-report.ts'
import {
  MEETING_KINDS,
  type MeetingParams,
  type PeriodParams,
  REPORT_KINDS,
  type Report,
  type ReportKind,
  type ReportParams,
} from './model.ts'
import { panelReport } from './panel-report.ts'
import { nameOnDay, sectorIs } from './scope.ts'
import { communique, workshopReport } from './workshop-report.ts'
import { wtsaReport } from './wtsa-report.ts'

const DATE = /^\d{4}-\d{2}-\d{2}$/
const blank = (v: unknown) => (v === '' ? undefined : v)
const day = z.preprocess(
  blank,
  z
    .string()
    .regex(DATE, { error: 'date_invalid' })
    .refine((v) => !Number.isNaN(new Date(`${v}T00:00:00Z`).getTime()), { error: 'date_invalid' })
    .optional(),
)

/**
 * What a user asks for: a kind, a meeting, a panel or a period, a language and a date "as of". A period
 * report can be limited to a Sector; any report can be addressed to a body of the structure.
 */
export const ReportRequestSchema = z
  .object({
    kind: z.enum(REPORT_KINDS, { error: 'choice_invalid' }),
    meetingId: z.preprocess(blank, z.uuid({ error: 'meeting_unknown' }).optional()),
    panelId: z.preprocess(blank, z.uuid({ error: 'report_panel_unknown' }).optional()).openapi({
      description: 'For `panel`: the Industry Advisory Panel reporting.',
    }),
    from: day,
    to: day,
    lang: z.enum(LANGUAGES, { error: 'choice_invalid' }),
    asOf: day,
    sector: z.preprocess(blank, SectorCode.optional()).openapi({
      description:
        'For period reports (`follow-up`, `wtsa`): a Sector’s code, or `union` for Union-wide records only; ' +
        'absent, every Sector (for a secretariat limited to a Sector: their Sector). Meeting and panel ' +
        'reports take their meeting’s or panel’s Sector.',
    }),
    addressedTo: z.preprocess(blank, z.string().trim().max(80, { error: 'too_long' }).optional()).openapi({
      description:
        'The body the report is addressed to: its id, or a code of the structure (TSAG, `ITU-R RAG`, ' +
        'Council). It must exist on the report’s date. A panel’s report goes by default to the body the ' +
        'panel reports to.',
    }),
  })
  .superRefine((v, ctx) => {
    if (MEETING_KINDS.includes(v.kind)) {
      if (!v.meetingId) ctx.addIssue({ code: 'custom', path: ['meetingId'], message: 'required' })
      return
    }
    if (v.kind === 'panel') {
      // The period is optional: it defaults to the panel's term.
      if (!v.panelId) ctx.addIssue({ code: 'custom', path: ['panelId'], message: 'required' })
    } else {
      if (!v.from) ctx.addIssue({ code: 'custom', path: ['from'], message: 'required' })
      if (!v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'required' })
    }
    if (v.from && v.to && v.to < v.from)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'end_before_start' })
    if (v.from && v.to && Number(v.to.slice(0, 4)) - Number(v.from.slice(0, 4)) > 20)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'period_too_long' })
  })
  .openapi('ReportRequest')
export type ReportRequest = z.infer<typeof ReportRequestSchema>

/** "As of" a date means the end of that day (UTC); no date means now. */
export function asOfDate(v: string | undefined | null): Date {
  return v ? new Date(`${v}T23:59:59.999Z`) : new Date()
}

/** A panel's report as asked for: without a period, the panel's term. */
export type PanelRequest = { panelId: string; from?: string; to?: string; addressedTo?: string }
export type RequestedParams = MeetingParams | PeriodParams | PanelRequest

/**
 * The parameters as given, for building a report at once (the command line). A body named by code is not
 * resolved here: `requestReport` resolves and checks it.
 */
export function paramsOf(r: ReportRequest): RequestedParams {
  if (MEETING_KINDS.includes(r.kind)) return { meetingId: r.meetingId! }
  if (r.kind === 'panel')
    return { panelId: r.panelId!, ...(r.from ? { from: r.from } : {}), ...(r.to ? { to: r.to } : {}) }
  return { from: r.from!, to: r.to!, ...(r.sector ? { sector: r.sector } : {}) }
}

/** Builds any kind of report. Meeting kinds are quick; period and panel kinds report progress as they go. */
export async function buildReport(
  db: Db,
  actor: Actor,
  kind: ReportKind,
  params: RequestedParams,
  lang: Language,
  asOf: Date,
  progress?: Progress,
): Promise<Report> {
  if ('meetingId' in params) {
    const { meetingId, addressedTo } = params
    if (kind === 'workshop') return workshopReport(db, actor, meetingId, lang, asOf, addressedTo)
    if (kind === 'communique') return communique(db, actor, meetingId, lang, asOf, addressedTo)
    return meetingReport(db, actor, meetingId, lang, asOf, addressedTo)
  }
  if ('panelId' in params) return panelReport(db, actor, params, lang, asOf, progress)
  if (kind === 'wtsa') return wtsaReport(db, actor, params, lang, asOf, progress)
  return followUpReport(db, actor, params, lang, asOf, progress)
}

// ---------------------------------------------------------------- Sector and addressee of a request

/** A report's date, as a day: its "as of" date, or today. */
const reportDay = (asOf: string | undefined) => asOf ?? new Date().toISOString().slice(0, 10)

/**
 * The body a report is addressed to, by id or by code, existing on the report's date; refused with its
 * dates when it did not exist that day, and as an unknown body when the structure does not have it.
 */
async function resolveBody(
  db: Db,
  text: string,
  day: string,
): Promise<{ id: string; sectorId: string | null }> {
  const field = (code: string) => ({ addressedTo: [code] })
  try {
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)) {
      const id = text.toLowerCase()
      const body = await assertBodyActiveOn(db, id, day)
      return { id, sectorId: body.sectorId }
    }
    const found = await resolveAddressee(db, text, day)
    if (!found) throw new AppError('VALIDATION_FAILED', {}, field('report_addressee_unknown'))
    return { id: found.id, sectorId: found.sectorId }
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    if (error.code === 'BODY_NOT_FOUND')
      throw new AppError('VALIDATION_FAILED', {}, field('report_addressee_unknown'))
    if (error.code === 'BODY_NOT_IN_PERIOD')
      throw new AppError('BODY_NOT_IN_PERIOD', { ...error.details, day }, field('outside_body_period'))
    if (error.code === 'VALIDATION_FAILED' && error.fieldErrors?.ownerBody)
      throw new AppError('VALIDATION_FAILED', {}, { addressedTo: error.fieldErrors.ownerBody })
    throw error
  }
}

/**
 * What a request stands for once checked: the stored parameters, the Sector of the report (null for a
 * Union-wide report or one on every Sector) and the body it goes to. A secretariat limited to a Sector may
 * ask only for reports of their Sector (403 SECTOR_OUT_OF_SCOPE), and address them only to a body of
 * their Sector or a Union-wide one (the Council). Nothing is written here.
 */
export async function resolveRequest(
  db: Db,
  actor: Actor,
  input: ReportRequest,
): Promise<{ params: ReportParams; sectorId: string | null; addressedTo: string | null }> {
  const day = reportDay(input.asOf)
  let sectorId: string | null
  let params: ReportParams
  let defaultBody: string | null = null
  if (MEETING_KINDS.includes(input.kind)) {
    const m = await db
      .selectFrom('meeting')
      .select(['id', 'sector_id'])
      .where('id', '=', input.meetingId!)
      .executeTakeFirst()
    if (!m) throw new AppError('VALIDATION_FAILED', {}, { meetingId: ['meeting_unknown'] })
    assertInScope(actor, m.sector_id)
    sectorId = m.sector_id
    params = { meetingId: m.id }
  } else if (input.kind === 'panel') {
    const p = await db
      .selectFrom('advisory_panel')
      .select(['id', 'sector_id', 'term_starts_on', 'term_ends_on', 'reports_to_body_id'])
      .where('id', '=', input.panelId!)
      .executeTakeFirst()
    if (!p) throw new AppError('VALIDATION_FAILED', {}, { panelId: ['report_panel_unknown'] })
    assertInScope(actor, p.sector_id)
    const from = input.from ?? p.term_starts_on
    const to = input.to ?? p.term_ends_on
    if (to < from) throw new AppError('VALIDATION_FAILED', {}, { to: ['end_before_start'] })
    sectorId = p.sector_id
    defaultBody = p.reports_to_body_id
    params = { panelId: p.id, from, to }
  } else {
    let code: string | undefined
    if (!input.sector) {
      // Absent: every Sector; a secretariat limited to Sectors gets their own (they may not ask for all).
      const scope = sectorScope(actor)
      sectorId = scope ? await resolveSector(db, actor, undefined) : null
    } else if (input.sector.toLowerCase() === UNION) {
      assertInScope(actor, null)
      sectorId = null
      code = UNION
    } else sectorId = await resolveSector(db, actor, input.sector)
    if (sectorId)
      code = (
        await db.selectFrom('sector').select('code').where('id', '=', sectorId).executeTakeFirstOrThrow()
      ).code
    params = { from: input.from!, to: input.to!, ...(code ? { sector: code } : {}) }
  }
  if (!defaultBody && sectorId) defaultBody = await defaultAddressee(db, input.kind, sectorId, day)
  let addressedTo: string | null = null
  if (input.addressedTo) {
    const body = await resolveBody(db, input.addressedTo, day)
    // Another Sector's body is out of a limited secretariat's reach; a Union-wide one (the Council) is not.
    if (body.sectorId !== null) assertInScope(actor, body.sectorId)
    addressedTo = body.id
  } else if (defaultBody) {
    addressedTo = (await resolveBody(db, defaultBody, day)).id
  }
  return { params: addressedTo ? { ...params, addressedTo } : params, sectorId, addressedTo }
}

/**
 * The body a meeting or follow-up report goes to when none is chosen: the advisory group of its Sector (TSAG,
 * RAG, TDAG) existing on the report's date, as the draft Plenipotentiary resolution has each Sector's
 * engagement with industry reported to its advisory group. None for the report to the assembly, for a
 * Union-wide report, or for a Sector without an advisory group that day.
 */
export async function defaultAddressee(
  db: Db,
  kind: ReportKind,
  sectorId: string,
  day: string,
): Promise<string | null> {
  if (!(MEETING_KINDS.includes(kind) || kind === 'follow-up')) return null
  return (await bodyOfKindOn(db, 'advisory_group', sectorId, day)) ?? null
}

// ---------------------------------------------------------------- jobs

/** The body a report is addressed to, named as it was on the report's date, in the report's language. */
export type AddressedTo = { id: string; code: string; name: string }

export type ReportJob = {
  id: string
  kind: ReportKind
  params: ReportParams
  /** The report's Sector (its code); null for a Union-wide report or one on every Sector. */
  sector: string | null
  addressedTo: AddressedTo | null
  lang: Language
  asOf: string
  status: 'queued' | 'running' | 'done' | 'failed'
  progress: number
  step: string
  error: string | null
  model: Report | null
  findingsEditedBy: string | null
  findingsEditedAt: string | null
  requestedBy: string | null
  createdAt: string
  finishedAt: string | null
}

const jobColumns = [
  'j.id',
  'j.kind',
  'j.params',
  'j.lang',
  'j.as_of',
  'j.status',
  'j.progress',
  'j.step',
  'j.error',
  'j.findings_edited_by',
  'j.findings_edited_at',
  'j.created_at',
  'j.finished_at',
  'j.sector_id',
  'j.addressed_to_body_id',
  'u.name as requested_by',
] as const

type JobRow = {
  id: string
  kind: string
  params: unknown
  lang: string
  as_of: Date
  status: string
  progress: number
  step: string
  error: string | null
  findings_edited_by: string | null
  findings_edited_at: Date | null
  created_at: Date
  finished_at: Date | null
  sector_id: string | null
  addressed_to_body_id: string | null
  requested_by: string | null
  model?: unknown
}

/** What rows of jobs and issues need to show their Sector and addressee: Sectors' codes, bodies' names. */
type Lookup = { sectors: Map<string, string>; names: Map<string, NameRow[]> }

async function lookup(
  db: Db,
  rows: { sector_id: string | null; addressed_to_body_id: string | null }[],
): Promise<Lookup> {
  const ids = [...new Set(rows.flatMap((r) => (r.sector_id ? [r.sector_id] : [])))]
  const [sectors, names] = await Promise.all([
    ids.length
      ? db.selectFrom('sector').select(['id', 'code']).where('id', 'in', ids).execute()
      : Promise.resolve([]),
    bodyNames(
      db,
      rows.flatMap((r) => (r.addressed_to_body_id ? [r.addressed_to_body_id] : [])),
    ),
  ])
  return { sectors: new Map(sectors.map((r) => [r.id, r.code])), names }
}

function addressed(
  look: Lookup,
  r: { addressed_to_body_id: string | null; as_of: Date; lang: string },
): AddressedTo | null {
  if (!r.addressed_to_body_id) return null
  const named = nameOnDay(look.names, r.addressed_to_body_id, r.as_of.toISOString().slice(0, 10), (l) =>
    pick((l ?? {}) as Localized, r.lang as Language),
  )
  return { id: r.addressed_to_body_id, ...named }
}

function toJob(r: JobRow, look: Lookup): ReportJob {
  return {
    id: r.id,
    kind: r.kind as ReportKind,
    params: r.params as ReportParams,
    sector: r.sector_id ? (look.sectors.get(r.sector_id) ?? null) : null,
    addressedTo: addressed(look, r),
    lang: r.lang as Language,
    asOf: r.as_of.toISOString(),
    status: r.status as ReportJob['status'],
    progress: r.progress,
    step: r.step,
    error: r.error,
    model: (r.model as Report | undefined) ?? null,
    findingsEditedBy: r.findings_edited_by,
    findingsEditedAt: r.findings_edited_at?.toISOString() ?? null,
    requestedBy: r.requested_by,
    createdAt: r.created_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
  }
}

/**
 * Queues a report. The meeting or panel, the Sector and the addressee are checked now, so the user hears at
 * once, not from a failed job; nothing is stored when one is refused.
 */
export async function requestReport(db: Db, actor: Actor, input: ReportRequest): Promise<ReportJob> {
  assertStaff(actor, true)
  const { params, sectorId, addressedTo } = await resolveRequest(db, actor, input)
  return inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto('report_job')
      .values({
        kind: input.kind,
        params: JSON.stringify(params),
        lang: input.lang,
        as_of: asOfDate(input.asOf),
        requested_by: actorUserId(actor),
        sector_id: sectorId,
        addressed_to_body_id: addressedTo,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'report_job',
      entityId: row.id,
      summary: `${input.kind} report requested`,
      after: {
        kind: input.kind,
        params,
        lang: input.lang,
        asOf: input.asOf ?? null,
        sectorId,
        addressedToBodyId: addressedTo,
      },
    })
    return getJob(trx, actor, row.id)
  })
}

export async function getJob(db: Db, actor: Actor, id: string): Promise<ReportJob> {
  assertStaff(actor)
  const row = await db
    .selectFrom('report_job as j')
    .leftJoin('app_user as u', 'u.id', 'j.requested_by')
    .select([...jobColumns, 'j.model'])
    .where('j.id', '=', id)
    .executeTakeFirst()
  if (!row) throw new AppError('NOT_FOUND')
  return toJob(row, await lookup(db, [row]))
}

export async function listJobs(db: Db, actor: Actor, limit = 20): Promise<ReportJob[]> {
  assertStaff(actor)
  const rows = await db
    .selectFrom('report_job as j')
    .leftJoin('app_user as u', 'u.id', 'j.requested_by')
    .select(jobColumns)
    .orderBy('j.created_at', 'desc')
    .limit(limit)
    .execute()
  const look = await lookup(db, rows)
  return rows.map((r) => toJob(r, look))
}

const REPORT_JOB: Actor = { kind: 'system', label: 'report generation' }
/** A job whose instance died mid-way is taken up again after this long. */
const STALE_MINUTES = 10

/**
 * Runs queued report jobs one after another until none is left. Every instance runs this; the claim
 * (FOR UPDATE SKIP LOCKED) gives each job to one of them. Each step of a report is a few short queries, so
 * the embedded database serves other requests between them; progress is written after each step.
 */
export async function runReportJobs(db: Db): Promise<number> {
  let ran = 0
  for (;;) {
    const { rows } = await sql<{ id: string; kind: string; params: unknown; lang: string; as_of: Date }>`
      UPDATE report_job SET status = 'running', started_at = now(), progress = 0, step = ''
      WHERE id = (
        SELECT id FROM report_job
        WHERE status = 'queued'
           OR (status = 'running' AND started_at < now() - make_interval(mins => ${STALE_MINUTES}))
        ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, params, lang, as_of`.execute(db)
    const job = rows[0]
    if (!job) return ran
    ran++
    const progress: Progress = async (step, fraction) => {
      await db
        .updateTable('report_job')
        .set({ step, progress: Math.round(Math.min(1, Math.max(0, fraction)) * 100) })
        .where('id', '=', job.id)
        .execute()
    }
    try {
      const report = await buildReport(
        db,
        REPORT_JOB,
        job.kind as ReportKind,
        job.params as ReportParams,
        job.lang as Language,
        job.as_of,
        progress,
      )
      await db
        .updateTable('report_job')
        .set({ status: 'done', progress: 100, model: JSON.stringify(report), finished_at: new Date() })
        .where('id', '=', job.id)
        .execute()
    } catch (error) {
      // A report that cannot be made (its meeting deleted since) says why; a bug is logged as well.
      const code = error instanceof AppError ? error.code : 'INTERNAL'
      if (!(error instanceof AppError)) console.error('report job', job.id, error)
      await db
        .updateTable('report_job')
        .set({ status: 'failed', error: code, finished_at: new Date() })
        .where('id', '=', job.id)
        .execute()
    }
  }
}

/** Replaces the drafted findings of a generated report with the secretariat's text (paragraphs split on blank lines). */
export async function editFindings(db: Db, actor: Actor, id: string, text: string): Promise<ReportJob> {
  assertStaff(actor, true)
  // A report of another Sector is refused before its text is looked at.
  await assertRecordInScope(db, actor, 'report_job', id)
  const paragraphs = text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean)
  if (!paragraphs.length) throw new AppError('VALIDATION_FAILED', {}, { findings: ['required'] })
  if (text.length > 20_000) throw new AppError('VALIDATION_FAILED', {}, { findings: ['too_long'] })
  return inTransaction(db, async (trx) => {
    const job = await getJob(trx, actor, id)
    const findings = job.model?.blocks.find((b) => b.kind === 'findings')
    if (job.status !== 'done' || !job.model || !findings) throw new AppError('REPORT_NOT_EDITABLE')
    const before = findings.paragraphs
    findings.paragraphs = paragraphs
    await trx
      .updateTable('report_job')
      .set({
        model: JSON.stringify(job.model),
        findings_edited_by: actorLabel(actor),
        findings_edited_at: new Date(),
      })
      .where('id', '=', id)
      .execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'report_job',
      entityId: id,
      summary: 'findings edited',
      before: { findings: before },
      after: { findings: paragraphs },
    })
    return getJob(trx, actor, id)
  })
}

// ---------------------------------------------------------------- issued reports

export type IssuedReport = {
  id: string
  jobId: string | null
  kind: ReportKind
  params: ReportParams
  lang: Language
  asOf: string
  documentNumber: string
  title: string
  checksum: string
  issuedBy: string
  issuedAt: string
  model: Report | null
  /** The report's Sector (its code); null for a Union-wide report or one on every Sector. */
  sector: string | null
  addressedTo: AddressedTo | null
}

/** A stable JSON text of the model (keys sorted), so the checksum depends on the content alone. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(value)
}

export const checksumOf = (report: Report) => createHash('sha256').update(canonical(report)).digest('hex')

/** Issues a generated report under a document number: the model is frozen with who, when and a checksum. */
export async function issueReport(
  db: Db,
  actor: Actor,
  jobId: string,
  documentNumber: string,
): Promise<IssuedReport> {
  assertStaff(actor, true)
  // The issued report belongs to the report's Sector: a secretariat limited to another may not issue it,
  // whatever number they typed.
  await assertRecordInScope(db, actor, 'report_job', jobId)
  const number = documentNumber.trim()
  if (!number) throw new AppError('VALIDATION_FAILED', {}, { documentNumber: ['required'] })
  if (number.length > 60) throw new AppError('VALIDATION_FAILED', {}, { documentNumber: ['too_long'] })
  return inTransaction(db, async (trx) => {
    const job = await getJob(trx, actor, jobId)
    if (job.status !== 'done' || !job.model) throw new AppError('REPORT_NOT_READY')
    const scope = await trx
      .selectFrom('report_job')
      .select(['sector_id', 'addressed_to_body_id'])
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow()
    const model: Report = { ...job.model, header: { ...job.model.header, documentNumber: number } }
    const checksum = checksumOf(model)
    const row = await trx
      .insertInto('report_issue')
      .values({
        job_id: jobId,
        kind: job.kind,
        params: JSON.stringify(job.params),
        lang: job.lang,
        as_of: new Date(job.asOf),
        document_number: number,
        title: model.header.title,
        model: JSON.stringify(model),
        checksum,
        issued_by: actorUserId(actor),
        issued_by_label: actorLabel(actor),
        sector_id: scope.sector_id,
        addressed_to_body_id: scope.addressed_to_body_id,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'report_issue',
      entityId: row.id,
      summary: `${job.kind} report issued as ${number}`,
      after: {
        documentNumber: number,
        checksum,
        jobId,
        sectorId: scope.sector_id,
        addressedToBodyId: scope.addressed_to_body_id,
      },
    })
    return getIssue(trx, actor, row.id)
  })
}

const issueColumns = [
  'id',
  'job_id',
  'kind',
  'params',
  'lang',
  'as_of',
  'document_number',
  'title',
  'checksum',
  'issued_by_label',
  'issued_at',
  'sector_id',
  'addressed_to_body_id',
] as const

type IssueRow = {
  id: string
  job_id: string | null
  kind: string
  params: unknown
  lang: string
  as_of: Date
  document_number: string
  title: string
  checksum: string
  issued_by_label: string
  issued_at: Date
  sector_id: string | null
  addressed_to_body_id: string | null
  model?: unknown
}

function toIssue(r: IssueRow, look: Lookup): IssuedReport {
  return {
    id: r.id,
    jobId: r.job_id,
    kind: r.kind as ReportKind,
    params: r.params as ReportParams,
    sector: r.sector_id ? (look.sectors.get(r.sector_id) ?? null) : null,
    addressedTo: addressed(look, r),
    lang: r.lang as Language,
    asOf: r.as_of.toISOString(),
    documentNumber: r.document_number,
    title: r.title,
    checksum: r.checksum,
    issuedBy: r.issued_by_label,
    issuedAt: r.issued_at.toISOString(),
    model: (r.model as Report | undefined) ?? null,
  }
}

/**
 * An issued report: the secretariat's; and, once issued, also the leads' of the body it is addressed to (each
 * body sees what was sent to it). Anyone else is refused as before, whether or not the report exists.
 */
export async function getIssue(db: Db, actor: Actor, id: string): Promise<IssuedReport> {
  if (!isStaff(actor) && !isUser(actor)) deny(actor)
  const row = await db
    .selectFrom('report_issue')
    .select([...issueColumns, 'model'])
    .where('id', '=', id)
    .executeTakeFirst()
  if (
    !isStaff(actor) &&
    !(row?.addressed_to_body_id && (await leadsBodyById(db, actor, row.addressed_to_body_id)))
  )
    deny(actor)
  if (!row) throw new AppError('NOT_FOUND')
  return toIssue(row, await lookup(db, [row]))
}

export const ISSUE_SORTS = ['issued', 'kind', 'number'] as const

export type IssueQuery = {
  kind?: ReportKind | undefined
  search?: string | undefined
  /** The body the reports are addressed to (its id). */
  body?: string | undefined
  /** undefined: every report; null: Union-wide reports (and those on every Sector); else a Sector's id. */
  sectorId?: string | null | undefined
  sort?: string
  page: number
  pageSize: number
}

/** Issued reports, newest first (or by kind or number), filtered by kind, text, addressee and Sector. */
export async function listIssues(
  db: Db,
  actor: Actor,
  q: IssueQuery,
): Promise<{ items: IssuedReport[]; total: number }> {
  assertStaff(actor)
  let base = db.selectFrom('report_issue')
  if (q.kind) base = base.where('kind', '=', q.kind)
  if (q.search) {
    const like = likePattern(q.search)
    base = base.where((eb) => eb.or([eb('title', 'ilike', like), eb('document_number', 'ilike', like)]))
  }
  if (q.body) base = base.where('addressed_to_body_id', '=', q.body)
  if (q.sectorId !== undefined) base = base.where(sectorIs('sector_id', q.sectorId))
  const [rows, count] = await Promise.all([
    base
      .select(issueColumns)
      .orderBy(
        q.sort === 'kind' ? 'kind' : q.sort === 'number' ? 'document_number' : 'issued_at',
        q.sort === 'kind' || q.sort === 'number' ? 'asc' : 'desc',
      )
      .orderBy('issued_at', 'desc')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ])
  const look = await lookup(db, rows)
  return { items: rows.map((r) => toIssue(r, look)), total: Number(count.n) }
}

/** The bodies issued reports are addressed to, for the list's filter: id and name today. */
export async function addressees(
  db: Db,
  actor: Actor,
  lang: Language,
): Promise<{ id: string; code: string; name: string }[]> {
  assertStaff(actor)
  const rows = await db
    .selectFrom('report_issue')
    .select('addressed_to_body_id')
    .distinct()
    .where('addressed_to_body_id', 'is not', null)
    .execute()
  const ids = rows.map((r) => r.addressed_to_body_id!)
  const names = await bodyNames(db, ids)
  const today = new Date().toISOString().slice(0, 10)
  return ids
    .map((id) => ({ id, ...nameOnDay(names, id, today, (l) => pick((l ?? {}) as Localized, lang)) }))
    .sort((a, b) => a.name.localeCompare(b.name, lang))
}

/** Does the stored model still match the checksum taken when it was issued? */
export function verifyIssue(issue: IssuedReport): boolean {
  return !!issue.model && checksumOf(issue.model) === issue.checksum
}

// ---------------------------------------------------------------- comparing two versions

/** A report as lines of text: what a reader would see, in order (tables one line per row). */
export function reportLines(report: Report): string[] {
  const out: string[] = []
  for (const b of report.blocks) {
    switch (b.kind) {
      case 'heading':
      case 'paragraph':
      case 'notice':
        out.push(b.text)
        break
      case 'facts':
        for (const [k, v] of b.rows) out.push(`${k}: ${v}`)
        break
      case 'list':
        out.push(...(b.items.length ? b.items : [b.empty ?? '']))
        break
      case 'table':
        if (!b.rows.length) out.push(`${b.title}: ${b.empty}`)
        for (const r of b.rows)
          out.push(`${b.title} | ${r.map((c) => (c === null ? '—' : String(c))).join(' | ')}`)
        break
      case 'chart':
        break
      case 'findings':
        out.push(...b.paragraphs)
        break
    }
  }
  return out
}

export type Difference = { change: 'added' | 'removed'; line: string }

/**
 * The lines only in the issued version (removed) and only in the later draft (added), in the order of
 * each document: a longest-common-subsequence diff, so moved or repeated lines are reported faithfully.
 */
export function compareReports(issued: Report, draft: Report): Difference[] {
  const a = reportLines(issued)
  const b = reportLines(draft)
  // Reports are a few thousand lines at most; trim the common head and tail before the quadratic part.
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++
  const x = a.slice(head, a.length - tail)
  const y = b.slice(head, b.length - tail)
  if (x.length * y.length > 25_000_000) {
    const inY = new Set(y)
    const inX = new Set(x)
    return [
      ...x.filter((l) => !inY.has(l)).map((line) => ({ change: 'removed' as const, line })),
      ...y.filter((l) => !inX.has(l)).map((line) => ({ change: 'added' as const, line })),
    ]
  }
  const lcs = Array.from({ length: x.length + 1 }, () => new Uint32Array(y.length + 1))
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!)
  const out: Difference[] = []
  let i = 0
  let j = 0
  while (i < x.length && j < y.length) {
    if (x[i] === y[j]) {
      i++
      j++
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ change: 'removed', line: x[i++]! })
    else out.push({ change: 'added', line: y[j++]! })
  }
  while (i < x.length) out.push({ change: 'removed', line: x[i++]! })
  while (j < y.length) out.push({ change: 'added', line: y[j++]! })
  return out
}
