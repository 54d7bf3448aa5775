import type { Database } from '../db/database.ts'
import type { Env } from '../env.ts'
import type { Actor } from '../features/auth/auth.policy.ts'
import type { Mailer } from '../features/mail/mail.service.ts'
import type { Language, T } from '../i18n/i18n.ts'

export type Deps = {
  database: Database
  env: Env
  mailer: Mailer
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
