import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { AxeBuilder } from '@axe-core/playwright'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { SetPasswordPage } from './pages.ts'
import { cli, guard, launchBrowser, type RunningApp, startApp } from './support.ts'

let app: RunningApp
let browser: Browser
let admin: BrowserContext
let page: Page
const problems: string[] = []
let adminLink = ''
const TITLE = 'Executive round table, Nairobi'

before(async () => {
  app = await startApp((env) => {
    cli({ env }, ['demo'])
    adminLink =
      /(http:\/\/\S+token=\S+)/.exec(
        cli({ env }, ['admin', 'create', '--email', 'sec@example.org', '--name', 'Sam Secretariat']),
      )?.[1] ?? ''
  })
  browser = await launchBrowser()
  admin = await browser.newContext()
  page = await admin.newPage()
  guard(page, app.url, problems)
  await page.goto(adminLink)
  await new SetPasswordPage(page).setPassword('a long and memorable passphrase')
  await page.waitForURL(/notice=password_set/)
})

after(async () => {
  await browser?.close()
  await app?.stop()
})

const yesterday = new Date(Date.now() - 86400_000).toISOString().slice(0, 10)

async function changeStatus(label: string) {
  page.once('dialog', (d) => d.accept())
  await page.getByRole('button', { name: label }).click()
  await page.waitForURL(/notice=saved/)
}

