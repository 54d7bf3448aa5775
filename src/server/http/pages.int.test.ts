import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildOrganization } from '../testing/factories.ts'
import { unique, useHarness } from '../testing/harness.ts'

const h = useHarness()

describe('pages and languages', () => {
  test('the home page is in the browser’s language, Arabic right-to-left', async () => {
    const ar = await h.request('/', { headers: { 'Accept-Language': 'ar-EG,ar;q=0.9' } })
    assert.equal(ar.status, 200)
    const html = await ar.text()
    assert.match(html, /<html lang="ar" dir="rtl">/)
    const fr = await (await h.request('/', { headers: { 'Accept-Language': 'fr-CH, en;q=0.5' } })).text()
    assert.match(fr, /<html lang="fr" dir="ltr">/)
  })

  test('an explicit choice is remembered in a cookie', async () => {
    const res = await h.request('/?lang=zh')
    assert.match(res.headers.get('set-cookie') ?? '', /engage_lang=zh/)
    const next = await (
      await h.request('/organizations', { headers: { Cookie: 'engage_lang=zh', 'Accept-Language': 'en' } })
    ).text()
    assert.match(next, /<html lang="zh"/)
  })

  test('pages escape what people typed', async () => {
    const org = await buildOrganization(h.db, { name: `<script>alert("${unique('x')}")</script>` })
    const html = await (await h.request(`/organizations/${org.id}`)).text()
    assert.ok(!html.includes('<script>alert('))
    assert.ok(html.includes('&lt;script&gt;alert('))
  })

  test('sends a strict content security policy and other security headers', async () => {
    const res = await h.request('/')
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/)
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff')
    assert.equal(res.headers.get('x-frame-options'), 'DENY')
  })

  test('staff pages send anonymous visitors to sign in and refuse other roles', async () => {
    const res = await h.request('/admin/users')
    assert.equal(res.status, 303)
    assert.equal(res.headers.get('location'), '/auth/sign-in?next=%2Fadmin%2Fusers')
    const rep = await h.user([
      { role: 'member_representative', organizationId: (await buildOrganization(h.db)).id },
    ])
    assert.equal((await h.request('/admin/users', { as: rep })).status, 403)
    assert.equal((await h.request('/import', { as: rep })).status, 403)
    assert.equal((await h.request('/organizations/new', { as: rep })).status, 403)
  })

  test('an organization form with errors is shown again with messages and the typed values', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const res = await h.request('/organizations/new', {
      method: 'POST',
      as: sec,
      form: { name: 'Typed Name', category: 'nope', countryCode: '' },
    })
    assert.equal(res.status, 422)
    const html = await res.text()
    assert.match(html, /value="Typed Name"/)
    assert.match(html, /aria-invalid="true"/)
    assert.match(html, /role="alert"/)
  })

  test('the directory pages list, filter and paginate for the public', async () => {
    const tag = unique('Pageable')
    for (let i = 0; i < 3; i++) await buildOrganization(h.db, { name: `${tag} ${i}`, country_code: 'CN' })
    const html = await (await h.request(`/organizations?q=${tag}&region=asia_pacific&pageSize=2`)).text()
    assert.match(html, new RegExp(`${tag} 0`))
    assert.match(html, /rel="next"/)
    for (const path of ['/people', '/groups', '/countries', '/api/docs', '/auth/sign-in', '/auth/forgot']) {
      assert.equal((await h.request(path)).status, 200, path)
    }
  })

  test('every admin page renders with data, in every language', async () => {
    const admin = await h.user([{ role: 'admin' }])
    await h.db
      .updateTable('app_user')
      .set({ last_sign_in_at: new Date() })
      .where('id', '=', admin.userId)
      .execute()
    const org = await buildOrganization(h.db)
    await h.request(`/api/v1/organizations/${org.id}/archive`, { method: 'POST', as: admin })
    await h.request('/api/v1/tokens', {
      method: 'POST',
      as: admin,
      json: { name: 'used', scope: 'read', days: 30 },
    })
    for (const lang of ['en', 'ar', 'zh', 'ru', 'fr', 'es']) {
      for (const path of [
        '/admin/users',
        `/admin/users/${admin.userId}`,
        '/admin/audit',
        '/admin/outbox',
        '/account',
        '/import',
        `/organizations/${org.id}`,
      ]) {
        const res = await h.request(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`, { as: admin })
        assert.equal(res.status, 200, `${lang} ${path}`)
      }
    }
  })

  test('the OpenAPI document describes the API', async () => {
    const doc = (await (await h.request('/api/openapi.json')).json()) as {
      openapi: string
      paths: Record<string, unknown>
    }
    assert.equal(doc.openapi, '3.1.0')
    for (const p of [
      '/api/v1/organizations',
      '/api/v1/people/{id}',
      '/api/v1/groups/{id}/memberships',
      '/api/v1/import/{kind}',
      '/api/v1/audit',
      '/api/v1/tokens',
      '/api/v1/meetings/{id}/registrations',
      '/api/v1/meetings/{id}/calendar.ics',
      '/api/v1/meetings/{id}/documents',
      '/api/v1/meetings/{id}/minutes',
    ]) {
      assert.ok(doc.paths[p], p)
    }
  })

  test('unknown pages and API routes answer 404 in their own format', async () => {
    assert.equal((await h.request('/nope')).status, 404)
    const api = await h.request('/api/v1/nope')
    assert.equal(api.status, 404)
    assert.equal(api.headers.get('content-type'), 'application/problem+json')
  })
})
