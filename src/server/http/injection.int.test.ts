import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { buildMeeting, buildOrganization, buildPerson } from '../testing/factories.ts'
import { type TestUser, useHarness } from '../testing/harness.ts'

/**
 * SQL injection attempts in every sort, filter and search parameter of the list routes: the API's, read
 * from the app's own OpenAPI document, and the pages'. Nothing may fail, leak SQL errors or change data;
 * and a search for % or _ finds those characters, not everything.
 */
const h = useHarness()

const PAYLOADS = [
  "' OR 1=1--",
  '"; DROP TABLE person; --',
  '1) UNION SELECT id, email, password_hash FROM app_user --',
  "name; DELETE FROM organization WHERE '1'='1",
  "' || (SELECT pg_sleep(2)) || '",
  'name DESC, (SELECT 1/0)',
  '%',
  '_',
  '\\',
  "\\'; SELECT 1; --",
  `${"'".repeat(20)}${'x'.repeat(10_000)}`,
  '\u0000',
]
/** For the pages, which render a whole list for each: the payloads most likely to break something. */
const PAGE_PAYLOADS = [PAYLOADS[0], PAYLOADS[1], PAYLOADS[2], '%', '\\', PAYLOADS[10]] as string[]

const SQL_ERROR =
  /syntax error|unterminated quoted|invalid input syntax|relation "|column "|division by zero|SQLSTATE|PostgresError|pg_sleep|\bat [^\s]+ \(|node_modules|\.ts:\d+/i

const PAGES: Record<string, string[]> = {
  '/organizations': [
    'q',
    'region',
    'status',
    'tag',
    'category',
    'segment',
    'country',
    'sme',
    'archived',
    'sort',
    'dir',
    'page',
  ],
  '/people': ['q', 'organizationId', 'seniority', 'archived', 'sort', 'dir', 'page'],
  '/countries': ['q', 'region', 'status', 'tag'],
  '/meetings': ['when', 'kind', 'groupId', 'year', 'region', 'status', 'page'],
  '/topics': [
    'q',
    'state',
    'source',
    'priorityId',
    'studyGroup',
    'groupId',
    'year',
    'includeMerged',
    'sort',
    'dir',
    'page',
  ],
  '/consultations': ['q', 'status', 'purpose', 'meetingId', 'sort', 'dir', 'page'],
  '/admin/audit': ['entityType', 'entityId', 'actor', 'action', 'from', 'to', 'page'],
  '/admin/users': ['q', 'page'],
  '/admin/outbox': ['page'],
  '/analytics': ['group', 'kind', 'from', 'to'],
  '/plan/circulars': ['q', 'sort', 'page'],
  '/plan/indicators': ['from', 'to'],
  '/plan/scorecard': ['from', 'to'],
  '/plan': ['version', 'view'],
  '/reports': ['q', 'sort', 'kind', 'page'],
  '/bodies': ['q', 'sort'],
}
/** The meeting page's own searches and pagers (selects that search for an organization, topic or person). */
const MEETING_PAGE_PARAMS = ['org', 'topic', 'person', 'invitations', 'registrations', 'participants']

type Doc = {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>
}

const COUNTED = [
  'person',
  'organization',
  'app_user',
  'topic',
  'meeting',
  'consultation',
  'audit_log',
] as const

async function state() {
  const counts: Record<string, number> = {}
  for (const table of COUNTED) {
    // Fails if a table was dropped.
    counts[table] = Number(
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(h.db)).rows[0]?.n,
    )
  }
  const version = await h.db.selectFrom('data_version').select('version').executeTakeFirstOrThrow()
  return { counts, version: version.version }
}

async function attempt(path: string, as: TestUser) {
  const res = await h.request(path, { as })
  const text = await res.text()
  const where = `GET ${path.slice(0, 200)} → ${res.status}: ${text.slice(0, 300)}`
  assert.ok(res.status < 500, where)
  assert.doesNotMatch(text, SQL_ERROR, where)
}

