import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { Secret, TOTP } from 'otpauth'
import { unique, useHarness } from '../../testing/harness.ts'
import { hashPassword } from './auth.crypto.ts'
import type { Role } from './auth.policy.ts'
import { CHALLENGE_ATTEMPTS, RECOVERY_CODE_COUNT } from './two-factor.service.ts'

const h = useHarness()
const PASSWORD = 'correct horse battery staple'
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' }

/** A browser's cookies, kept across requests as a browser would. */
class Browser {
  cookies = new Map<string, string>()
  csrf = ''
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
  keep(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';')
      const [name, value] = pair!.split('=') as [string, string]
      if (attrs.some((a) => /max-age=0/i.test(a)) || value === '') this.cookies.delete(name.trim())
      else this.cookies.set(name.trim(), value)
    }
    return res
  }
  async get(path: string) {
    return this.keep(await h.request(path, { headers: { Cookie: this.header() } }))
  }
  async post(path: string, fields: Record<string, string>) {
    if (!this.csrf) {
      const page = await this.get('/auth/sign-in')
      this.csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? ''
      assert.ok(this.csrf, 'the page carries a CSRF token')
    }
    return this.keep(
      await h.request(path, {
        method: 'POST',
        headers: { ...FORM, Cookie: this.header() },
        body: new URLSearchParams({ ...fields, _csrf: this.csrf }),
      }),
    )
  }
  /** After sign-in the CSRF token comes with the session: read it from a page. */
  async refreshCsrf() {
    const page = await this.get('/account')
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? ''
  }
  get session() {
    return this.cookies.get('__Host-engage_session')
  }
}

async function account(roles: Role[]) {
  const email = `${unique('tf')}@example.org`
  const user = await h.db
    .insertInto('app_user')
    .values({ email, name: 'Tess Factor', password_hash: await hashPassword(PASSWORD) })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (const role of roles)
    await h.db.insertInto('role_assignment').values({ user_id: user.id, role }).execute()
  return { email, id: user.id }
}

function codeFor(secret: string, offsetSeconds = 0): string {
  return new TOTP({ secret: Secret.fromBase32(secret) }).generate({
    timestamp: Date.now() + offsetSeconds * 1000,
  })
}

/** Signs in with the password and, for an account that must enrol, reads the secret off the page. */
async function enrol(email: string) {
  const b = new Browser()
  const res = await b.post('/auth/sign-in', { email, password: PASSWORD, next: '/organizations' })
  assert.equal(res.status, 303)
  assert.equal(res.headers.get('location'), '/auth/two-factor')
  assert.equal(b.session, undefined, 'a password alone opens no session')
  const page = await (await b.get('/auth/two-factor')).text()
  assert.match(page, /<svg[^>]*>/, 'the page shows a QR code')
  const secret = /<code class="secret" dir="ltr">([A-Z2-7 ]+)<\/code>/.exec(page)?.[1]?.replace(/ /g, '')
  assert.ok(secret, 'the page shows the key to type')
  return { b, secret }
}

