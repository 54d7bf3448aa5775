import { after, before } from 'node:test'
import type { KyselyPlugin } from 'kysely'
import { createApp } from '../app.ts'
import type { Database, Db } from '../db/database.ts'
import { readEnv } from '../env.ts'
import { digest, newSecret } from '../features/auth/auth.crypto.ts'
import type { Actor, Role, UserActor } from '../features/auth/auth.policy.ts'
import { SESSION_ABSOLUTE_HOURS } from '../features/auth/auth.service.ts'
import { openTestDatabase } from './test-db.ts'

let counter = 0
export function unique(prefix = 'x'): string {
  counter++
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`
}

export type TestUser = { actor: UserActor; cookie: string; csrf: string; userId: string; email: string }

export type Harness = {
  database: Database
  db: Db
  app: ReturnType<typeof createApp>
  /** SQL statements the app (not the test's own `db`) has run since the harness started. */
  statements: { count: number }
  /** A user with the given roles and a live session (no password hashing: fast). */
  user: (
    grants?: {
      role: Role
      countryCode?: string
      organizationId?: string /** a Sector's id */
      sectorId?: string
    }[],
  ) => Promise<TestUser>
  /** Sends a request as a user (or anonymously), with the CSRF token for state changes. */
  request: (
    path: string,
    init?: RequestInit & {
      as?: TestUser
      form?: Record<string, string>
      json?: unknown
      csrf?: string | false
    },
  ) => Promise<Response>
}

/** One database and app per test file, closed after the file's tests. */
export function useHarness(): Harness {
  const h = {} as Harness
  // An unexpected console.error (the app logs every 500 that way) fails the file.
  const consoleErrors: unknown[][] = []
  const originalError = console.error
  before(async () => {
    console.error = (...args: unknown[]) => {
      consoleErrors.push(args)
      originalError(...args)
    }
    h.database = await openTestDatabase()
    h.db = h.database.db
    const env = readEnv({
      DATA_DIR: '/nonexistent',
      LOG_LEVEL: 'silent',
      PUBLIC_URL: 'http://localhost:3000',
    })
    // The app's queries go through a counting plugin, so a test can see how many statements a page issues.
    h.statements = { count: 0 }
    const counter: KyselyPlugin = {
      transformQuery: (args) => {
        h.statements.count++
        return args.node
      },
      transformResult: async (args) => args.result,
    }
    h.app = createApp({
      database: { ...h.database, db: h.database.db.withPlugin(counter) },
      env,
      mailer: undefined,
    })
    h.user = async (grants = []) => {
      const email = `${unique('user')}@example.org`
      const row = await h.db
        .insertInto('app_user')
        .values({ email, name: `Test ${email}` })
        .returning('id')
        .executeTakeFirstOrThrow()
      const saved = []
      for (const g of grants) {
        saved.push(
          await h.db
            .insertInto('role_assignment')
            .values({
              user_id: row.id,
              role: g.role,
              country_code: g.countryCode ?? null,
              organization_id: g.organizationId ?? null,
              sector_id: g.sectorId ?? null,
            })
            .returning(['id', 'role', 'country_code', 'organization_id', 'sector_id'])
            .executeTakeFirstOrThrow(),
        )
      }
      const token = newSecret()
      const csrf = newSecret()
      await h.db
        .insertInto('session')
        .values({
          id: digest(token),
          user_id: row.id,
          csrf_token: csrf,
          expires_at: new Date(Date.now() + SESSION_ABSOLUTE_HOURS * 3600_000),
        })
        .execute()
      const actor: UserActor = {
        kind: 'user',
        userId: row.id,
        name: `Test ${email}`,
        email,
        via: 'session',
        grants: saved.map((g) => ({
          id: g.id,
          role: g.role as Role,
          countryCode: g.country_code,
          organizationId: g.organization_id,
          sectorId: g.sector_id,
        })),
      }
      return { actor, cookie: `__Host-engage_session=${token}`, csrf, userId: row.id, email }
    }
    h.request = (path, init = {}) => {
      const { as, form, json, csrf, ...rest } = init
      const headers = new Headers(rest.headers)
      if (as) headers.set('Cookie', as.cookie)
      let body = rest.body
      if (form) {
        const params = new URLSearchParams(form)
        if (csrf !== false && as) params.set('_csrf', typeof csrf === 'string' ? csrf : as.csrf)
        body = params
        headers.set('Content-Type', 'application/x-www-form-urlencoded')
      } else if (json !== undefined) {
        body = JSON.stringify(json)
        headers.set('Content-Type', 'application/json')
        if (as && csrf !== false) headers.set('X-CSRF-Token', typeof csrf === 'string' ? csrf : as.csrf)
      } else if (as && csrf !== false && rest.method && rest.method !== 'GET') {
        headers.set('X-CSRF-Token', typeof csrf === 'string' ? csrf : as.csrf)
      }
      return Promise.resolve(h.app.request(path, { ...rest, headers, body: body ?? null }))
    }
  })
  after(async () => {
    console.error = originalError
    await h.database?.close()
    if (consoleErrors.length)
      throw new Error(`console.error was called ${consoleErrors.length} time(s): ${String(consoleErrors[0])}`)
  })
  return h
}

export const anonymous: Actor = { kind: 'anonymous' }