test('injection payloads in every query parameter of every API read and list page fail safely and change nothing', async (t) => {
  const admin = await h.user([{ role: 'admin' }])
  const org = await buildOrganization(h.db, { name: 'Injection Target Org' })
  await buildPerson(h.db, { organization_id: org.id, name: 'Injection Target Person' })
  const meeting = await buildMeeting(h.db, { status: 'held', starts_at: new Date(Date.now() - 86400_000) })
  const doc = (await (await h.request('/api/openapi.json')).json()) as Doc
  const before = await state()

  const started = performance.now()
  const someId = org.id
  let requests = 0
  const reads = Object.entries(doc.paths).flatMap(([path, methods]) =>
    methods.get?.parameters?.some((p) => p.in === 'query') ? [{ path, params: methods.get.parameters }] : [],
  )
  assert.ok(reads.length >= 15, `found ${reads.length} API reads with query parameters`)
  for (const { path, params } of reads) {
    const url = path
      .replace(/\{code\}/g, 'KE')
      .replace(/\{[^}]+\}/g, path.includes('meetings/{id}') ? meeting.id : someId)
    for (const p of params.filter((x) => x.in === 'query')) {
      for (const payload of PAYLOADS) {
        await attempt(`${url}?${new URLSearchParams({ [p.name]: payload })}`, admin)
        requests++
      }
    }
  }
  const apiDone = performance.now()
  for (const [page, params] of Object.entries(PAGES)) {
    for (const name of params) {
      for (const payload of PAGE_PAYLOADS) {
        await attempt(`${page}?${new URLSearchParams({ [name]: payload })}`, admin)
        requests++
      }
    }
  }
  for (const name of MEETING_PAGE_PARAMS) {
    for (const payload of PAGE_PAYLOADS) {
      await attempt(`/meetings/${meeting.id}?${new URLSearchParams({ [name]: payload })}`, admin)
      requests++
    }
  }
  t.diagnostic(
    `${requests} requests; API ${Math.round(apiDone - started)} ms, pages ${Math.round(performance.now() - apiDone)} ms`,
  )
  assert.deepEqual(await state(), before, 'every table still there, with the same rows, and no write')
  assert.ok(requests > 1000, `${requests} requests`)
})

test('a search for %, _ or \\ matches those characters literally, in the API and on the pages', async () => {
  const sec = await h.user([{ role: 'admin' }])
  await buildOrganization(h.db, { name: 'Literal 100% off' })
  await buildOrganization(h.db, { name: 'Literal 1000 off' })
  await buildOrganization(h.db, { name: 'Literal a_b' })
  await buildOrganization(h.db, { name: 'Literal axb' })
  await buildOrganization(h.db, { name: 'Literal c\\d' })
  await buildOrganization(h.db, { name: 'Literal cd' })
  // People are also found by their organization's name: theirs matches none of the searches.
  const neutral = await buildOrganization(h.db, { name: 'Neutral employer' })
  for (const name of ['Lit 100% off', 'Lit 1000 off', 'Lit a_b', 'Lit axb', 'Lit c\\d', 'Lit cd']) {
    await buildPerson(h.db, { organization_id: neutral.id, name })
    const res = await h.request('/api/v1/topics', {
      method: 'POST',
      as: sec,
      json: { titles: { en: `Top ${name}` } },
    })
    assert.equal(res.status, 201)
  }
  const cases: [string, string, string][] = [
    ['100%', '100% off', '1000 off'],
    ['a_b', 'a_b', 'axb'],
    ['c\\d', 'c\\d', 'cd'],
  ]
  type Page = { items: { name?: string; title?: string; titles?: Record<string, string> }[] }
  const lists: [string, string, (i: Page['items'][number]) => string][] = [
    ['/api/v1/organizations', 'Literal', (i) => i.name ?? ''],
    ['/api/v1/people', 'Lit', (i) => i.name ?? ''],
    ['/api/v1/topics', 'Top Lit', (i) => i.titles?.en ?? i.title ?? ''],
  ]
  for (const [list, prefix, label] of lists) {
    for (const [q, hit, miss] of cases) {
      const res = await h.request(`${list}?${new URLSearchParams({ q, pageSize: '200' })}`, { as: sec })
      assert.equal(res.status, 200, list)
      const names = ((await res.json()) as Page).items.map(label)
      assert.ok(names.includes(`${prefix} ${hit}`), `${list}?q=${q} finds "${hit}": ${names}`)
      assert.ok(!names.includes(`${prefix} ${miss}`), `${list}?q=${q} does not find "${miss}": ${names}`)
    }
  }
  for (const [page, prefix] of [
    ['/organizations', 'Literal'],
    ['/people', 'Lit'],
    ['/topics', 'Top Lit'],
  ] as const) {
    for (const [q, hit, miss] of cases) {
      const html = await (await h.request(`${page}?${new URLSearchParams({ q })}`, { as: sec })).text()
      const escaped = (s: string) => s.replaceAll('&', '&amp;')
      assert.ok(html.includes(escaped(`${prefix} ${hit}`)), `${page}?q=${q} finds "${hit}"`)
      assert.ok(!html.includes(escaped(`${prefix} ${miss}`)), `${page}?q=${q} does not find "${miss}"`)
    }
  }
})
