import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { likePattern } from '../../db/search.ts'
import { inTransaction } from '../../db/transaction.ts'
import { AppError } from '../../http/errors.ts'
import { type Language, translator } from '../../i18n/i18n.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { type Actor, actorLabel, assertStaff } from '../auth/auth.policy.ts'
import { enqueueEmail } from '../mail/mail.service.ts'
import {
  DOCUMENT_TYPES,
  extensionOf,
  MAX_DOCUMENT_BYTES,
  matchesExtension,
  safeFileName,
  sniff,
} from '../meetings/content/file-types.ts'
import { assertPlanReader } from './plan.service.ts'

export const CIRCULAR_AUDIENCES = [
  'membership',
  'member_states',
  'sector_members',
  'associates',
  'academia',
] as const
export type CircularAudience = (typeof CIRCULAR_AUDIENCES)[number]
export const FEEDBACK_FROM = ['regional_group', 'member'] as const

export type Circular = {
  id: string
  number: string
  issuedOn: string
  subject: string
  audience: CircularAudience
  itemCode: string
  fileName: string | null
  sizeBytes: number | null
  sentAt: string | null
  sentBy: string | null
  recipients: number | null
  feedback: number
  createdBy: string
}

export type CircularFeedback = {
  id: string
  fromKind: (typeof FEEDBACK_FROM)[number]
  fromLabel: string
  organizationId: string | null
  receivedOn: string
  summary: string
  reference: string
  recordedBy: string
  recordedAt: string
}

const day = (d: Date | string) => (typeof d === 'string' ? d : d.toISOString().slice(0, 10))

export async function listCirculars(
  db: Db,
  actor: Actor,
  q: { search?: string | undefined; sort?: 'date' | 'number'; page: number; pageSize: number },
): Promise<{ items: Circular[]; total: number }> {
  assertPlanReader(actor)
  let base = db.selectFrom('circular as c')
  if (q.search) {
    const like = likePattern(q.search)
    base = base.where((eb) => eb.or([eb('c.subject', 'ilike', like), eb('c.number', 'ilike', like)]))
  }
  const [rows, count] = await Promise.all([
    base
      .select((eb) => [
        'c.id',
        'c.number',
        'c.issued_on',
        'c.subject',
        'c.audience',
        'c.item_code',
        'c.file_name',
        'c.size_bytes',
        'c.sent_at',
        'c.sent_by',
        'c.recipients',
        'c.created_by',
        eb
          .selectFrom('circular_feedback as f')
          .whereRef('f.circular_id', '=', 'c.id')
          .select(sql<number>`count(*)::int`.as('n'))
          .as('feedback'),
      ])
      .orderBy(q.sort === 'number' ? 'c.number' : 'c.issued_on', q.sort === 'number' ? 'asc' : 'desc')
      .orderBy('c.number')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
  ])
  return {
    total: Number(count.n),
    items: rows.map((r) => ({
      id: r.id,
      number: r.number,
      issuedOn: day(r.issued_on),
      subject: r.subject,
      audience: r.audience as CircularAudience,
      itemCode: r.item_code,
      fileName: r.file_name,
      sizeBytes: r.size_bytes,
      sentAt: r.sent_at?.toISOString() ?? null,
      sentBy: r.sent_by,
      recipients: r.recipients,
      feedback: Number(r.feedback ?? 0),
      createdBy: r.created_by,
    })),
  }
}

