import { sql } from 'kysely'
import nodemailer, { type Transporter } from 'nodemailer'
import type { Db } from '../../db/database.ts'
import { type Actor, assertStaff } from '../auth/auth.policy.ts'

export type Email = { to: string; subject: string; text: string }

/** Mail is written to the outbox in the caller's transaction; it is sent only if that transaction commits. */
export async function enqueueEmail(trx: Db, email: Email): Promise<string> {
  const row = await trx
    .insertInto('outbox_email')
    .values({ to_address: email.to, subject: email.subject, body_text: email.text })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export type Mailer = { send: (from: string, email: Email) => Promise<void> } | undefined

export function smtpMailer(smtpUrl: string | undefined): Mailer {
  if (!smtpUrl) return undefined
  const transport: Transporter = nodemailer.createTransport(smtpUrl)
  return {
    send: async (from, email) => {
      await transport.sendMail({ from, to: email.to, subject: email.subject, text: email.text })
    },
  }
}

/** Attempts at sending one message; the waits between them double from 5 minutes (about 10 hours in all). */
export const MAX_SEND_ATTEMPTS = 8

/**
 * Sends pending outbox mail. Each message is claimed in a short statement (SKIP LOCKED, with a lease), so
 * several app instances on one PostgreSQL never send it twice and no transaction waits on the SMTP server.
 * A message that could not be sent (SMTP down or refusing) stays in the outbox with its error and is tried
 * again after 5, 10, 20… minutes, up to MAX_SEND_ATTEMPTS; a claim whose instance died is taken over the
 * same way. Without SMTP the outbox is the delivery: staff read it in the app.
 */
export async function dispatchOutbox(db: Db, mailer: Mailer, from: string, batch = 20): Promise<number> {
  if (!mailer) return 0
  let sent = 0
  for (let i = 0; i < batch; i++) {
    const { rows } = await sql<{ id: string; to_address: string; subject: string; body_text: string }>`
      UPDATE outbox_email SET attempts = attempts + 1, claimed_at = now()
      WHERE id = (
        SELECT id FROM outbox_email
        WHERE sent_at IS NULL AND attempts < ${MAX_SEND_ATTEMPTS}
          AND (claimed_at IS NULL OR claimed_at < now() - interval '5 minutes' * power(2, greatest(attempts - 1, 0)))
        ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, to_address, subject, body_text`.execute(db)
    const row = rows[0]
    if (!row) break
    try {
      await mailer.send(from, { to: row.to_address, subject: row.subject, text: row.body_text })
      await db
        .updateTable('outbox_email')
        .set({ sent_at: new Date(), last_error: null })
        .where('id', '=', row.id)
        .execute()
      sent++
    } catch (error) {
      // The claim stays: it is the wait before the next attempt (not another try in this same run).
      await db
        .updateTable('outbox_email')
        .set({ claimed_at: new Date(), last_error: String(error).slice(0, 1000) })
        .where('id', '=', row.id)
        .execute()
    }
  }
  return sent
}

export type OutboxItem = {
  id: string
  to: string
  subject: string
  text: string
  createdAt: string
  sentAt: string | null
  lastError: string | null
}

export async function listOutbox(
  db: Db,
  actor: Actor,
  page: number,
  pageSize: number,
): Promise<{ items: OutboxItem[]; total: number }> {
  assertStaff(actor)
  const [rows, count] = await Promise.all([
    db
      .selectFrom('outbox_email')
      .selectAll()
      .orderBy('created_at', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    db
      .selectFrom('outbox_email')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ])
  return {
    total: Number(count.n),
    items: rows.map((r) => ({
      id: r.id,
      to: r.to_address,
      subject: r.subject,
      text: r.body_text,
      createdAt: r.created_at.toISOString(),
      sentAt: r.sent_at?.toISOString() ?? null,
      lastError: r.last_error,
    })),
  }
}
