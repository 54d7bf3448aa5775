import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { after, before, describe, test } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { SetPasswordPage, SignInPage } from './pages.ts'
import { cli, guard, launchBrowser, type RunningApp, startApp } from './support.ts'

/**
 * Browser attacks (issue 10): stored XSS through every text a user types, javascript: URLs, cross-site
 * request forgery and open redirects, each tried in Chromium against the running app.
 */
let app: RunningApp
let browser: Browser
let admin: BrowserContext
let page: Page
let token = ''
let adminLink = ''
const problems: string[] = []
const ADMIN_EMAIL = 'attack.admin@example.org'

// The script payloads set window.__xss or open a dialog if they ever run; the markup ones leave an
// element with an event handler, a javascript: link or a <script> behind if they are ever parsed as HTML.
const PAYLOADS = [
  '<script>window.__xss=1</script>',
  '"><img src=x onerror="window.__xss=2;alert(2)">',
  '<svg onload=alert(3)><a href="javascript:alert(3)">x</a>',
  'javascript:alert(4)',
  "'-alert(5)-'",
  '</title><script>alert(6)</script>',
  "{{constructor.constructor('alert(7)')()}}",
  '\u202Egnp.exe\u202C <iframe srcdoc="<script>parent.__xss=8</script>">',
  `<b onmouseover=alert(9)>${'<i>long</i>'.repeat(25)}`.slice(0, 250),
  '<style>*{display:none}</style><math><mi xlink:href="javascript:alert(10)">m</mi></math>',
]
const LANGS = ['en', 'fr', 'ar', 'zh', 'ru', 'es'] as const
/** Each payload, distinguishable (names are unique per country) and within the field's length. */
const mark = (p: string, i: number, max = 300) => `${p.slice(0, max - 4)} #${i}`
const all = (p: string) => Object.fromEntries(LANGS.map((l) => [l, `${p} (${l})`]))

const past = (days: number, time = '09:00') =>
  `${new Date(Date.now() - days * 86400_000).toISOString().slice(0, 10)}T${time}`

