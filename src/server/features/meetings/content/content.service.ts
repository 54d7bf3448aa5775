import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../../../db/database.ts'
import { inTransaction } from '../../../db/transaction.ts'
import { AppError } from '../../../http/errors.ts'
import { type Language, type Localized, pick } from '../../../i18n/i18n.ts'
import { utcToZoned, zonedToUtc } from '../../../i18n/time-zones.ts'
import { recordAudit } from '../../audit/audit.service.ts'
import { type Actor, deny, isStaff, isUser } from '../../auth/auth.policy.ts'
import { assertRecordInScope } from '../../structure/scope.ts'
import { canManageMeetings, canSeeMeeting } from '../meetings.policy.ts'
import * as repo from '../meetings.repository.ts'
import type { MeetingStatus } from '../meetings.schema.ts'
import type { MeetingDocument, Minutes, Session, SessionInput } from './content.schema.ts'
import {
  DOCUMENT_TYPES,
  extensionOf,
  MAX_DOCUMENT_BYTES,
  matchesExtension,
  safeFileName,
  sniff,
} from './file-types.ts'

async function visibleMeeting(db: Db, actor: Actor, meetingId: string) {
  const m = await db
    .selectFrom('meeting')
    .select(['id', 'status', 'time_zone'])
    .where('id', '=', meetingId)
    .executeTakeFirst()
  if (!m || !canSeeMeeting(actor, m.status as MeetingStatus)) throw new AppError('MEETING_NOT_FOUND')
  return m
}

/** The meeting a staff change is made to, locked; a Sector-limited secretariat only changes its Sector's. */
async function managedMeeting(trx: Db, actor: Actor, meetingId: string) {
  if (!canManageMeetings(actor)) deny(actor)
  await assertRecordInScope(trx, actor, 'meeting', meetingId)
  const m = await repo.lockMeeting(trx, meetingId)
  if (!m) throw new AppError('MEETING_NOT_FOUND')
  return m
}

// ---------------------------------------------------------------- sessions and agenda outline

export async function listSessions(
  db: Db,
  actor: Actor,
  meetingId: string,
  lang: Language,
): Promise<Session[]> {
  const m = await visibleMeeting(db, actor, meetingId)
  const rows = await db
    .selectFrom('meeting_session')
    .selectAll()
    .where('meeting_id', '=', meetingId)
    .orderBy('position')
    .orderBy('created_at')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    position: r.position,
    title: pick(r.titles as Localized, lang),
    titles: r.titles as Record<string, string>,
    startsAt: r.starts_at ? utcToZoned(r.starts_at, m.time_zone) : null,
    endsAt: r.ends_at ? utcToZoned(r.ends_at, m.time_zone) : null,
    outline: r.outline
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  }))
}

export async function addSession(
  db: Db,
  actor: Actor,
  meetingId: string,
  input: SessionInput,
): Promise<string> {
  return inTransaction(db, async (trx) => {
    const m = await managedMeeting(trx, actor, meetingId)
    const last = await trx
      .selectFrom('meeting_session')
      .select((eb) => eb.fn.max('position').as('p'))
      .where('meeting_id', '=', meetingId)
      .executeTakeFirst()
    const row = await trx
      .insertInto('meeting_session')
      .values({
        meeting_id: meetingId,
        position: Number(last?.p ?? 0) + 1,
        titles: JSON.stringify(input.titles),
        starts_at: input.startsAt ? zonedToUtc(input.startsAt, m.time_zone) : null,
        ends_at: input.endsAt ? zonedToUtc(input.endsAt, m.time_zone) : null,
        outline: input.outline,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'meeting_session',
      entityId: row.id,
      after: row,
    })
    return row.id
  })
}

export async function removeSession(db: Db, actor: Actor, sessionId: string): Promise<string> {
  return inTransaction(db, async (trx) => {
    const before = await trx
      .selectFrom('meeting_session')
      .selectAll()
      .where('id', '=', sessionId)
      .executeTakeFirst()
    if (!before) throw new AppError('SESSION_NOT_FOUND')
    await managedMeeting(trx, actor, before.meeting_id)
    await trx.deleteFrom('meeting_session').where('id', '=', sessionId).execute()
    await recordAudit(trx, actor, {
      action: 'delete',
      entityType: 'meeting_session',
      entityId: sessionId,
      before,
    })
    return before.meeting_id
  })
}

