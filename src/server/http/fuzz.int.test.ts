import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { sql } from 'kysely'
import { buildGroup, buildMeeting, buildOrganization, buildPerson } from '../testing/factories.ts'
import { type TestUser, useHarness } from '../testing/harness.ts'

/**
 * Property-based fuzzing of every operation of the app's own OpenAPI document (so a new endpoint cannot be
 * missed): schema-shaped inputs with edge values, wrong types, missing and extra fields, and plain garbage,
 * sent by users who may call the operation, so validation and service code are reached.
 * Property: the answer is a 2xx, or a problem+json 4xx that changed nothing; never a 5xx or a stack trace.
 * Bounded: a fixed seed (FUZZ_SEED overrides it) and FUZZ_RUNS runs per operation.
 */
const h = useHarness()
const SEED = Number(process.env.FUZZ_SEED ?? 20261206)
const RUNS = Number(process.env.FUZZ_RUNS ?? 20)

type Schema = {
  $ref?: string
  type?: string | string[]
  enum?: unknown[]
  properties?: Record<string, Schema>
  required?: string[]
  additionalProperties?: Schema | boolean
  items?: Schema
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  minLength?: number
  maxLength?: number
  maxItems?: number
  pattern?: string
  format?: string
}
type Parameter = { $ref?: string; name: string; in: 'path' | 'query'; required?: boolean; schema: Schema }
type Operation = {
  parameters?: Parameter[]
  responses?: Record<string, { content?: Record<string, unknown> }>
  requestBody?: { content: Record<string, { schema: Schema }> }
}
type Doc = {
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, Schema>; parameters?: Record<string, Parameter> }
}

let doc: Doc
let admin: TestUser
let secretariat: TestUser
let representative: TestUser
let representativeOrg: string
let pool: Record<string, string[]> = {}

/** Path segment (or `…Id` property) → the table whose ids fit it. */
const TABLES: Record<string, string> = {
  organizations: 'organization',
  organization: 'organization',
  people: 'person',
  person: 'person',
  groups: 'engagement_group',
  group: 'engagement_group',
  memberships: 'group_membership',
  meetings: 'meeting',
  meeting: 'meeting',
  invitations: 'meeting_invitation',
  registrations: 'meeting_registration',
  attendance: 'meeting_attendance',
  sessions: 'meeting_session',
  session: 'meeting_session',
  documents: 'meeting_document',
  consultations: 'consultation',
  target: 'consultation_target',
  topics: 'topic',
  topic: 'topic',
  priorities: 'strategic_priority',
  priority: 'strategic_priority',
  conclusions: 'conclusion',
  conclusion: 'conclusion',
  actions: 'follow_up_action',
  users: 'app_user',
  user: 'app_user',
  responsible: 'app_user',
  grant: 'role_assignment',
  tokens: 'api_token',
  circulars: 'circular',
}
const CODES: Record<string, string> = {
  countries: "SELECT code AS id FROM country WHERE code IN ('KE','FR','BR') ",
  items: 'SELECT code AS id FROM plan_item LIMIT 3',
  indicators: 'SELECT code AS id FROM indicator LIMIT 3',
  actions: 'SELECT code AS id FROM plan_action LIMIT 3',
  bodies: "SELECT 'SG13' AS id",
  import: "SELECT unnest(ARRAY['organizations','people','memberships','countries']) AS id",
}

/** Ids that exist, per table (the acting users and their grants left out, so no run locks itself out). */
async function refreshPool() {
  const actors = [admin, secretariat, representative].map((u) => u.userId)
  const next: Record<string, string[]> = {}
  for (const table of new Set(Object.values(TABLES))) {
    const skip = table === 'app_user' ? 'id' : table === 'role_assignment' ? 'user_id' : undefined
    const rows = await sql<{ id: string }>`SELECT id::text AS id FROM ${sql.table(table)}
      ${skip ? sql`WHERE ${sql.ref(skip)} NOT IN (${sql.join(actors)})` : sql``}
      ORDER BY random() LIMIT 3`.execute(h.db)
    next[table] = rows.rows.map((r) => r.id)
  }
  for (const [segment, query] of Object.entries(CODES)) {
    next[`code:${segment}`] = (await sql<{ id: string }>`${sql.raw(query)}`.execute(h.db)).rows.map(
      (r) => r.id,
    )
  }
  next.all = Object.entries(next)
    .filter(([k]) => !k.startsWith('code:'))
    .flatMap(([, v]) => v)
  pool = next
}