export async function getCircular(
  db: Db,
  actor: Actor,
  id: string,
): Promise<Circular & { feedbackList: CircularFeedback[] }> {
  assertPlanReader(actor)
  const r = await db.selectFrom('circular').selectAll().where('id', '=', id).executeTakeFirst()
  if (!r) throw new AppError('NOT_FOUND')
  const feedback = await db
    .selectFrom('circular_feedback')
    .selectAll()
    .where('circular_id', '=', id)
    .orderBy('received_on')
    .orderBy('recorded_at')
    .execute()
  return {
    id: r.id,
    number: r.number,
    issuedOn: day(r.issued_on),
    subject: r.subject,
    audience: r.audience as CircularAudience,
    itemCode: r.item_code,
    fileName: r.file_name,
    sizeBytes: r.size_bytes,
    sentAt: r.sent_at?.toISOString() ?? null,
    sentBy: r.sent_by,
    recipients: r.recipients,
    feedback: feedback.length,
    createdBy: r.created_by,
    feedbackList: feedback.map((f) => ({
      id: f.id,
      fromKind: f.from_kind as CircularFeedback['fromKind'],
      fromLabel: f.from_label,
      organizationId: f.organization_id,
      receivedOn: day(f.received_on),
      summary: f.summary,
      reference: f.reference,
      recordedBy: f.recorded_by,
      recordedAt: f.recorded_at.toISOString(),
    })),
  }
}

export async function circularFile(db: Db, actor: Actor, id: string) {
  assertPlanReader(actor)
  const r = await db
    .selectFrom('circular')
    .select(['file_name', 'content_type', 'content'])
    .where('id', '=', id)
    .executeTakeFirst()
  if (!r?.content || !r.file_name) throw new AppError('NOT_FOUND')
  return {
    fileName: r.file_name,
    contentType: r.content_type ?? 'application/octet-stream',
    content: r.content,
  }
}

export type CircularInput = {
  number: string
  issuedOn: string
  subject: string
  audience: CircularAudience
  itemCode?: string | undefined
}

/** Records a circular (not sent yet), with its document when one is attached (checked like meeting documents). */
export async function createCircular(
  db: Db,
  actor: Actor,
  input: CircularInput,
  file?: { name: string; bytes: Uint8Array },
): Promise<string> {
  assertStaff(actor, true)
  const errors: Record<string, string[]> = {}
  if (!input.number.trim() || input.number.length > 40) errors.number = ['required']
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.issuedOn)) errors.issuedOn = ['date_invalid']
  if (!input.subject.trim() || input.subject.length > 300) errors.subject = ['required']
  if (!(CIRCULAR_AUDIENCES as readonly string[]).includes(input.audience))
    errors.audience = ['choice_invalid']
  let stored:
    | { file_name: string; content_type: string; size_bytes: number; sha256: string; content: Buffer }
    | undefined
  if (file && file.bytes.byteLength > 0) {
    const extension = extensionOf(file.name)
    const detected = sniff(file.bytes)
    if (file.bytes.byteLength > MAX_DOCUMENT_BYTES) errors.file = ['file_too_large']
    else if (!(extension in DOCUMENT_TYPES)) errors.file = ['file_type_not_allowed']
    else if (!detected || !matchesExtension(extension, detected)) errors.file = ['file_content_mismatch']
    else
      stored = {
        file_name: safeFileName(file.name),
        content_type: DOCUMENT_TYPES[extension as keyof typeof DOCUMENT_TYPES],
        size_bytes: file.bytes.byteLength,
        sha256: createHash('sha256').update(file.bytes).digest('hex'),
        content: Buffer.from(file.bytes),
      }
  }
  if (Object.keys(errors).length) throw new AppError('VALIDATION_FAILED', {}, errors)
  return inTransaction(db, async (trx) => {
    const taken = await trx
      .selectFrom('circular')
      .select('id')
      .where('number', '=', input.number.trim())
      .executeTakeFirst()
    if (taken) throw new AppError('VALIDATION_FAILED', {}, { number: ['circular_number_taken'] })
    const row = await trx
      .insertInto('circular')
      .values({
        number: input.number.trim(),
        issued_on: input.issuedOn,
        subject: input.subject.trim(),
        audience: input.audience,
        item_code: input.itemCode?.trim() || 'AP5',
        created_by: actorLabel(actor),
        ...(stored ?? {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'circular',
      entityId: row.id,
      summary: `circular ${input.number}`,
      after: { ...input, file: stored ? { name: stored.file_name, sha256: stored.sha256 } : null },
    })
    return row.id
  })
}

/** The accounts a circular goes to: focal points for Member States, representatives for the others. */
async function recipientsOf(db: Db, audience: CircularAudience) {
  let q = db
    .selectFrom('role_assignment as r')
    .innerJoin('app_user as u', 'u.id', 'r.user_id')
    .leftJoin('organization as o', 'o.id', 'r.organization_id')
    .select(['u.email', 'u.name', 'u.preferred_language'])
    .distinct()
    .where('u.status', '=', 'active')
  if (audience === 'member_states') q = q.where('r.role', '=', 'focal_point')
  else if (audience === 'membership') q = q.where('r.role', 'in', ['focal_point', 'member_representative'])
  else {
    const category =
      audience === 'sector_members' ? 'sector_member' : audience === 'associates' ? 'associate' : 'academia'
    q = q.where('r.role', '=', 'member_representative').where('o.category', '=', category)
  }
  return q.orderBy('u.email').execute()
}

/** Sends a circular once: one e-mail per recipient, in their language, through the outbox. */
export async function sendCircular(db: Db, actor: Actor, id: string, publicUrl: string): Promise<number> {
  assertStaff(actor, true)
  return inTransaction(db, async (trx) => {
    // The row lock makes a double click (or two instances) send once.
    const c = await trx
      .selectFrom('circular')
      .select(['id', 'number', 'subject', 'audience', 'sent_at'])
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst()
    if (!c) throw new AppError('NOT_FOUND')
    if (c.sent_at) throw new AppError('CIRCULAR_SENT')
    const people = await recipientsOf(trx, c.audience as CircularAudience)
    for (const p of people) {
      const t = translator((p.preferred_language as Language | null) ?? 'en')
      await enqueueEmail(trx, {
        to: p.email,
        subject: t('mail.circular.subject', { number: c.number, subject: c.subject }),
        text: t('mail.circular.body', {
          name: p.name,
          number: c.number,
          subject: c.subject,
          link: `${publicUrl}/plan/circulars/${c.id}`,
        }),
      })
    }
    await trx
      .updateTable('circular')
      .set({ sent_at: new Date(), sent_by: actorLabel(actor), recipients: people.length })
      .where('id', '=', id)
      .execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'circular',
      entityId: id,
      summary: `circular ${c.number} sent`,
      after: { recipients: people.length },
    })
    return people.length
  })
}