describe('a meeting from invitation to figures, in Chromium', () => {
  let meetingUrl = ''

  test('the secretariat creates a meeting for the CTO group, announces it and invites the group', async () => {
    await page.goto(`${app.url}/meetings`)
    await page.getByRole('link', { name: 'New meeting' }).click()
    await page.getByLabel('Kind', { exact: true }).selectOption({ label: 'CTO meeting' })
    await page.getByLabel('Group', { exact: true }).selectOption({ label: 'CTO group (demo)' })
    await page.getByLabel('English').first().fill(TITLE)
    await page.getByLabel('Starts', { exact: true }).fill(`${yesterday}T09:00`)
    await page.getByLabel('Ends', { exact: true }).fill(`${yesterday}T17:00`)
    await page.getByLabel('Time zone', { exact: true }).fill('Africa/Nairobi')
    await page.getByLabel('City', { exact: true }).fill('Nairobi')
    await page.getByLabel('Country', { exact: true }).selectOption({ label: 'Kenya' })
    await page.getByLabel('Seniority policy', { exact: true }).selectOption({ label: 'Open to all' })
    await page.getByRole('button', { name: 'Save' }).click()
    await page.waitForURL(/\/meetings\/[0-9a-f-]{36}\?notice=created/)
    meetingUrl = page.url().split('?')[0]!
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), TITLE)
    await changeStatus('Announce')
    await page
      .getByLabel('Invite a group’s principals and alternates')
      .selectOption({ label: 'CTO group (demo)' })
    await page.getByRole('button', { name: 'Invite the group' }).click()
    await page.waitForURL(/notice=invited/)
    const invitations = page.getByRole('region', { name: 'Invitations' }).locator('tbody tr')
    assert.ok((await invitations.count()) >= 40, 'principals and alternates of the 40 member organizations')
    await changeStatus('Open registration')
  })

  test('a member representative signs up from an invitation e-mail and registers its principal', async () => {
    const cell = (
      await page.getByRole('region', { name: 'Invitations' }).locator('tbody tr td').first().innerText()
    ).trim()
    const [, name, countryCode] = /^(.*) \(([A-Z]{2})\)$/.exec(cell) ?? []
    assert.ok(name && countryCode, cell)
    const org = { name, countryCode }
    await page.goto(`${app.url}/admin/users`)
    await page.getByLabel('E-mail', { exact: true }).fill('rep@example.org')
    await page.getByLabel('Name', { exact: true }).fill('Rita Representative')
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Member representative' })
    await page
      .getByLabel('Organization (member representatives)')
      .selectOption({ label: `${org.name} (${org.countryCode})` })
    await page.getByRole('button', { name: 'Send invitation' }).click()
    await page.getByText('An invitation has been sent to rep@example.org.').waitFor()
    await page.goto(`${app.url}/admin/outbox`)
    const mail = await page
      .locator('article', { hasText: 'rep@example.org' })
      .first()
      .locator('pre')
      .innerText()
    const link = /(http:\/\/\S+token=\S+)/.exec(mail)?.[1]
    assert.ok(link, `the invitation e-mail is in the outbox: ${mail}`)

    const member = await browser.newContext()
    const memberPage = await member.newPage()
    guard(memberPage, app.url, problems)
    await memberPage.goto(link)
    await new SetPasswordPage(memberPage).setPassword('another long passphrase here')
    await memberPage.waitForURL(/notice=password_set/)
    await memberPage.goto(meetingUrl)
    const mine = memberPage.getByRole('region', { name: 'Your invitations' }).locator('tbody tr')
    assert.ok((await mine.count()) >= 1)
    assert.equal(
      (await memberPage.getByRole('region', { name: 'Your invitations' }).getByText(org.name).count()) >= 1,
      true,
    )
    const principalName = await memberPage
      .getByRole('region', { name: 'Your invitations' })
      .locator('tbody tr', { hasText: 'Principal' })
      .locator('td')
      .nth(1)
      .innerText()
    const person = memberPage.getByLabel('Person to register', { exact: true })
    const options = await person.locator('option').allInnerTexts()
    const principal = options.find((o) => o.startsWith(`${principalName} — `))!
    await person.selectOption({ label: principal })
    await memberPage.getByRole('button', { name: 'Register' }).click()
    await memberPage.waitForURL(/notice=registered/)
    assert.equal(
      await memberPage
        .getByRole('region', { name: 'Your organization’s registrations' })
        .locator('tbody tr')
        .count(),
      1,
    )
    const results = await new AxeBuilder({ page: memberPage }).analyze()
    assert.deepEqual(
      results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
      [],
    )
    await member.close()
  })

  test('the secretariat closes registration, marks the meeting held, records attendance and sees the figures', async () => {
    await page.goto(meetingUrl)
    await changeStatus('Close registration')
    await changeStatus('Mark as held')
    const registered = await page
      .getByRole('region', { name: 'Registrations' })
      .locator('tbody tr td')
      .first()
      .innerText()
    const attendee = page.getByLabel('Participant', { exact: true })
    const choice = (await attendee.locator('option').allInnerTexts()).find((o) => o.startsWith(registered))!
    await attendee.selectOption({ label: choice })
    await page.getByRole('button', { name: 'Record attendance' }).click()
    await page.waitForURL(/notice=saved/)
    const row = page.getByRole('region', { name: 'Participants' }).locator('tbody tr').first()
    assert.equal(
      await row.locator('td').nth(2).innerText(),
      'Principal',
      'the group composition tells the capacity',
    )
    assert.match(
      await page.getByRole('region', { name: 'Participation figures' }).innerText(),
      /1 organizations and 1 people attended/,
    )
    const results = await new AxeBuilder({ page }).analyze()
    assert.deepEqual(
      results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
      [],
    )
  })

  test('the secretariat adds a session, publishes slides and finalizes the minutes', async () => {
    await page.goto(meetingUrl)
    await page.locator('summary', { hasText: 'Add a session' }).click()
    await page.getByLabel('Session title (English)').fill('Opening and strategy')
    await page.getByLabel('Agenda outline').fill('Welcome\nAI and standards')
    await page.getByRole('button', { name: 'Add a session' }).click()
    await page.waitForURL(/notice=saved/)
    assert.deepEqual(await page.locator('.sessions li li').allInnerTexts(), ['Welcome', 'AI and standards'])

    await page.locator('summary', { hasText: 'Upload a document' }).click()
    await page.getByLabel('Title', { exact: true }).fill('Keynote slides')
    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'keynote.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.7\n%%EOF\n'),
    })
    await page.getByLabel('Publish it now').check()
    await page.getByRole('button', { name: 'Upload a document' }).click()
    await page.waitForURL(/notice=saved/)
    assert.ok(await page.getByRole('link', { name: 'Keynote slides' }).isVisible())

    await page.locator('summary', { hasText: 'Upload a document' }).click()
    await page.getByLabel('Title', { exact: true }).fill('Not really a PDF')
    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'fake.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    })
    await page.getByRole('button', { name: 'Upload a document' }).click()
    assert.match(await page.getByRole('alert').first().innerText(), /does not match its extension/)

    await page.goto(meetingUrl)
    await page
      .getByLabel('Text of the minutes')
      .fill('The meeting agreed to follow up on AI standardization.')
    await page.getByRole('button', { name: 'Save as final' }).click()
    await page.waitForURL(/notice=saved/)
    assert.match(await page.locator('.minutes').innerText(), /agreed to follow up/)
  })

  test('the public sees the held meeting and its calendar file', async () => {
    const visitor = await browser.newContext()
    const p = await visitor.newPage()
    await p.goto(`${app.url}/meetings?when=past`)
    assert.ok(await p.getByRole('link', { name: TITLE, exact: true }).isVisible())
    const ics = await p.request.get(`${meetingUrl.replace('/meetings/', '/api/v1/meetings/')}/calendar.ics`)
    assert.equal(ics.status(), 200)
    assert.match(await ics.text(), /BEGIN:VEVENT/)
    await visitor.close()
  })

  test('nothing logged a console error or reached outside the app', () => {
    assert.deepEqual(problems, [])
  })
})