const resolve = <T extends { $ref?: string }>(s: T): T => {
  if (!s.$ref) return s
  const [, , kind, name] = s.$ref.split('/')
  const target = (doc.components as unknown as Record<string, Record<string, T>>)[kind ?? '']?.[name ?? '']
  assert.ok(target, `unresolved ${s.$ref}`)
  return resolve(target)
}

const HUGE = 'x'.repeat(200_000)
/** Values that break assumptions: wrong types, edge numbers, odd text. */
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    -0,
    1.5,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 53 + 1,
    1e308,
    -1e308,
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\uD800',
    '\u202Eevil\u202C',
    '𝕌ñí©ødé ✓ مرحبا 你好',
    HUGE,
    'NaN',
    '1e999',
    '-1',
    '2026-02-30',
    '2026-13-01',
    '99999-01-01T00:00:00Z',
    '0000-00-00',
    'not-a-uuid',
    '00000000-0000-4000-8000-00000000000g',
    "' OR 1=1--",
    '<script>alert(1)</script>',
    [],
    {},
    [null],
    { __proto__: { admin: true } },
  ),
  fc.jsonValue({ maxDepth: 2 }),
)

const day = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10))
const instant = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString())

function idsFor(hint: string | undefined): string[] {
  const table = hint ? TABLES[hint] : undefined
  const ids = (table && pool[table]) || []
  return ids.length ? ids : (pool.all ?? [])
}

function uuidArb(hint: string | undefined): fc.Arbitrary<string> {
  const ids = idsFor(hint)
  return fc.oneof(
    { weight: 4, arbitrary: ids.length ? fc.constantFrom(...ids) : fc.uuid() },
    { weight: 1, arbitrary: fc.uuid() },
    {
      weight: 1,
      arbitrary: fc.constantFrom('not-a-uuid', '00000000-0000-0000-0000-000000000000', 'Z'.repeat(36)),
    },
  )
}

function stringArb(s: Schema, hint: string | undefined): fc.Arbitrary<string> {
  if (s.format === 'uuid') return uuidArb(hint)
  if (s.format === 'date') return fc.oneof(day, fc.constantFrom('2026-12-31', '0001-01-01', '9999-12-31'))
  if (s.format === 'date-time')
    return fc.oneof(instant, fc.constantFrom('2026-12-06T10:00:00Z', '2026-12-06T10:00'))
  if (s.format === 'email') return fc.oneof(fc.emailAddress(), fc.constantFrom('a@example.org'))
  if (s.pattern === '^[A-Z]{2}$') return fc.constantFrom('KE', 'FR', 'BR', 'ZZ')
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern), { size: 'small' })
  const min = s.minLength ?? 0
  const max = s.maxLength ?? 1000
  const edges = [min, max, max + 1].filter((n) => n >= 0 && n <= 100_000).map((n) => 'é'.repeat(n))
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength: min, maxLength: Math.min(max, 40), unit: 'grapheme' }) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40, unit: 'binary' }) },
    { weight: 1, arbitrary: fc.constantFrom(...edges) },
  )
}

function numberArb(s: Schema): fc.Arbitrary<number> {
  const integer = s.type === 'integer' || (Array.isArray(s.type) && s.type.includes('integer'))
  const min =
    s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : 1e-9) : -1e6)
  const max = s.maximum ?? 1e6
  const inRange = integer
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true })
  return fc.oneof(
    { weight: 3, arbitrary: inRange },
    { weight: 1, arbitrary: fc.constantFrom(min, max, min - 1, max + 1, 0, -1, 2 ** 31, 1e15, 0.5) },
  )
}