export type FeedbackInput = {
  fromKind: (typeof FEEDBACK_FROM)[number]
  fromLabel: string
  organizationId?: string | undefined
  receivedOn: string
  summary: string
  reference: string
}

/** Records what a regional group or a member answered to a circular. */
export async function recordFeedback(
  db: Db,
  actor: Actor,
  circularId: string,
  input: FeedbackInput,
): Promise<string> {
  assertStaff(actor, true)
  const errors: Record<string, string[]> = {}
  if (!(FEEDBACK_FROM as readonly string[]).includes(input.fromKind)) errors.fromKind = ['choice_invalid']
  if (!input.fromLabel.trim() || input.fromLabel.length > 200) errors.fromLabel = ['required']
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.receivedOn)) errors.receivedOn = ['date_invalid']
  if (!input.summary.trim() || input.summary.length > 4000) errors.summary = ['required']
  if (Object.keys(errors).length) throw new AppError('VALIDATION_FAILED', {}, errors)
  return inTransaction(db, async (trx) => {
    const c = await trx
      .selectFrom('circular')
      .select(['id', 'issued_on'])
      .where('id', '=', circularId)
      .executeTakeFirst()
    if (!c) throw new AppError('NOT_FOUND')
    if (input.receivedOn < day(c.issued_on))
      throw new AppError('VALIDATION_FAILED', {}, { receivedOn: ['before_circular'] })
    const row = await trx
      .insertInto('circular_feedback')
      .values({
        circular_id: circularId,
        from_kind: input.fromKind,
        from_label: input.fromLabel.trim(),
        organization_id: input.organizationId ?? null,
        received_on: input.receivedOn,
        summary: input.summary.trim(),
        reference: input.reference.trim(),
        recorded_by: actorLabel(actor),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'circular_feedback',
      entityId: row.id,
      summary: `feedback from ${input.fromLabel}`,
      after: input,
    })
    return row.id
  })
}
