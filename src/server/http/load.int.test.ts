import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import v8 from 'node:v8'
import vm from 'node:vm'
import { serve } from '@hono/node-server'
import autocannon from 'autocannon'
import { buildMeeting, buildOrganization } from '../testing/factories.ts'
import { unique, useHarness } from '../testing/harness.ts'

const h = useHarness()

v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

/** The JavaScript heap in use once garbage is collected (several passes: weak references, finalizers). */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc()
    await new Promise((r) => setTimeout(r, 50))
  }
  return process.memoryUsage().heapUsed
}

/**
 * A bounded mixed load on loopback (pages, the API, writes, as staff and anonymously): no error and no
 * non-2xx/3xx answer, and the memory the server holds comes back to its level before the load. Short here;
 * `npm run bench -- --http` is the long measurement (docs/performance.md).
 */
test('a mixed load gives no error and leaves memory where it was', async (t) => {
  const admin = await h.user([{ role: 'admin' }])
  const org = await buildOrganization(h.db)
  const meeting = await buildMeeting(h.db, { status: 'announced' })
  const server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' })
  await new Promise((r) => server.once('listening', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const cookie = admin.cookie
  const prefix = unique('Load')
  let seq = 0
  let acknowledged = 0
  const run = () =>
    autocannon({
      url,
      connections: 8,
      duration: 4,
      headers: { cookie },
      requests: [
        { method: 'GET', path: '/' },
        { method: 'GET', path: `/meetings/${meeting.id}` },
        { method: 'GET', path: `/organizations/${org.id}` },
        { method: 'GET', path: '/organizations?q=a&sort=name' },
        { method: 'GET', path: '/api/v1/organizations?pageSize=20' },
        {
          method: 'POST',
          path: '/api/v1/organizations',
          headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': admin.csrf },
          setupRequest: (req: Record<string, unknown>) => ({
            ...req,
            body: JSON.stringify({ name: `${prefix} ${seq++}`, category: 'academia', countryCode: 'KE' }),
          }),
          onResponse: (status: number) => {
            if (status === 201) acknowledged++
          },
        },
      ],
    } as autocannon.Options)
  try {
    // Warm: code compiled, caches and pools filled. Then the baseline, a load, and the level after it.
    await run()
    const baseline = await settledHeap()
    const result = await run()
    const after = await settledHeap()
    assert.equal(result.errors, 0, 'connection errors or timeouts')
    assert.equal(result.non2xx, 0, `answers other than 2xx: ${JSON.stringify(result.statusCodeStats)}`)
    assert.ok(result.requests.total > 20, `only ${result.requests.total} requests`)
    const grown = (after - baseline) / 1024 / 1024
    assert.ok(
      grown < 16,
      `the heap grew by ${grown.toFixed(1)} MB over ${result.requests.total} requests (from ${(baseline / 1048576).toFixed(1)} MB)`,
    )
    const stored = await h.db
      .selectFrom('organization')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('name', 'like', `${prefix} %`)
      .executeTakeFirstOrThrow()
    // Every acknowledged write is stored; a request cut off when the load stopped may or may not be.
    assert.ok(
      Number(stored.n) >= acknowledged && Number(stored.n) <= seq,
      `${stored.n} stored, ${acknowledged} acknowledged`,
    )
    t.diagnostic(
      `${result.requests.total} requests in ${result.duration} s (${acknowledged} writes), p99 ${result.latency.p99} ms, heap ${(baseline / 1048576).toFixed(1)} → ${(after / 1048576).toFixed(1)} MB`,
    )
  } finally {
    await new Promise((r) => server.close(r))
  }
})