/** Values that pass the service's own checks more often, so the code behind them is reached too. */
const LIKELY: Record<string, fc.Arbitrary<unknown>> = {
  version: fc.integer({ min: 1, max: 3 }),
  lockVersion: fc.integer({ min: 1, max: 3 }),
  timeZone: fc.constantFrom('UTC', 'Europe/Geneva', 'America/New_York', 'Mars/Olympus'),
  countryCode: fc.constantFrom('KE', 'FR', 'BR'),
  startsAt: fc.constantFrom('2027-03-01T09:00', '2027-03-01T09:00:00Z'),
  endsAt: fc.constantFrom('2027-03-01T17:00', '2027-03-02T17:00:00Z'),
}

/** Null mostly; now and then a value (a required field to drop, extra fields to add). */
const rarely = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: 10, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb })

/** A value shaped like the schema, with edge values at the leaves and now and then something wrong. */
function shaped(input: Schema, depth: number, hint?: string): fc.Arbitrary<unknown> {
  const inner = typed(resolve(input), depth, hint)
  return depth > 4 ? inner : fc.oneof({ weight: 25, arbitrary: inner }, { weight: 1, arbitrary: nasty })
}

/** `proposedByOrganizationId` → `organization`: the table an id property points at, by its last word. */
function hintOf(key: string): string | undefined {
  const stem = /^(.*?)(Ids?|Code)$/.exec(key)?.[1]?.toLowerCase()
  if (!stem) return undefined
  return Object.keys(TABLES)
    .filter((t) => stem.endsWith(t))
    .sort((a, b) => b.length - a.length)[0]
}

function typed(s: Schema, depth: number, hint?: string): fc.Arbitrary<unknown> {
  if (s.allOf?.length) {
    const parts = s.allOf.map((p) => resolve(p))
    const merged: Schema = { ...s, allOf: undefined, type: 'object', properties: {}, required: [] }
    for (const p of parts) {
      Object.assign(merged.properties ?? {}, p.properties)
      merged.required = [...(merged.required ?? []), ...(p.required ?? [])]
    }
    return parts.length === 1 && !parts[0]?.properties
      ? typed(parts[0] as Schema, depth, hint)
      : typed(merged, depth, hint)
  }
  const choices = s.anyOf ?? s.oneOf
  if (choices?.length) return fc.oneof(...choices.map((c) => shaped(c, depth + 1, hint)))
  if (s.enum?.length) return fc.constantFrom(...s.enum)
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : []
  if (types.length > 1) {
    return fc.oneof(
      ...types.map((t) => (t === 'null' ? fc.constant(null) : typed({ ...s, type: t }, depth, hint))),
    )
  }
  switch (types[0]) {
    case 'string':
      return stringArb(s, hint)
    case 'integer':
    case 'number':
      return numberArb(s)
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'array': {
      if (depth > 5) return fc.constant([])
      const max = Math.min(s.maxItems ?? 3, 3)
      return fc.array(shaped(s.items ?? {}, depth + 1, hint), { maxLength: max })
    }
    case 'object': {
      if (depth > 5) return fc.constant({})
      const props = Object.entries(s.properties ?? {})
      if (!props.length) {
        const values = typeof s.additionalProperties === 'object' ? s.additionalProperties : {}
        return fc.dictionary(
          fc.constantFrom('en', 'fr', 'ar', 'zh', 'ru', 'es', 'xx', ''),
          shaped(values, depth + 1),
          {
            maxKeys: 3,
          },
        )
      }
      const model = Object.fromEntries(
        props.map(([k, v]) => {
          const value = shaped(v, depth + 1, hintOf(k) ?? hint)
          const likely = LIKELY[k]
          return [
            k,
            likely ? fc.oneof({ weight: 3, arbitrary: likely }, { weight: 1, arbitrary: value }) : value,
          ]
        }),
      )
      const required = s.required ?? []
      return fc
        .tuple(
          fc.record(model, { requiredKeys: required }),
          rarely(fc.constantFrom(...props.map(([k]) => k))),
          rarely(fc.dictionary(fc.string({ maxLength: 8 }), nasty, { minKeys: 1, maxKeys: 2 })),
        )
        .map(([value, drop, extra]) => {
          const out: Record<string, unknown> = { ...extra, ...value }
          if (drop !== null) delete out[drop]
          return out
        })
    }
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

const asQueryValue = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''))