// ---------------------------------------------------------------- documents

function toDocument(r: {
  id: string
  kind: string
  title: string
  file_name: string
  content_type: string
  size_bytes: number
  sha256: string
  published: boolean
  uploaded_at: Date
}): MeetingDocument {
  return {
    id: r.id,
    kind: r.kind as MeetingDocument['kind'],
    title: r.title,
    fileName: r.file_name,
    contentType: r.content_type,
    sizeBytes: r.size_bytes,
    sha256: r.sha256,
    published: r.published,
    uploadedAt: r.uploaded_at.toISOString(),
  }
}

const documentColumns = [
  'id',
  'kind',
  'title',
  'file_name',
  'content_type',
  'size_bytes',
  'sha256',
  'published',
  'uploaded_at',
] as const

/** Published documents for everyone who sees the meeting; unpublished ones for the secretariat only. */
export async function listDocuments(db: Db, actor: Actor, meetingId: string): Promise<MeetingDocument[]> {
  await visibleMeeting(db, actor, meetingId)
  let q = db.selectFrom('meeting_document').select(documentColumns).where('meeting_id', '=', meetingId)
  if (!isStaff(actor)) q = q.where('published', '=', true)
  return (await q.orderBy('kind').orderBy('uploaded_at').execute()).map(toDocument)
}

/**
 * Stores an uploaded document after checking its size and that its content really is the type its
 * name claims; the stored content type comes from that check, never from the browser.
 */
export async function uploadDocument(
  db: Db,
  actor: Actor,
  meetingId: string,
  meta: { kind: MeetingDocument['kind']; title: string; published: boolean },
  file: { name: string; bytes: Uint8Array },
): Promise<MeetingDocument> {
  if (!canManageMeetings(actor)) deny(actor)
  if (file.bytes.byteLength === 0) throw new AppError('VALIDATION_FAILED', {}, { file: ['file_empty'] })
  if (file.bytes.byteLength > MAX_DOCUMENT_BYTES)
    throw new AppError('DOCUMENT_TOO_LARGE', { max: MAX_DOCUMENT_BYTES })
  const extension = extensionOf(file.name)
  if (!(extension in DOCUMENT_TYPES))
    throw new AppError('DOCUMENT_TYPE_REFUSED', {}, { file: ['file_type_not_allowed'] })
  const detected = sniff(file.bytes)
  if (!detected || !matchesExtension(extension, detected)) {
    throw new AppError('DOCUMENT_TYPE_REFUSED', { extension, detected }, { file: ['file_content_mismatch'] })
  }
  const fileName = safeFileName(file.name)
  return inTransaction(db, async (trx) => {
    await managedMeeting(trx, actor, meetingId)
    const row = await trx
      .insertInto('meeting_document')
      .values({
        meeting_id: meetingId,
        kind: meta.kind,
        title: meta.title,
        file_name: fileName,
        content_type: DOCUMENT_TYPES[extension as keyof typeof DOCUMENT_TYPES],
        size_bytes: file.bytes.byteLength,
        sha256: createHash('sha256').update(file.bytes).digest('hex'),
        content: Buffer.from(file.bytes),
        published: meta.published,
        uploaded_by: isUser(actor) ? actor.userId : null,
      })
      .returning(documentColumns)
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'meeting_document',
      entityId: row.id,
      after: toDocument(row),
    })
    return toDocument(row)
  })
}

export async function getDocumentContent(
  db: Db,
  actor: Actor,
  documentId: string,
): Promise<{ document: MeetingDocument; content: Uint8Array }> {
  const row = await db
    .selectFrom('meeting_document')
    .selectAll()
    .where('id', '=', documentId)
    .executeTakeFirst()
  if (!row) throw new AppError('DOCUMENT_NOT_FOUND')
  await visibleMeeting(db, actor, row.meeting_id)
  if (!row.published && !isStaff(actor)) throw new AppError('DOCUMENT_NOT_FOUND')
  // pg gives a Buffer, PGlite a Uint8Array: both are bytes.
  return { document: toDocument(row), content: new Uint8Array(row.content) }
}

