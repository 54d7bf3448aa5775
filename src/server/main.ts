import { serve } from '@hono/node-server'
import { createApp } from './app.ts'
import { DataDirLockedError } from './db/database.ts'
import { pruneDerived } from './db/derived.ts'
import { readEnv } from './env.ts'
import { pruneRateLimits } from './features/auth/rate-limit.ts'
import { pruneChallenges } from './features/auth/two-factor.service.ts'
import { dispatchInvitations, sendConsultationReminders } from './features/consultations/invitations.ts'
import { dispatchOutbox, smtpMailer } from './features/mail/mail.service.ts'
import { sendReminders } from './features/meetings/meetings.service.ts'
import { applyRetention } from './features/privacy/retention.service.ts'
import { sendActionReminders } from './features/topics/follow-up.service.ts'
import { runReportJobs } from './reports/reports.service.ts'
import { openReadyDatabase } from './setup/bootstrap.ts'

const env = readEnv()
const log = (...args: unknown[]) => {
  if (env.logLevel !== 'silent') console.log(...args)
}

let database: Awaited<ReturnType<typeof openReadyDatabase>>
try {
  database = await openReadyDatabase(env)
} catch (error) {
  if (error instanceof DataDirLockedError) {
    console.error(error.message)
    process.exit(1)
  }
  throw error
}

const mailer = smtpMailer(env.smtpUrl)
const app = createApp({ database, env, mailer, kickJobs: true })
const server = serve({ fetch: app.fetch, port: env.port, hostname: env.host }, (info) => {
  log(
    `Engage listening on http://localhost:${info.port} (database: ${database.kind}${database.kind === 'embedded' ? `, ${env.dataDir}` : ''})`,
  )
})

// Background work runs in every instance; the outbox claim (SKIP LOCKED) keeps instances from doubling up.
const timers = [
  // Reports queued by any instance (or left by one that stopped mid-way) are generated here.
  setInterval(() => {
    runReportJobs(database.db).catch((e) => console.error('report jobs:', e))
  }, 5_000),
  setInterval(() => {
    dispatchOutbox(database.db, mailer, env.mailFrom).catch((e) => console.error('outbox:', e))
  }, 10_000),
  // Invitation reminders: each pending invitation is claimed once, so instances never send twice.
  setInterval(() => {
    sendReminders(database.db, env.publicUrl).catch((e) => console.error('reminders:', e))
    // Consultations: invite those not invited yet (a consultation whose opening date has come, a focal
    // point named since), then remind before closing. Both skip what another instance already did.
    dispatchInvitations(database.db, env.publicUrl)
      .then(() => sendConsultationReminders(database.db, env.publicUrl))
      .then(() => sendActionReminders(database.db, env.publicUrl))
      .catch((e) => console.error('consultation mail:', e))
  }, 15 * 60_000),
  setInterval(() => {
    Promise.all([
      pruneRateLimits(database.db),
      pruneChallenges(database.db),
      applyRetention(database.db),
      database.db
        .deleteFrom('idempotency_key')
        .where('created_at', '<', new Date(Date.now() - 86400_000))
        .execute(),
      pruneDerived(database.db),
      database.db.deleteFrom('session').where('expires_at', '<', new Date()).execute(),
      database.db
        .deleteFrom('one_time_token')
        .where('expires_at', '<', new Date(Date.now() - 7 * 86400_000))
        .execute(),
    ]).catch((e) => console.error('housekeeping:', e))
  }, 60 * 60_000),
]

let stopping = false
async function shutdown(signal: string) {
  if (stopping) return
  stopping = true
  log(`${signal} received: shutting down`)
  for (const t of timers) clearInterval(t)
  const force = setTimeout(() => {
    console.error('Shutdown took too long; exiting')
    process.exit(1)
  }, 10_000)
  force.unref()
  server.close(async () => {
    await database.close()
    log('Database closed. Bye.')
    process.exit(0)
  })
  // Idle keep-alive connections would hold close() open.
  ;(server as unknown as { closeIdleConnections?: () => void }).closeIdleConnections?.()
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))