type Request = {
  actor: 'admin' | 'secretariat' | 'representative'
  path: string
  init: RequestInit
  /** A 4xx answer other than a problem that the document declares (the import's report). */
  declared: Record<string, string[]>
}

function requestArb(path: string, method: string, op: Operation): fc.Arbitrary<Request> {
  const params = (op.parameters ?? []).map((p) => resolve(p))
  const segments = path.split('/')
  const pathParams = params.filter((p) => p.in === 'path')
  const queryParams = params.filter((p) => p.in === 'query')
  const pathArb = fc.tuple(
    ...pathParams.map((p) => {
      const before = segments[segments.indexOf(`{${p.name}}`) - 1] ?? ''
      const codes = pool[`code:${before}`]
      const proper =
        p.name === 'id'
          ? uuidArb(before)
          : p.name === 'targetId'
            ? uuidArb('target')
            : p.name === 'grantId'
              ? uuidArb('grant')
              : codes?.length
                ? fc.constantFrom(...codes)
                : stringArb(resolve(p.schema), before)
      return fc.oneof(
        { weight: 6, arbitrary: proper },
        { weight: 1, arbitrary: fc.constantFrom('..', '%00', ' ', 'ünï', 'x'.repeat(500), "1' OR '1'='1") },
      )
    }),
  )
  const queryArb = fc.tuple(
    ...queryParams.map((p) =>
      fc.option(shaped(p.schema, 2, hintOf(p.name)).map(asQueryValue), { freq: p.required ? 6 : 2 }),
    ),
  )
  const declared = Object.fromEntries(
    Object.entries(op.responses ?? {}).map(([status, r]) => [status, Object.keys(r.content ?? {})]),
  )
  const content = op.requestBody?.content ?? {}
  const jsonSchema = content['application/json']?.schema
  type Body = { body?: RequestInit['body']; type?: string }
  const bodyArb: fc.Arbitrary<Body> = jsonSchema
    ? fc.oneof(
        {
          weight: 8,
          arbitrary: shaped(jsonSchema, 0).map((v) => ({
            body: JSON.stringify(v) ?? '',
            type: 'application/json',
          })),
        },
        {
          weight: 1,
          arbitrary: fc.jsonValue().map((v) => ({ body: JSON.stringify(v), type: 'application/json' })),
        },
        {
          weight: 1,
          arbitrary: fc
            .oneof(fc.string(), fc.constantFrom('{', '{"a":', '\u0000', 'null', '[]', '""', HUGE))
            .chain((body) =>
              fc.constantFrom(
                { body, type: 'application/json' },
                { body, type: 'text/plain' },
                { body, type: 'application/x-www-form-urlencoded' },
              ),
            ),
        },
        { weight: 1, arbitrary: fc.constant<Body>({}) },
      )
    : content['text/csv']
      ? fc
          .oneof(
            fc.string({ unit: 'binary' }),
            fc
              .array(
                fc.array(fc.oneof(fc.string(), fc.constantFrom('KE', 'academia', "'=1+1", '"')), {
                  maxLength: 5,
                }),
                {
                  maxLength: 4,
                },
              )
              .map((rows) => ['name,category,country', ...rows.map((r) => r.join(','))].join('\r\n')),
          )
          .map((body) => ({ body, type: 'text/csv' }))
      : content['multipart/form-data']
        ? fc
            .record({
              kind: fc.oneof(fc.constantFrom('agenda', 'presentation', 'other'), fc.string()),
              title: fc.string(),
              published: fc.constantFrom('true', 'false', 'maybe'),
              name: fc.constantFrom('a.txt', 'a.pdf', 'a.csv', '../../etc/passwd', '', 'ü.png'),
              bytes: fc.uint8Array({ maxLength: 64 }),
            })
            .map((r) => {
              const form = new FormData()
              form.set('kind', r.kind)
              form.set('title', r.title)
              form.set('published', r.published)
              form.set('file', new Blob([r.bytes]), r.name)
              return { body: form }
            })
        : fc.constant<Body>({})
  return fc
    .record({
      actor: fc.constantFrom('admin', 'admin', 'secretariat', 'representative') as fc.Arbitrary<
        Request['actor']
      >,
      pathValues: pathArb,
      queryValues: queryArb,
      body: method === 'GET' ? fc.constant<Body>({}) : bodyArb,
    })
    .map(({ actor, pathValues, queryValues, body }) => {
      let url = path
      pathParams.forEach((p, i) => {
        url = url.replace(`{${p.name}}`, encodeURIComponent(pathValues[i] ?? ''))
      })
      const query = new URLSearchParams()
      queryParams.forEach((p, i) => {
        const v = queryValues[i]
        if (v !== null && v !== undefined) query.set(p.name, v)
      })
      const headers: Record<string, string> = body.type ? { 'Content-Type': body.type } : {}
      return {
        actor,
        declared,
        path: query.size ? `${url}?${query}` : url,
        init: { method, headers, ...(body.body !== undefined ? { body: body.body } : {}) },
      }
    })
}

