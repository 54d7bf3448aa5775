import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { unique, useHarness } from '../../testing/harness.ts'
import { hashPassword } from './auth.crypto.ts'
import { SESSION_IDLE_HOURS } from './auth.service.ts'

const h = useHarness()

async function visitorCsrf() {
  const res = await h.request('/auth/sign-in')
  const token = /__Host-engage_csrf=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1]
  assert.ok(token)
  return { cookie: `__Host-engage_csrf=${token}`, token }
}

describe('sessions', () => {
  test('a session idle longer than the idle timeout is refused, and removed', async () => {
    const user = await h.user([])
    await h.db
      .updateTable('session')
      .set({ last_seen_at: new Date(Date.now() - (SESSION_IDLE_HOURS * 3600 + 60) * 1000) })
      .where('user_id', '=', user.userId)
      .execute()
    assert.equal((await h.request('/api/v1/me', { as: user })).status, 401)
    const left = await h.db.selectFrom('session').select('id').where('user_id', '=', user.userId).execute()
    assert.deepEqual(left, [])
  })

  test('a password change ends the account’s other sessions and keeps the one that made it', async () => {
    const password = 'the first long passphrase'
    const user = await h.user([])
    await h.db
      .updateTable('app_user')
      .set({ password_hash: await hashPassword(password) })
      .where('id', '=', user.userId)
      .execute()
    const other = await h.user([])
    // A second session of the same account (another browser).
    await h.db
      .updateTable('session')
      .set({ user_id: user.userId })
      .where('user_id', '=', other.userId)
      .execute()
    const res = await h.request('/account/password', {
      method: 'POST',
      as: user,
      form: { current: password, password: 'an entirely new long passphrase' },
    })
    assert.equal(res.status, 303)
    assert.equal((await h.request('/api/v1/me', { as: user })).status, 200)
    assert.equal(
      (await h.request('/api/v1/me', { as: other })).status,
      401,
      'the other browser is signed out',
    )
  })

  test('disabling an account ends its sessions at once', async () => {
    const admin = await h.user([{ role: 'admin' }])
    const user = await h.user([])
    const res = await h.request(`/api/v1/users/${user.userId}/status`, {
      method: 'POST',
      as: admin,
      json: { status: 'disabled' },
    })
    assert.equal(res.status, 200)
    assert.equal((await h.request('/api/v1/me', { as: user })).status, 401)
  })

  test('password reset requests are rate-limited per client (429) and never say whether an account exists', async () => {
    const { cookie, token } = await visitorCsrf()
    const email = `${unique('nobody')}@example.org`
    const known = `${unique('known')}@example.org`
    await h.db.insertInto('app_user').values({ email: known, name: 'Known' }).execute()
    const bodies = new Set<string>()
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) {
      const res = await h.request('/auth/forgot', {
        method: 'POST',
        headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: i % 2 ? known : email, _csrf: token }),
      })
      statuses.push(res.status)
      if (res.status === 200) bodies.add((await res.text()).replace(/name="_csrf" value="[^"]+"/, ''))
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(200))
    assert.equal(statuses[10], 429)
    assert.equal(bodies.size, 1, 'the same answer for a known and an unknown address')
  })
})
