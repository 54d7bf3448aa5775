import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PGlite } from '@electric-sql/pglite'
import { Kysely, PGliteDialect } from 'kysely'
import pg from 'pg'
import { createApp } from '../app.ts'
import { type Database, openPostgres } from '../db/database.ts'
import type { DB } from '../db/schema.ts'
import { readEnv } from '../env.ts'
import { useHarness } from '../testing/harness.ts'
import { POSTGRES_ADMIN_URL } from '../testing/test-db.ts'

const h = useHarness()
const env = readEnv({ DATA_DIR: '/nonexistent', LOG_LEVEL: 'silent', PUBLIC_URL: 'http://localhost:3000' })

/** A database that cannot be reached: a closed PGlite, or a PostgreSQL address nobody listens on. */
async function unreachable(): Promise<Database> {
  if (h.database.kind === 'postgres') return openPostgres('postgres://postgres@127.0.0.1:1/engage_nowhere', 1)
  const pglite = await PGlite.create()
  await pglite.close()
  return {
    db: new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) }),
    kind: 'embedded',
    close: async () => {},
  }
}

test('with the database unreachable, every kind of request answers a clear 503, never a 500', async () => {
  const database = await unreachable()
  const app = createApp({ database, env, mailer: undefined })
  const warn = console.warn
  console.warn = () => {}
  try {
    const health = await app.request('/healthz')
    assert.equal(health.status, 503)
    assert.equal(((await health.json()) as { status: string }).status, 'unavailable')
    assert.equal(health.headers.get('retry-after'), '5')

    const api = await app.request('/api/v1/organizations', {
      headers: { Authorization: `Bearer eng_${'x'.repeat(43)}` },
    })
    assert.equal(api.status, 503)
    assert.equal(api.headers.get('content-type'), 'application/problem+json')
    assert.equal(((await api.json()) as { code: string }).code, 'UNAVAILABLE')

    const page = await app.request('/organizations', { headers: { Cookie: 'engage_session=whatever' } })
    assert.equal(page.status, 503)
    assert.match(await page.text(), /briefly unavailable/)
    assert.ok(page.headers.get('content-security-policy'), 'the error page keeps the security headers')
  } finally {
    console.warn = warn
    if (h.database.kind === 'postgres') await database.close()
  }
})

test('PostgreSQL: connections dropped by the server are replaced; no request fails with a 500 and no write is half-done', async (t) => {
  if (h.database.kind !== 'postgres') {
    // PGlite runs inside the process: there is no connection to lose (docs/security.md, "Faults").
    assert.equal(h.database.kind, 'embedded')
    return
  }
  const admin = await h.user([{ role: 'admin' }])
  const { rows } = await import('kysely').then(({ sql }) =>
    sql<{ name: string }>`SELECT current_database() AS name`.execute(h.db),
  )
  const name = rows[0]!.name
  const before = await h.db
    .selectFrom('organization')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  const warn = console.warn
  console.warn = () => {}
  t.after(() => {
    console.warn = warn
  })
  const killer = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
  await killer.connect()
  const statuses: number[] = []
  let created = 0
  try {
    // Until a lost connection has been met at least once (the server drops idle ones at its own pace, so
    // a round may find them already replaced), and at least three rounds.
    for (let round = 0; round < 3 || (!statuses.includes(503) && round < 20); round++) {
      await killer.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      )
      for (let i = 0; i < 4; i++) {
        const res = await h.request('/api/v1/organizations', {
          method: 'POST',
          as: admin,
          json: { name: `Fault Org ${round}-${i}`, category: 'academia', countryCode: 'KE' },
        })
        statuses.push(res.status)
        if (res.status === 201) created++
      }
    }
  } finally {
    await killer.end()
  }
  assert.ok(statuses.includes(503), 'a lost connection was met')
  assert.ok(
    statuses.every((s) => s === 201 || s === 503),
    `statuses ${statuses.join(',')}`,
  )
  assert.equal(statuses.at(-1), 201, 'the last requests succeed: the pool reconnected')
  const after = await h.db
    .selectFrom('organization')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  assert.equal(Number(after.n) - Number(before.n), created, 'exactly the acknowledged writes are stored')
})