/** What a 4xx must leave alone: the data version (bumped by every committed write) and the audit log. */
async function snapshot() {
  const { rows } = await sql<{ version: number; audit: number }>`SELECT
    (SELECT version FROM data_version) AS version,
    (SELECT count(*) FROM audit_log)::int AS audit`.execute(h.db)
  return rows[0]
}

const STACK =
  /\n\s+at\s|node_modules|\.tsx?:\d+|\.js:\d+:\d+|\bat Object\.|syntax error at|SQLSTATE|violates .* constraint/

/** Answers by status, reported at the end: a fuzzer that only ever gets 422 tests nothing behind validation. */
const answered: Record<string, number> = {}

async function check(req: Request): Promise<void> {
  const as = { admin, secretariat, representative }[req.actor]
  const beforeState = await snapshot()
  const res = await h.request(req.path, { ...req.init, as })
  const text = await res.text()
  answered[res.status] = (answered[res.status] ?? 0) + 1
  const where = `${req.init.method} ${req.path.slice(0, 300)} as ${req.actor} → ${res.status}: ${text.slice(0, 500)}`
  assert.ok(res.status < 500, where)
  assert.ok((res.status >= 200 && res.status < 300) || (res.status >= 400 && res.status < 500), where)
  if (res.status >= 400) {
    const type = res.headers.get('Content-Type') ?? ''
    if (!(type.startsWith('application/json') && req.declared[res.status]?.includes('application/json'))) {
      assert.match(type, /^application\/problem\+json/, where)
      const problem = JSON.parse(text) as { type?: unknown; title?: unknown; status?: unknown }
      assert.equal(typeof problem.type, 'string', where)
      assert.equal(typeof problem.title, 'string', where)
      assert.equal(problem.status, res.status, where)
    }
    assert.doesNotMatch(text, STACK, where)
    assert.deepEqual(await snapshot(), beforeState, `a refused request changed data: ${where}`)
  } else if (/json|text\/plain|text\/html/.test(res.headers.get('Content-Type') ?? '')) {
    assert.doesNotMatch(text, /\n\s+at\s.*:\d+:\d+|node_modules/, where)
  }
}