describe('two-step sign-in', () => {
  test('an administrator without an authenticator must set one up before any session opens', async () => {
    const { email, id } = await account(['admin'])
    const { b, secret } = await enrol(email)
    // Pages that need a session stay closed while the second step is pending.
    assert.notEqual((await b.get('/admin/users')).status, 200)
    const wrong = await b.post('/auth/two-factor', {
      code: '000000' === codeFor(secret) ? '111111' : '000000',
    })
    assert.equal(wrong.status, 401)
    assert.equal(b.session, undefined)
    const right = await b.post('/auth/two-factor', { code: codeFor(secret) })
    assert.equal(right.status, 200)
    const html = await right.text()
    const codes = [...html.matchAll(/<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/g)].map((m) => m[1]!)
    assert.equal(codes.length, RECOVERY_CODE_COUNT)
    assert.match(html, /href="\/organizations"/, 'continues to the page asked for')
    assert.ok(b.session, 'the code opens the session')
    assert.equal((await b.get('/admin/users')).status, 200)
    const credential = await h.db
      .selectFrom('totp_credential')
      .selectAll()
      .where('user_id', '=', id)
      .executeTakeFirstOrThrow()
    assert.ok(credential.confirmed_at)
    const audit = await h.db
      .selectFrom('audit_log')
      .select(['action', 'summary'])
      .where('entity_id', '=', id)
      .orderBy('id')
      .execute()
    assert.deepEqual(
      audit.map((a) => a.summary),
      ['two-step sign-in turned on', 'second step: totp'],
    )
  })

  test('a code is accepted once; a recovery code once; and the secretariat needs the second step too', async () => {
    const { email } = await account(['secretariat'])
    const { b, secret } = await enrol(email)
    const first = await b.post('/auth/two-factor', { code: codeFor(secret) })
    const codes = [...(await first.text()).matchAll(/<code>([a-z0-9]{5}-[a-z0-9]{5})<\/code>/g)].map(
      (m) => m[1]!,
    )

    const again = new Browser()
    await again.post('/auth/sign-in', { email, password: PASSWORD })
    assert.equal(
      (await again.post('/auth/two-factor', { code: codeFor(secret) })).status,
      401,
      'replayed code',
    )
    const next = await again.post('/auth/two-factor', { code: codeFor(secret, 30) })
    assert.equal(next.status, 303, 'the next time step is accepted')
    assert.ok(again.session)

    const lost = new Browser()
    await lost.post('/auth/sign-in', { email, password: PASSWORD })
    assert.equal((await lost.post('/auth/two-factor', { code: ` ${codes[0]!.toUpperCase()} ` })).status, 303)
    const reuse = new Browser()
    await reuse.post('/auth/sign-in', { email, password: PASSWORD })
    assert.equal(
      (await reuse.post('/auth/two-factor', { code: codes[0]! })).status,
      401,
      'used recovery code',
    )
    assert.equal((await reuse.post('/auth/two-factor', { code: codes[1]! })).status, 303)
  })

  test('too many wrong codes drop the challenge: the password must be given again', async () => {
    const { email } = await account(['admin'])
    const { b, secret } = await enrol(email)
    const wrong = codeFor(secret) === '123456' ? '654321' : '123456'
    for (let i = 1; i < CHALLENGE_ATTEMPTS; i++)
      assert.equal((await b.post('/auth/two-factor', { code: wrong })).status, 401)
    const last = await b.post('/auth/two-factor', { code: wrong })
    assert.equal(last.status, 303)
    assert.equal(last.headers.get('location'), '/auth/sign-in?notice=challenge_expired')
    assert.equal((await b.post('/auth/two-factor', { code: codeFor(secret) })).status, 303)
    assert.equal(b.session, undefined, 'even the right code no longer opens a session')
  })

  test('an expired challenge is refused', async () => {
    const { email, id } = await account(['admin'])
    const { b, secret } = await enrol(email)
    await h.db
      .updateTable('sign_in_challenge')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', id)
      .execute()
    const res = await b.post('/auth/two-factor', { code: codeFor(secret) })
    assert.equal(res.headers.get('location'), '/auth/sign-in?notice=challenge_expired')
    assert.equal(b.session, undefined)
  })

  test('a member representative may turn it on from the account page, and off again', async () => {
    const org = await h.db
      .insertInto('organization')
      .values({ name: unique('Org'), category: 'sector_member', country_code: 'KE' })
      .returning('id')
      .executeTakeFirstOrThrow()
    const { email, id } = await account([])
    await h.db
      .insertInto('role_assignment')
      .values({ user_id: id, role: 'member_representative', organization_id: org.id })
      .execute()
    const b = new Browser()
    const plain = await b.post('/auth/sign-in', { email, password: PASSWORD, next: '/account' })
    assert.equal(plain.headers.get('location'), '/account', 'no second step until turned on')
    await b.refreshCsrf()
    const setup = await (await b.get('/account/two-factor')).text()
    const secret = /<code class="secret" dir="ltr">([A-Z2-7 ]+)<\/code>/.exec(setup)?.[1]?.replace(/ /g, '')
    assert.ok(secret)
    assert.equal((await b.post('/account/two-factor', { code: '12' })).status, 422)
    const on = await b.post('/account/two-factor', { code: codeFor(secret) })
    assert.equal(on.status, 200)
    assert.match(await on.text(), /notice=two_factor_on/)

    const later = new Browser()
    const step = await later.post('/auth/sign-in', { email, password: PASSWORD })
    assert.equal(step.headers.get('location'), '/auth/two-factor', 'now the second step is asked')

    assert.equal((await b.post('/account/two-factor/disable', { code: '999999' })).status, 422)
    const off = await b.post('/account/two-factor/disable', { code: codeFor(secret, 30) })
    assert.equal(off.headers.get('location'), '/account?notice=two_factor_off')
    const after = new Browser()
    assert.ok(
      (await after.post('/auth/sign-in', { email, password: PASSWORD })).headers.get('location') !==
        '/auth/two-factor',
    )
    assert.ok(after.session)
  })

  test('an administrator cannot turn it off; another administrator can reset it, which ends the sessions', async () => {
    const { email, id } = await account(['admin'])
    const { b, secret } = await enrol(email)
    await b.post('/auth/two-factor', { code: codeFor(secret) })
    await b.refreshCsrf()
    const refused = await b.post('/account/two-factor/disable', { code: codeFor(secret, 30) })
    assert.equal(refused.status, 409)
    assert.ok(
      await h.db.selectFrom('totp_credential').select('user_id').where('user_id', '=', id).executeTakeFirst(),
    )

    const other = await h.user([{ role: 'admin' }])
    const reset = await h.request(`/admin/users/${id}/two-factor/reset`, {
      method: 'POST',
      as: other,
      form: {},
    })
    assert.equal(reset.status, 303)
    assert.equal(
      await h.db.selectFrom('totp_credential').select('user_id').where('user_id', '=', id).executeTakeFirst(),
      undefined,
    )
    assert.notEqual((await b.get('/admin/users')).status, 200, 'the reset ended the session')
    const member = await h.user([])
    const denied = await h.request(`/admin/users/${id}/two-factor/reset`, {
      method: 'POST',
      as: member,
      form: {},
    })
    assert.equal(denied.status, 403)
  })

  test('signing in again replaces the session this browser had', async () => {
    const { email } = await account([])
    const b = new Browser()
    await b.post('/auth/sign-in', { email, password: PASSWORD })
    const first = b.session
    assert.ok(first)
    await b.refreshCsrf()
    await b.post('/auth/sign-in', { email, password: PASSWORD })
    assert.ok(b.session && b.session !== first, 'a new session id')
    const old = new Browser()
    old.cookies.set('__Host-engage_session', first)
    assert.notEqual((await old.get('/account')).status, 200, 'the old session id no longer works')
  })
})