async function api<T = { id: string }>(path: string, body: unknown, method = 'POST'): Promise<T> {
  const res = await fetch(`${app.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`)
  return JSON.parse(text) as T
}
async function apiGet<T>(path: string): Promise<T> {
  const res = await fetch(`${app.url}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } })
  assert.equal(res.status, 200, path)
  return (await res.json()) as T
}

before(async () => {
  app = await startApp((env) => {
    adminLink =
      /(http:\/\/\S+token=\S+)/.exec(
        cli({ env }, ['admin', 'create', '--email', ADMIN_EMAIL, '--name', 'Ada Attack']),
      )?.[1] ?? ''
    token = cli({ env }, ['token', 'create', '--email', ADMIN_EMAIL, '--scope', 'write']).trim()
  })
  browser = await launchBrowser()
  admin = await browser.newContext()
  page = await admin.newPage()
  guard(page, app.url, problems)
  watch(page)
  await page.goto(adminLink)
  await new SetPasswordPage(page).setPassword('a long and memorable passphrase')
  await page.waitForURL(/notice=password_set/)
})

after(async () => {
  await browser?.close()
  await app?.stop()
})

/** Any dialog (alert, confirm, prompt) is a payload that ran: the pages rendered here ask nothing. */
function watch(p: Page) {
  p.on('dialog', (d) => {
    problems.push(`dialog on ${p.url()}: ${d.message()}`)
    void d.dismiss()
  })
}

/**
 * Run in the page (a string: this project's types have no DOM): anything a payload would leave behind if
 * it were parsed as HTML, and whether one ran.
 */
const INSPECT = `(() => {
  const bad = []
  if (window.__xss !== undefined) bad.push('window.__xss=' + String(window.__xss))
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.getAttributeNames()) if (a.startsWith('on')) bad.push('<' + el.localName + ' ' + a + '>')
    const href = el.getAttribute('href') ?? el.getAttribute('xlink:href') ?? el.getAttribute('src') ?? ''
    if (/^\\s*(javascript|data|vbscript):/i.test(href) && el.localName !== 'img') bad.push('<' + el.localName + '> ' + href)
  }
  for (const s of document.querySelectorAll('script')) if (!s.src) bad.push('inline <script>')
  for (const tag of ['iframe', 'style', 'math', 'object', 'embed'])
    if (document.querySelector('body ' + tag)) bad.push('<' + tag + '> in the body')
  if (document.querySelector('img[src="x"]')) bad.push('<img src=x>')
  return bad
})()`

/** Renders a page and checks that no payload became markup or ran. */
async function render(p: Page, path: string, expect?: string): Promise<void> {
  const res = await p.goto(`${app.url}${path}`)
  assert.equal(res?.status(), 200, path)
  const found = await p.evaluate<string[]>(INSPECT)
  assert.deepEqual(found, [], `${path}: ${found.join(', ')}`)
  if (expect) assert.ok((await p.content()).includes(expect), `${path} shows the payload as text`)
}

/** The escaped form the page source must show (what the text looks like once the HTML is serialized). */
const asText = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')

describe('stored XSS: a payload corpus in every text field, rendered in Chromium', () => {
  const ids = {
    orgs: [] as string[],
    people: [] as string[],
    groups: [] as string[],
    meetings: [] as string[],
    topics: [] as string[],
    actions: [] as string[],
    hub: '',
    consultation: '',
    target: '',
  }
  let repLink = ''
  let adminId = ''

  test('the payloads go in through the API wherever a user types text', async () => {
    adminId = (await apiGet<{ items: { id: string; email: string }[] }>('/users?q=attack')).items[0]!.id
    for (const [i, p] of PAYLOADS.entries()) {
      const org = await api('/organizations', {
        name: mark(p, i),
        category: 'sector_member',
        countryCode: 'KE',
        website: `https://example.org/?q="><script>window.__xss=${i}</script>`,
      })
      ids.orgs.push(org.id)
      ids.people.push(
        (
          await api('/people', {
            organizationId: org.id,
            name: mark(p, i, 200),
            title: mark(p, i, 200),
            seniority: 'c_level',
            publicConsent: true,
          })
        ).id,
      )
      const group = await api('/groups', {
        kind: 'cto_group',
        names: all(mark(p, i, 280)),
        descriptions: all(p),
      })
      ids.groups.push(group.id)
      await api(`/groups/${group.id}/memberships`, {
        organizationId: org.id,
        principalPersonId: ids.people[i],
        startDate: past(400).slice(0, 10),
      })
      ids.meetings.push(
        (
          await api('/meetings', {
            kind: 'workshop',
            titles: all(mark(p, i, 280)),
            groupId: group.id,
            startsAt: past(3 + i),
            endsAt: past(3 + i, '17:00'),
            timeZone: 'Africa/Nairobi',
            format: 'hybrid',
            city: mark(p, i, 120),
            countryCode: 'KE',
            hostOrganizationId: org.id,
            seniorityPolicy: 'open',
          })
        ).id,
      )
      ids.topics.push(
        (
          await api('/topics', {
            titles: all(mark(p, i, 280)),
            descriptions: all(p),
            keywords: [p.slice(0, 60)],
            proposedByOrganizationId: org.id,
          })
        ).id,
      )
    }
    await api('/priorities', {
      titles: all(PAYLOADS[0]!),
      descriptions: all(PAYLOADS[1]!),
      kind: 'strategic_priority',
      weight: 50,
      periodStart: past(30).slice(0, 10),
    })

    // One meeting, held, carries the conclusions, actions, sessions and documents.
    const hub = ids.meetings[0]!
    ids.hub = hub
    for (const status of ['announced', 'registration_open', 'registration_closed', 'held']) {
      const { version } = await apiGet<{ version: number }>(`/meetings/${hub}`)
      await api(`/meetings/${hub}/status`, { status, version })
    }
    for (const [i, p] of PAYLOADS.entries()) {
      await api(`/meetings/${hub}/sessions`, { titles: all(mark(p, i, 280)), outline: `${p}\n${p}` })
      const conclusion = await api(`/meetings/${hub}/conclusions`, {
        topicId: ids.topics[i],
        texts: all(p),
        type: 'recommendation',
      })
      const action = await api(`/conclusions/${conclusion.id}/actions`, {
        what: all(mark(p, i, 280)),
        ownerBody: 'SG13',
        responsibleUserId: adminId,
        dueDate: past(1).slice(0, 10),
      })
      ids.actions.push(action.id)
      await api(`/actions/${action.id}/updates`, { status: 'in_progress', note: p, evidence: p, version: 1 })
      const form = new FormData()
      form.set('kind', 'other')
      form.set('title', mark(p, i))
      form.set('published', 'true')
      form.set('file', new Blob([`payload ${i}\n`], { type: 'text/plain' }), `${p.slice(0, 80)}.txt`)
      const res = await fetch(`${app.url}/api/v1/meetings/${hub}/documents`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: form,
      })
      assert.equal(res.status, 201, `document ${i}: ${await res.text()}`)
    }

    // A consultation whose every text is a payload, asked of the first organization.
    const consultation = await api('/consultations', {
      titles: all(PAYLOADS[0]!),
      purpose: 'pre_meeting_developing_countries',
      meetingId: hub,
      audience: { kind: 'organizations', organizations: [ids.orgs[0]] },
      opensAt: new Date(Date.now() - 3600_000).toISOString(),
      closesAt: new Date(Date.now() + 7 * 86400_000).toISOString(),
      confidentiality: 'secretariat',
      questionnaire: {
        sections: [
          {
            id: 's1',
            title: all(PAYLOADS[1]!),
            questions: PAYLOADS.map((p, i) => ({
              id: `q${i}`,
              type: 'single_choice',
              text: all(p),
              options: [
                { id: 'a', label: all(PAYLOADS[(i + 1) % PAYLOADS.length]!) },
                { id: 'b', label: { en: 'Fine' } },
              ],
            })).concat([{ id: 'free', type: 'long_text', text: all(PAYLOADS[2]!) } as never]),
          },
        ],
      },
    })
    ids.consultation = consultation.id
    await api(`/consultations/${consultation.id}/open`, {})
    await api('/users', {
      email: 'rep.attack@example.org',
      name: PAYLOADS[5],
      grants: [{ role: 'member_representative', organizationId: ids.orgs[0] }],
    })
    await page.goto(`${app.url}/admin/outbox`)
    const mail = await page
      .locator('article', { hasText: 'rep.attack@example.org' })
      .first()
      .locator('pre')
      .innerText()
    repLink = /(http:\/\/\S+token=\S+)/.exec(mail)?.[1] ?? ''
    assert.ok(repLink, 'the representative’s invitation is in the outbox')
  })

  test('a member representative answers with payloads; the answers render as text', async () => {
    const rep = await browser.newContext()
    const repPage = await rep.newPage()
    guard(repPage, app.url, problems)
    watch(repPage)
    await repPage.goto(repLink)
    await new SetPasswordPage(repPage).setPassword('another long passphrase here')
    await repPage.waitForURL(/notice=password_set/)
    // The answers go through the API with the session and its CSRF token, as a script on the page would.
    const csrf = await repPage.locator('input[name=_csrf]').first().inputValue()
    const targets = await rep.request.get(`${app.url}/api/v1/consultations/${ids.consultation}/targets`)
    assert.equal(targets.status(), 200)
    ids.target = ((await targets.json()) as { id: string }[])[0]!.id
    const saved = await rep.request.put(
      `${app.url}/api/v1/consultations/${ids.consultation}/responses/${ids.target}`,
      {
        headers: { 'X-CSRF-Token': csrf, Origin: app.url },
        data: {
          answers: {
            ...Object.fromEntries(PAYLOADS.map((_, i) => [`q${i}`, 'a'])),
            free: PAYLOADS.join('\n'),
          },
          submit: true,
        },
      },
    )
    assert.equal(saved.status(), 200, await saved.text())
    await render(repPage, '/')
    await render(repPage, `/consultations/${ids.consultation}/respond/${ids.target}`)
    await render(repPage, `/meetings/${ids.hub}`)
    await rep.close()
  })

  test('no page that shows them runs a payload or turns it into markup', async () => {
    const started = Date.now()
    const paths = [
      '/',
      '/organizations',
      '/organizations?q=%3Cscript',
      '/people',
      '/people?q=alert',
      '/groups',
      '/meetings',
      '/meetings?when=past',
      '/topics',
      '/topics?q=%3Csvg',
      '/consultations',
      `/consultations/${ids.consultation}`,
      `/consultations/${ids.consultation}/results`,
      `/consultations/${ids.consultation}/respond/${ids.target}`,
      '/bodies',
      '/bodies/SG13',
      '/priorities',
      '/analytics',
      `/analytics?group=${ids.groups[0]}`,
      `/meetings/${ids.hub}/agenda/builder`,
      `/meetings/${ids.hub}/report`,
      '/admin/users',
      '/admin/audit',
      ...ids.orgs.flatMap((id) => [`/organizations/${id}`, `/organizations/${id}/edit`]),
      ...ids.people.map((id) => `/people/${id}`),
      ...ids.groups.map((id) => `/groups/${id}`),
      ...ids.meetings.map((id) => `/meetings/${id}`),
      ...ids.topics.map((id) => `/topics/${id}`),
      ...ids.actions.map((id) => `/actions/${id}`),
    ]
    for (const path of paths) await render(page, path)
    // The payloads are shown, as text, where they were typed.
    await render(page, `/organizations/${ids.orgs[1]}`, asText(mark(PAYLOADS[1]!, 1)))
    await render(page, `/meetings/${ids.hub}?lang=ar`, asText(`${mark(PAYLOADS[0]!, 0, 280)} (ar)`))
    await render(page, `/meetings/${ids.hub}?lang=zh`, asText(`${mark(PAYLOADS[0]!, 0, 280)} (zh)`))
    await render(page, `/topics/${ids.topics[7]}?lang=en`, asText(`${mark(PAYLOADS[7]!, 7, 280)} (en)`))
    // The stand-alone HTML report, as downloaded.
    const html = await page.request.get(`${app.url}/meetings/${ids.hub}/report?format=html`)
    assert.equal(html.status(), 200)
    // A blank page has no CSP: a payload the report let through as markup would run here.
    await page.goto('about:blank')
    await page.setContent(await html.text())
    assert.deepEqual(await page.evaluate<string[]>(INSPECT), [])
    console.log(
      `# ${PAYLOADS.length} payloads, ${paths.length + 5} pages rendered in ${Date.now() - started} ms`,
    )
    assert.deepEqual(problems, [])
  })

  test('javascript:, data: and vbscript: URLs are refused with a clear error, in the forms and the API', async () => {
    const BAD = [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      '//evil.example/x',
    ]
    for (const url of BAD) {
      for (const [path, body, field] of [
        [
          '/organizations',
          { name: 'URL test', category: 'other', countryCode: 'KE', website: url },
          'website',
        ],
        [
          `/topics/${ids.topics[0]}/transitions`,
          { to: 'discussed', reason: 'r', evidenceUrl: url, version: 1 },
          'evidenceUrl',
        ],
      ] as const) {
        const res = await fetch(`${app.url}/api/v1${path}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        })
        const problem = (await res.json()) as { errors?: Record<string, string[]> }
        assert.equal(res.status, 422, `${path} ${JSON.stringify(url)}`)
        assert.deepEqual(problem.errors?.[field], ['url_invalid'], `${path} ${JSON.stringify(url)}`)
      }
    }
    const message = 'must be a web address starting with http:// or https://.'
    for (const url of ['javascript:alert(1)', 'data:text/html,x', 'vbscript:msgbox(1)']) {
      await page.goto(`${app.url}/organizations/new`)
      await page.getByLabel('Name', { exact: true }).fill('URL form test')
      await page.getByLabel('Membership category').selectOption({ label: 'Sector Member' })
      await page.getByLabel('Country').selectOption({ label: 'Kenya' })
      await page.getByLabel('Website').fill(url)
      await page.getByRole('button', { name: 'Save' }).click()
      await page.getByText(message).first().waitFor()
      assert.match(page.url(), /\/organizations\/new$/)

      await page.goto(`${app.url}/topics/${ids.topics[1]}`)
      await page.getByLabel('New state').selectOption({ index: 1 })
      await page.getByRole('textbox', { name: 'Why' }).fill('moving on')
      await page.getByLabel('Evidence').fill(url)
      await page.getByRole('button', { name: 'Move', exact: true }).click()
      await page.getByText(message).first().waitFor()
    }
    const orgs = await apiGet<{ total: number }>('/organizations?q=URL')
    assert.equal(orgs.total, 0, 'no organization was saved with a bad address')
    // Free-text evidence that is not a web address is shown as text, never as a link.
    await render(page, `/actions/${ids.actions[3]}`, asText(PAYLOADS[3]!))
    assert.equal(await page.locator('a[href^="javascript:" i]').count(), 0)
    assert.deepEqual(problems, [])
  })
})

describe('cross-site request forgery', () => {
  let attacker: Server
  let attackPort = 0
  const forms: Record<string, { action: string; fields: Record<string, string>; enctype?: string }> = {
    organization: {
      action: '/organizations/new',
      fields: { name: 'CSRF Forged Org', category: 'other', countryCode: 'KE' },
    },
    token: { action: '/account/tokens', fields: { name: 'CSRF forged token', scope: 'write', days: '365' } },
    api: {
      action: '/api/v1/organizations',
      enctype: 'text/plain',
      fields: { '{"name":"CSRF Forged API","category":"other","countryCode":"KE","x":"': '"}' },
    },
    twoFactorOff: { action: '/account/two-factor/disable', fields: { password: 'guess' } },
    signOut: { action: '/auth/sign-out', fields: {} },
  }

  before(async () => {
    attacker = createServer((req, res) => {
      const name = new URL(req.url ?? '/', 'http://x').searchParams.get('form') ?? ''
      const f = forms[name]
      const target = new URL(req.url ?? '/', 'http://x').searchParams.get('target') ?? ''
      const inputs = Object.entries(f?.fields ?? {})
        .map(([k, v]) => `<input type="hidden" name='${k}' value='${v}'>`)
        .join('')
      res.setHeader('Content-Type', 'text/html')
      res.end(
        `<!doctype html><form method="post" action="${target}${f?.action ?? '/'}" enctype="${
          f?.enctype ?? 'application/x-www-form-urlencoded'
        }">${inputs}</form><script>document.forms[0].submit()</script>`,
      )
    })
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r))
    attackPort = (attacker.address() as { port: number }).port
  })
  after(() => new Promise<void>((r) => attacker.close(() => r())))

  test('a form posted from another origin or site while the victim is signed in is refused and changes nothing', async () => {
    const victim = await admin.newPage()
    victim.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`)
      void d.dismiss()
    })
    const outcomes: string[] = []
    // localhost:other is the same site but another origin (the session cookie goes along, the Origin
    // header does not match); 127.0.0.1 is another site altogether.
    for (const host of [`http://localhost:${attackPort}`, `http://127.0.0.1:${attackPort}`])
      for (const name of Object.keys(forms)) {
        const answered = victim.waitForResponse(
          (r) => r.url().startsWith(app.url) && r.request().method() === 'POST',
        )
        await victim.goto(`${host}/?form=${name}&target=${encodeURIComponent(app.url)}`)
        const res = await answered
        outcomes.push(`${host} ${name} ${res.status()}`)
        assert.ok([401, 403].includes(res.status()), `${host} ${name}: ${res.status()}`)
      }
    await victim.close()
    const forged = await apiGet<{ total: number }>('/organizations?q=CSRF')
    assert.equal(forged.total, 0, outcomes.join('\n'))
    const tokens = await apiGet<{ name: string }[] | { items: { name: string }[] }>('/tokens')
    const names = (Array.isArray(tokens) ? tokens : tokens.items).map((t) => t.name)
    assert.ok(!names.includes('CSRF forged token'), names.join(', '))
    // Still signed in, with two-step sign-in still on.
    await page.goto(`${app.url}/account`)
    assert.ok(await page.getByRole('button', { name: 'Sign out' }).isVisible())
    assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 1)
  })

  test('a same-origin request without the CSRF token is refused too', async () => {
    await page.goto(`${app.url}/organizations`)
    // A script on the page itself (what an XSS would do) without the token: the form, the API, a wrong token.
    const statuses = await page.evaluate<number[]>(`Promise.all([
      fetch('/organizations/new', { method: 'POST', body: new URLSearchParams({ name: 'CSRF No Token', category: 'other', countryCode: 'KE' }) }),
      fetch('/api/v1/organizations', { method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'CSRF No Token API', category: 'other', countryCode: 'KE' }) }),
      fetch('/api/v1/organizations', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': 'forged' },
        body: JSON.stringify({ name: 'CSRF Wrong Token API', category: 'other', countryCode: 'KE' }) }),
    ]).then((rs) => rs.map((r) => r.status))`)
    assert.deepEqual(statuses, [403, 403, 403])
    // Without any Origin header (a non-browser client with the stolen cookie jar): the token still rules.
    const plain = await admin.request.post(`${app.url}/organizations/new`, {
      form: { name: 'CSRF No Origin', category: 'other', countryCode: 'KE' },
    })
    assert.equal(plain.status(), 403)
    assert.equal((await apiGet<{ total: number }>('/organizations?q=CSRF')).total, 0)
  })
})