async function setUp() {
  doc = (await (await h.request('/api/openapi.json')).json()) as Doc
  const org = await buildOrganization(h.db)
  representativeOrg = org.id
  admin = await h.user([{ role: 'admin' }])
  secretariat = await h.user([{ role: 'secretariat' }])
  representative = await h.user([{ role: 'member_representative', organizationId: representativeOrg }])
  // A few rows of each kind, so ids in paths and bodies point at something real.
  const person = await buildPerson(h.db, { organization_id: org.id })
  const group = await buildGroup(h.db)
  await buildMeeting(h.db, { group_id: group.id, status: 'registration_open' })
  const held = await buildMeeting(h.db, { status: 'held', starts_at: new Date(Date.now() - 86400_000) })
  await h.db
    .insertInto('group_membership')
    .values({
      group_id: group.id,
      person_id: person.id,
      capacity: 'principal',
      starts_on: '2026-01-01',
    } as never)
    .execute()
    .catch(() => undefined)
  const post = async (path: string, json: unknown = {}) => {
    const res = await h.request(path, { method: 'POST', as: secretariat, json })
    assert.ok(res.status < 300, `${path}: ${res.status} ${await res.clone().text()}`)
    return (await res.json()) as { id: string }
  }
  const topic = await post('/api/v1/topics', { titles: { en: 'Fuzz topic' } })
  const conclusion = await post(`/api/v1/meetings/${held.id}/conclusions`, {
    topicId: topic.id,
    texts: { en: 'Noted' },
    type: 'request',
  })
  await post(`/api/v1/conclusions/${conclusion.id}/actions`, {
    what: { en: 'Draft a work item' },
    ownerBody: 'SG13',
    responsibleUserId: secretariat.userId,
    dueDate: '2027-01-31',
  })
  const consultation = await post('/api/v1/consultations', {
    titles: { en: 'Fuzz consultation' },
    purpose: 'pre_meeting_developing_countries',
    audience: { kind: 'countries', developmentStatus: 'developing', regions: ['africa'] },
    opensAt: new Date(Date.now() - 3600_000).toISOString(),
    closesAt: new Date(Date.now() + 7 * 86400_000).toISOString(),
    confidentiality: 'secretariat',
    questionnaire: {
      sections: [
        {
          id: 'needs',
          title: { en: 'Needs' },
          questions: [
            {
              id: 'priority',
              type: 'single_choice',
              text: { en: 'Top priority' },
              options: [
                { id: 'ai', label: { en: 'AI' } },
                { id: 'net', label: { en: 'Networks' } },
              ],
            },
            { id: 'detail', type: 'long_text', text: { en: 'Tell us more' } },
          ],
        },
      ],
    },
  })
  await post(`/api/v1/consultations/${consultation.id}/open`)
}

test('every API operation answers any input with a 2xx or a problem+json 4xx that changed nothing', async (t) => {
  await setUp()
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  )
  assert.ok(operations.length > 100, `found ${operations.length} operations`)
  const start = await snapshot()
  let inputs = 0
  const neverAccepted: string[] = []
  for (const { path, method, op } of operations) {
    await t.test(`${method} ${path}`, async () => {
      await refreshPool()
      const before2xx = Object.entries(answered).reduce((n, [k, v]) => n + (k < '300' ? v : 0), 0)
      await fc.assert(
        fc.asyncProperty(requestArb(path, method, op), async (req) => {
          inputs++
          await check(req)
        }),
        {
          seed: SEED,
          // An operation without parameters or body varies only by who calls it.
          numRuns: op.parameters?.length || op.requestBody ? RUNS : 3,
          endOnFailure: true,
          includeErrorInReport: true,
        },
      )
      if (Object.entries(answered).reduce((n, [k, v]) => n + (k < '300' ? v : 0), 0) === before2xx)
        neverAccepted.push(`${method} ${path}`)
    })
  }
  t.diagnostic(`${operations.length} operations, ${inputs} inputs, seed ${SEED}: ${JSON.stringify(answered)}`)
  t.diagnostic(`never answered 2xx: ${neverAccepted.join(', ')}`)
  // Accepted writes moved the data version: the "a 4xx changed nothing" checks compare a live counter.
  assert.ok(Number((await snapshot())?.version) > Number(start?.version), 'the data version never moved')
})

test('a plan period of thousands of years is refused or falls back, instead of running a query per year', async () => {
  const sec = await h.user([{ role: 'secretariat' }])
  const both = await h.request('/api/v1/plan/indicators?from=0001-01-01&to=9999-12-31', { as: sec })
  assert.equal(both.status, 422)
  assert.deepEqual(((await both.json()) as { errors: unknown }).errors, { to: ['period_too_long'] })
  const started = performance.now()
  const from = await h.request('/api/v1/plan/indicators?from=0001-01-01', { as: sec })
  assert.equal(from.status, 200)
  assert.ok(performance.now() - started < 5000, 'answered at the default period')
})