export async function setDocumentPublished(
  db: Db,
  actor: Actor,
  documentId: string,
  published: boolean,
): Promise<string> {
  return inTransaction(db, async (trx) => {
    const before = await trx
      .selectFrom('meeting_document')
      .select(documentColumns)
      .select('meeting_id')
      .where('id', '=', documentId)
      .executeTakeFirst()
    if (!before) throw new AppError('DOCUMENT_NOT_FOUND')
    await managedMeeting(trx, actor, before.meeting_id)
    await trx.updateTable('meeting_document').set({ published }).where('id', '=', documentId).execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'meeting_document',
      entityId: documentId,
      before: { published: before.published },
      after: { published },
    })
    return before.meeting_id
  })
}

export async function deleteDocument(db: Db, actor: Actor, documentId: string): Promise<string> {
  return inTransaction(db, async (trx) => {
    const before = await trx
      .selectFrom('meeting_document')
      .select(documentColumns)
      .select('meeting_id')
      .where('id', '=', documentId)
      .executeTakeFirst()
    if (!before) throw new AppError('DOCUMENT_NOT_FOUND')
    await managedMeeting(trx, actor, before.meeting_id)
    await trx.deleteFrom('meeting_document').where('id', '=', documentId).execute()
    await recordAudit(trx, actor, {
      action: 'delete',
      entityType: 'meeting_document',
      entityId: documentId,
      before: toDocument(before),
    })
    return before.meeting_id
  })
}

// ---------------------------------------------------------------- minutes

/**
 * The current minutes with their history. The public and members see final minutes only; the
 * secretariat sees drafts too.
 */
export async function getMinutes(db: Db, actor: Actor, meetingId: string): Promise<Minutes | null> {
  await visibleMeeting(db, actor, meetingId)
  let q = db.selectFrom('meeting_minutes_revision').selectAll().where('meeting_id', '=', meetingId)
  if (!isStaff(actor)) q = q.where('state', '=', 'final')
  const rows = await q.orderBy('revision', 'desc').execute()
  const current = rows[0]
  if (!current) return null
  return {
    revision: current.revision,
    state: current.state as Minutes['state'],
    body: current.body,
    createdAt: current.created_at.toISOString(),
    history: rows.map((r) => ({
      revision: r.revision,
      state: r.state as Minutes['state'],
      createdAt: r.created_at.toISOString(),
    })),
  }
}

/**
 * Saves a new revision. The editor names the revision it started from: if someone saved meanwhile the
 * save is refused with 409 and nothing is lost. Final minutes take no further revision.
 */
export async function saveMinutes(
  db: Db,
  actor: Actor,
  meetingId: string,
  input: { body: string; baseRevision: number },
  state: 'draft' | 'final',
): Promise<number> {
  return inTransaction(db, async (trx) => {
    await managedMeeting(trx, actor, meetingId)
    const { rows } = await sql<{ revision: number | null; state: string | null }>`
      SELECT revision, state FROM meeting_minutes_revision WHERE meeting_id = ${meetingId}
      ORDER BY revision DESC LIMIT 1`.execute(trx)
    const latest = rows[0]
    if (latest?.state === 'final') throw new AppError('MINUTES_FINAL')
    const current = Number(latest?.revision ?? 0)
    if (input.baseRevision !== current) throw new AppError('MINUTES_CONFLICT', { current })
    const row = await trx
      .insertInto('meeting_minutes_revision')
      .values({
        meeting_id: meetingId,
        revision: current + 1,
        body: input.body,
        state,
        created_by: isUser(actor) ? actor.userId : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'meeting_minutes',
      entityId: row.id,
      summary: `revision ${row.revision} (${state})`,
    })
    return row.revision
  })
}
