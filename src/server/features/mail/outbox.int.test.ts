import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { unique, useHarness } from '../../testing/harness.ts'
import { dispatchOutbox, type Email, enqueueEmail, MAX_SEND_ATTEMPTS } from './mail.service.ts'

const h = useHarness()

test('with SMTP down, mail stays in the outbox with its error and is sent once SMTP is back, after a wait', async () => {
  const to = `${unique('mail')}@example.org`
  await enqueueEmail(h.db, { to, subject: 'Invitation', text: 'Dear colleague' })
  const down = { send: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:587')) }
  assert.equal(await dispatchOutbox(h.db, down, 'engage@example.org'), 0)
  const failed = await h.db
    .selectFrom('outbox_email')
    .selectAll()
    .where('to_address', '=', to)
    .executeTakeFirstOrThrow()
  assert.equal(failed.sent_at, null)
  assert.equal(failed.attempts, 1, 'one attempt per run, not all of them at once')
  assert.match(failed.last_error ?? '', /ECONNREFUSED/)

  const delivered: Email[] = []
  const up = { send: async (_from: string, email: Email) => void delivered.push(email) }
  // Too early: the message waits 5 minutes before its second attempt.
  await dispatchOutbox(h.db, up, 'engage@example.org')
  assert.equal(delivered.filter((m) => m.to === to).length, 0)
  await sql`UPDATE outbox_email SET claimed_at = now() - interval '6 minutes' WHERE to_address = ${to}`.execute(
    h.db,
  )
  await dispatchOutbox(h.db, up, 'engage@example.org')
  await dispatchOutbox(h.db, up, 'engage@example.org')
  assert.equal(delivered.filter((m) => m.to === to).length, 1, 'sent exactly once')
  const sent = await h.db
    .selectFrom('outbox_email')
    .selectAll()
    .where('to_address', '=', to)
    .executeTakeFirstOrThrow()
  assert.ok(sent.sent_at)
  assert.equal(sent.last_error, null)
})

test('the waits double, and a message is given up after the last attempt, left in the outbox with its error', async () => {
  const to = `${unique('mail')}@example.org`
  await enqueueEmail(h.db, { to, subject: 'Reminder', text: 'Hello' })
  const down = { send: async () => Promise.reject(new Error('554 refused')) }
  for (let attempt = 1; attempt <= MAX_SEND_ATTEMPTS + 1; attempt++) {
    await dispatchOutbox(h.db, down, 'engage@example.org')
    const row = await h.db
      .selectFrom('outbox_email')
      .selectAll()
      .where('to_address', '=', to)
      .executeTakeFirstOrThrow()
    assert.equal(row.attempts, Math.min(attempt, MAX_SEND_ATTEMPTS))
    // Just before the wait for this attempt is over, nothing is tried; just after, the next attempt is.
    const wait = 5 * 2 ** (row.attempts - 1)
    await sql`UPDATE outbox_email SET claimed_at = now() - make_interval(mins => ${wait - 1}) WHERE to_address = ${to}`.execute(
      h.db,
    )
    await dispatchOutbox(h.db, down, 'engage@example.org')
    const still = await h.db
      .selectFrom('outbox_email')
      .select('attempts')
      .where('to_address', '=', to)
      .executeTakeFirstOrThrow()
    assert.equal(still.attempts, row.attempts, `no attempt before ${wait} minutes`)
    await sql`UPDATE outbox_email SET claimed_at = now() - make_interval(mins => ${wait + 1}) WHERE to_address = ${to}`.execute(
      h.db,
    )
  }
  const last = await h.db
    .selectFrom('outbox_email')
    .selectAll()
    .where('to_address', '=', to)
    .executeTakeFirstOrThrow()
  assert.equal(last.attempts, MAX_SEND_ATTEMPTS)
  assert.equal(last.sent_at, null)
  assert.match(last.last_error ?? '', /554/)
})