describe('open redirects', () => {
  const TARGETS = [
    'https://evil.example',
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '%2F%2Fevil.example',
    '/%2F%2Fevil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '/ /evil.example',
    'javascript:alert(1)',
    'http:evil.example',
    '/\u3002/evil.example',
  ]

  test('sign-in next= and the language switch never lead off the site', async () => {
    const landed: string[] = []
    for (const next of TARGETS) {
      for (const path of [
        `/auth/sign-in?next=${encodeURIComponent(next)}`,
        `/organizations?lang=fr&next=${encodeURIComponent(next)}`,
      ]) {
        const res = await page.goto(`${app.url}${path}`).catch((e: Error) => {
          assert.fail(`${JSON.stringify(next)}: ${e.message.split('\n')[0]}`)
        })
        const url = new URL(page.url())
        landed.push(`${path} → ${page.url()}`)
        assert.equal(url.origin, app.url, `${path} went to ${page.url()}`)
        assert.ok(res && res.status() < 500, `${path}: ${res?.status()}`)
      }
    }
    await page.goto(`${app.url}/?lang=en`)
    // Signing in with a hostile next= (a fresh browser, the whole two-step sign-in) lands on this site.
    const other = await browser.newContext()
    const p = await other.newPage()
    guard(p, app.url, problems)
    watch(p)
    await p.goto(`${app.url}/auth/sign-in?next=${encodeURIComponent('/\t/evil.example')}`)
    await new SignInPage(p, app.url).signIn(ADMIN_EMAIL, 'a long and memorable passphrase')
    assert.equal(new URL(p.url()).origin, app.url, p.url())
    await other.close()
    assert.deepEqual(problems, [], landed.join('\n'))
  })
})
