import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useHarness } from '../testing/harness.ts'

const h = useHarness()
const SOME_ID = '00000000-0000-4000-8000-000000000000'

type Doc = { paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>> }

/** Every API operation, read from the app's own OpenAPI document so a new route cannot be missed. */
async function operations() {
  const doc = (await (await h.request('/api/openapi.json')).json()) as Doc
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path: path
        .replace(/\{code\}/g, 'KE')
        .replace(/\{kind\}/g, 'organizations')
        .replace(/\{[^}]+\}/g, SOME_ID),
      isPublic: (op.security ?? []).some((s) => Object.keys(s).length === 0),
    })),
  )
}

test('every API operation that changes something refuses an anonymous caller with 401', async () => {
  const ops = (await operations()).filter((o) => o.method !== 'GET')
  assert.ok(ops.length > 30, `found ${ops.length} write operations`)
  for (const op of ops) {
    const res = await h.request(op.path, {
      method: op.method,
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    })
    assert.equal(res.status, 401, `${op.method} ${op.path}`)
  }
})

test('every API read that is not marked public refuses an anonymous caller', async () => {
  const ops = (await operations()).filter((o) => o.method === 'GET' && !o.isPublic)
  assert.ok(ops.length > 5)
  for (const op of ops) {
    const res = await h.request(op.path)
    assert.ok([401, 404].includes(res.status), `${op.method} ${op.path} answered ${res.status}`)
  }
})

test('a member representative cannot use any staff-only write operation', async () => {
  const org = await h.db
    .insertInto('organization')
    .values({ name: 'Deny Test Org', category: 'sector_member', country_code: 'KE' })
    .returning('id')
    .executeTakeFirstOrThrow()
  const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
  // Well-formed requests, so that only the permission can refuse them.
  const staffOnly: [string, string, unknown][] = [
    ['POST', '/api/v1/organizations', { name: 'Someone Else', category: 'academia', countryCode: 'KE' }],
    ['POST', `/api/v1/organizations/${org.id}/archive`, undefined],
    ['PATCH', '/api/v1/countries/KE', { ldc: true }],
    ['POST', '/api/v1/groups', { kind: 'cto_group', names: { en: 'Shadow group' } }],
    [
      'POST',
      '/api/v1/meetings',
      {
        kind: 'workshop',
        titles: { en: 'W' },
        startsAt: '2030-01-01T09:00',
        endsAt: '2030-01-01T10:00',
        timeZone: 'UTC',
        format: 'online',
        seniorityPolicy: 'open',
      },
    ],
    ['POST', '/api/v1/users', { email: 'new@example.org', name: 'New', grants: [] }],
  ]
  for (const [method, path, json] of staffOnly) {
    const res = await h.request(path, { method, as: rep, ...(json === undefined ? {} : { json }) })
    assert.equal(res.status, 403, `${method} ${path}`)
  }
  const imp = await h.request('/api/v1/import/organizations?dryRun=true', {
    method: 'POST',
    as: rep,
    headers: { 'Content-Type': 'text/csv' },
    body: 'name,category,country\r\nA,academia,KE\r\n',
  })
  assert.equal(imp.status, 403)
})
