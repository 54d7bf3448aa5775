import type { Context } from 'hono'
import type { Database, Db } from '../db/database.ts'
import type { Env } from '../env.ts'
import type { Actor } from '../features/auth/auth.policy.ts'
import type { Mailer } from '../features/mail/mail.service.ts'
import type { Language, T } from '../i18n/i18n.ts'

export type Deps = {
  database: Database
  env: Env
  mailer: Mailer
  /** Start queued background work (report generation) as soon as it is queued; tests run it themselves. */
  kickJobs?: boolean
}

export type AppEnv = {
  Variables: {
    deps: Deps
    actor: Actor
    lang: Language
    t: T
    csrfToken: string
    sessionId: string | undefined
    requestId: string
  }
}

/** What a handler passes to a service: the database, who is asking, in which language. */
export function scope(c: Pick<Context<AppEnv>, 'get'>): { db: Db; actor: Actor; lang: Language } {
  return { db: c.get('deps').database.db, actor: c.get('actor'), lang: c.get('lang') }
}
