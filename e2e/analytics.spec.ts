import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { AxeBuilder } from '@axe-core/playwright'
import type { Browser, Page } from 'playwright-core'
import { SetPasswordPage } from './pages.ts'
import { cli, guard, launchBrowser, type RunningApp, startApp } from './support.ts'

let app: RunningApp
let browser: Browser
let page: Page
const problems: string[] = []
let adminLink = ''

before(async () => {
  app = await startApp((env) => {
    cli({ env }, ['demo'])
    adminLink =
      /(http:\/\/\S+token=\S+)/.exec(
        cli({ env }, ['admin', 'create', '--email', 'sec@example.org', '--name', 'Sam Secretariat']),
      )?.[1] ?? ''
  })
  browser = await launchBrowser()
  page = await (await browser.newContext()).newPage()
  guard(page, app.url, problems)
})

after(async () => {
  await browser?.close()
  await app?.stop()
})

async function noAxeViolations(p: Page) {
  const r = await new AxeBuilder({ page: p }).withTags(['wcag2a', 'wcag2aa']).analyze()
  assert.deepEqual(
    r.violations.map((v) => v.id),
    [],
  )
}

describe('engagement analytics, in Chromium', () => {
  test('anyone looks back at the CTO meetings: summary, charts with their numbers, and the same figures as the API', async () => {
    await page.goto(app.url)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click()
    await page.getByRole('heading', { name: 'Engagement analytics', level: 1 }).waitFor()
    await page.getByLabel('CTO meeting', { exact: true }).check()
    await page.getByLabel('From', { exact: true }).fill('2017-01-01')
    await page.getByLabel('To', { exact: true }).fill('2025-12-31')
    await page.getByRole('button', { name: 'Show' }).click()
    await page.waitForURL(/kind=cto_meeting/)
    const main = await page.locator('main').innerText()
    assert.match(main, /Meetings\s+16/, 'the sixteen demo CTO meetings')
    for (const section of [
      'Who attended',
      'Where the meetings were held',
      'Consultation, topics and follow-up',
    ])
      await page.getByRole('heading', { name: section, level: 2 }).waitFor()
    assert.match(main, /Meetings away from headquarters\s+\d+%/)
    assert.match(main, /Follow-up actions done\s+\d+ of \d+/)
    assert.equal(await page.locator('table.data tbody tr').last().isVisible(), true)
    await page.getByText('The numbers').first().click()
    await noAxeViolations(page)
    const api = (await (
      await page.request.get(
        `${app.url}/api/v1/metrics/meetings?kind=cto_meeting&from=2017-01-01&to=2025-12-31`,
      )
    ).json()) as { summary: { meetings: number; distinctOrganizations: number } }
    assert.equal(api.summary.meetings, 16)
    assert.match(main, new RegExp(`Organizations that took part\\s+${api.summary.distinctOrganizations}\\b`))
  })

  test('the home page: recent meetings and open data for the public; readiness and what is late for the secretariat', async () => {
    await page.goto(app.url)
    await page.getByRole('heading', { name: 'Recent meetings' }).waitFor()
    assert.match(await page.locator('main').innerText(), /Open data:/)
    await page.goto(adminLink)
    await new SetPasswordPage(page).setPassword('a long and memorable passphrase')
    await page.waitForURL(/notice=password_set/)
    await page.goto(app.url)
    await page.getByRole('heading', { name: 'Coming meetings: are they ready?' }).waitFor()
    const main = await page.locator('main').innerText()
    assert.match(main, /CTO meeting, Geneva \d{4} \(demo\)/, 'the demo’s coming meeting')
    assert.match(main, /Overdue follow-up actions, by body/)
    await noAxeViolations(page)
  })

  /** The admin (signed in by the test before) invites someone; they set a password from the e-mailed link. */
  async function invite(email: string, name: string, scope: (p: Page) => Promise<unknown>, role: string) {
    await page.goto(`${app.url}/admin/users`)
    await page.getByLabel('E-mail', { exact: true }).fill(email)
    await page.getByLabel('Name', { exact: true }).fill(name)
    await page.getByLabel('Role', { exact: true }).selectOption({ label: role })
    await scope(page)
    await page.getByRole('button', { name: 'Send invitation' }).click()
    await page.getByText(`An invitation has been sent to ${email}.`).waitFor()
    await page.goto(`${app.url}/admin/outbox`)
    const mail = await page.locator('article', { hasText: email }).first().locator('pre').innerText()
    const link = /(http:\/\/\S+token=\S+)/.exec(mail)?.[1] ?? ''
    assert.ok(link, `the invitation is in the outbox: ${mail}`)
    const context = await browser.newContext()
    const p = await context.newPage()
    guard(p, app.url, problems)
    await p.goto(link)
    await new SetPasswordPage(p).setPassword('another long memorable passphrase')
    await p.waitForURL(/notice=password_set/)
    await p.goto(app.url)
    return p
  }

  test('a member representative’s home: the organization’s invitations, registrations and actions', async () => {
    const rep = await invite(
      'rep.ember@example.org',
      'Rita Representative',
      (p) =>
        p
          .getByLabel('Organization (member representatives)')
          .selectOption({ label: 'Ember Media (demo) (BY)' }),
      'Member representative',
    )
    const section = rep.getByRole('region', { name: 'Your organization’s meetings' })
    await section.waitFor()
    const text = await section.innerText()
    assert.match(text, /Invitations\s+CTO meeting, Geneva \d{4} \(demo\).*not answered yet/s)
    assert.match(text, /Nobody from your organization is registered for a coming meeting\./)
    assert.match(text, /Your organization’s follow-up actions/)
    assert.doesNotMatch(
      await rep.locator('main').innerText(),
      /are they ready\?/,
      'not the secretariat’s view',
    )
    await noAxeViolations(rep)
    await rep.context().close()
  })

  test('a focal point’s home: the country’s consultations, answered or not, with their results', async () => {
    const focal = await invite(
      'focal.ge@example.org',
      'Giorgi Focal',
      (p) => p.getByLabel('Country (focal points)').selectOption({ label: 'Georgia (GE)' }),
      'Country focal point',
    )
    const section = focal.getByRole('region', { name: 'Your country’s consultations' })
    await section.waitFor()
    const items = section.getByRole('listitem')
    assert.ok((await items.count()) > 0, 'the demo consultations that asked Georgia')
    const text = await section.innerText()
    assert.match(text, /\(GE\) — (answered|not answered)/)
    await section.getByRole('link', { name: 'results' }).first().click()
    await focal.waitForURL(/\/consultations\/[0-9a-f-]+\/results/)
    await noAxeViolations(focal)
    await focal.context().close()
  })

  test('no page logged an error', () => {
    assert.deepEqual(problems, [])
  })
})
