import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { type Actor, actorLabel, actorUserId, assertAdmin } from '../auth/auth.policy.ts'

export type AuditAction =
  | 'create'
  | 'update'
  | 'delete'
  | 'archive'
  | 'restore'
  | 'import'
  | 'erase'
  | 'sign_in'
  | 'revoke'

export type AuditEntry = {
  action: AuditAction
  entityType: string
  entityId: string
  summary?: string
  before?: unknown
  after?: unknown
}

// Secrets never reach the audit log, whatever a caller passes.
const REDACT = new Set(['password_hash', 'passwordHash', 'token_hash', 'csrf_token', 'password'])

function redact(value: unknown): unknown {
  if (value === undefined || value === null) return null
  if (Array.isArray(value)) return value.map(redact)
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        REDACT.has(k) ? '[redacted]' : redact(v),
      ]),
    )
  }
  return value
}

/** Call inside the transaction that makes the change, so the change and its record commit together. */
export async function recordAudit(trx: Db, actor: Actor, entry: AuditEntry): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({
      actor_user_id: actorUserId(actor),
      actor_label: actorLabel(actor),
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      summary: entry.summary ?? null,
      before: entry.before === undefined ? null : JSON.stringify(redact(entry.before)),
      after: entry.after === undefined ? null : JSON.stringify(redact(entry.after)),
    })
    .execute()
}

export async function recordAuditMany(trx: Db, actor: Actor, entries: AuditEntry[]): Promise<void> {
  const chunk = 500
  for (let i = 0; i < entries.length; i += chunk) {
    await trx
      .insertInto('audit_log')
      .values(
        entries.slice(i, i + chunk).map((entry) => ({
          actor_user_id: actorUserId(actor),
          actor_label: actorLabel(actor),
          action: entry.action,
          entity_type: entry.entityType,
          entity_id: entry.entityId,
          summary: entry.summary ?? null,
          before: entry.before === undefined ? null : JSON.stringify(redact(entry.before)),
          after: entry.after === undefined ? null : JSON.stringify(redact(entry.after)),
        })),
      )
      .execute()
  }
}

export type AuditQuery = {
  entityType?: string | undefined
  entityId?: string | undefined
  actor?: string | undefined
  action?: string | undefined
  from?: string | undefined
  to?: string | undefined
  page: number
  pageSize: number
}

export type AuditRecord = {
  id: number
  occurredAt: string
  actorUserId: string | null
  actorLabel: string
  action: string
  entityType: string
  entityId: string
  summary: string | null
  before: unknown
  after: unknown
}

export async function listAudit(
  db: Db,
  actor: Actor,
  q: AuditQuery,
): Promise<{ items: AuditRecord[]; total: number }> {
  assertAdmin(actor)
  let query = db.selectFrom('audit_log')
  if (q.entityType) query = query.where('entity_type', '=', q.entityType)
  if (q.entityId) query = query.where('entity_id', '=', q.entityId)
  if (q.action) query = query.where('action', '=', q.action)
  if (q.actor)
    query = query.where(sql<boolean>`actor_label ILIKE ${`%${q.actor.replace(/[\\%_]/g, '\\$&')}%`}`)
  if (q.from) query = query.where('occurred_at', '>=', new Date(`${q.from}T00:00:00Z`))
  if (q.to)
    query = query.where('occurred_at', '<', sql<Date>`${`${q.to}T00:00:00Z`}::timestamptz + interval '1 day'`)
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy('occurred_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return {
    total: Number(count.n),
    items: rows.map((r) => ({
      id: Number(r.id),
      occurredAt: r.occurred_at.toISOString(),
      actorUserId: r.actor_user_id,
      actorLabel: r.actor_label,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      summary: r.summary,
      before: r.before,
      after: r.after,
    })),
  }
}
