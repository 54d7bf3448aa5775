import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Hono } from 'hono'
import { useHarness } from '../testing/harness.ts'
import type { AppEnv, Deps } from './context.ts'
import { securityHeaders, withDeps } from './middleware.ts'

const h = useHarness()
const SOME_ID = '00000000-0000-4000-8000-000000000000'

/** Every GET route of the app, from its own route table, with a made-up id where a parameter goes. */
function getRoutes(): string[] {
  const paths = h.app.routes.filter((r) => r.method === 'GET' || r.method === 'ALL').map((r) => r.path)
  return [...new Set(paths)]
    .filter((p) => !p.includes('*'))
    .map((p) =>
      p
        .replace(/:code\b/g, 'KE')
        .replace(/:kind\b/g, 'organizations')
        .replace(/:[a-zA-Z]+/g, SOME_ID),
    )
}

function assertHeaders(res: Response, where: string) {
  const csp = res.headers.get('content-security-policy') ?? ''
  const directives = new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/)
      return [name ?? '', values] as const
    }),
  )
  const scripts = directives.get('script-src') ?? directives.get('default-src') ?? []
  assert.ok(scripts.length > 0, `${where}: a script policy`)
  assert.ok(!scripts.includes("'unsafe-inline'") && !scripts.includes("'unsafe-eval'"), `${where}: ${csp}`)
  assert.deepEqual(directives.get('frame-ancestors'), ["'none'"], `${where}: frame-ancestors`)
  assert.deepEqual(directives.get('object-src'), ["'none'"], `${where}: object-src`)
  assert.deepEqual(directives.get('base-uri'), ["'none'"], `${where}: base-uri`)
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', where)
  assert.ok(res.headers.get('referrer-policy'), `${where}: Referrer-Policy`)
}

test('every GET route sends the security headers, to visitors and to staff, whatever its status', async () => {
  const admin = await h.user([{ role: 'admin' }])
  const routes = getRoutes()
  assert.ok(routes.length > 80, `found ${routes.length} routes`)
  for (const path of routes) {
    for (const as of [undefined, admin]) {
      const res = await h.request(path, as ? { as } : {})
      await res.arrayBuffer()
      assertHeaders(res, `${as ? 'admin' : 'anonymous'} GET ${path} (${res.status})`)
      // A signed-in person's pages and answers are never kept by a browser or a shared cache.
      if (as && res.status === 200 && !path.startsWith('/static/'))
        assert.equal(res.headers.get('cache-control'), 'no-store', `admin GET ${path}`)
    }
  }
})

test('HSTS is sent when the public address is https, and not over plain http', async () => {
  const make = (publicUrl: string) => {
    const app = new Hono<AppEnv>()
    app.use('*', withDeps({ env: { publicUrl } } as Deps), securityHeaders)
    app.get('/', (c) => c.text('ok'))
    return app
  }
  const tls = await make('https://engage.example.org').request('/')
  assert.equal(tls.headers.get('strict-transport-security'), 'max-age=63072000; includeSubDomains')
  const plain = await make('http://localhost:3000').request('/')
  assert.equal(plain.headers.get('strict-transport-security'), null)
  const direct = await make('http://localhost:3000').request('https://localhost/')
  assert.ok(direct.headers.get('strict-transport-security'))
})
