import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { SetPasswordPage } from './pages.ts'
import { cli, expectAccessible, guard, launchBrowser, type RunningApp, startApp } from './support.ts'

let app: RunningApp
let browser: Browser
let admin: BrowserContext
let page: Page
let member: Page
const problems: string[] = []
let adminLink = ''
const TOPIC = 'Trustworthy AI in networks'
const MEETING = 'CTO round table on AI, Geneva'
const yesterday = new Date(Date.now() - 86400_000).toISOString().slice(0, 10)
const nextMonth = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10)
const SCREENSHOTS = process.env.SCREENSHOT_DIR

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

const axe = expectAccessible

/** The API as the signed-in page, for setting up what the consultations test already covers in the browser. */
async function api(p: Page, method: string, path: string, data?: unknown) {
  const csrf = (await p.locator('input[name=_csrf]').first().getAttribute('value')) ?? ''
  const res = await p.request.fetch(`${app.url}/api/v1${path}`, {
    method,
    data,
    headers: { 'X-CSRF-Token': csrf },
  })
  assert.ok(res.ok(), `${method} ${path}: ${res.status()} ${await res.text()}`)
  return res.json()
}

describe('one topic from a member proposal to a completed action, in Chromium', () => {
  let topicUrl = ''
  let meetingUrl = ''
  let orgName = ''
  let orgId = ''

  test('a member representative proposes the topic and supports it', async () => {
    await page.goto(`${app.url}/organizations?category=sector_member`)
    orgName = (await page.locator('table tbody tr td a').first().innerText()).trim()
    await page.goto(`${app.url}/admin/users`)
    await page.getByLabel('E-mail', { exact: true }).fill('rep@example.org')
    await page.getByLabel('Name', { exact: true }).fill('Rita Representative')
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Member representative' })
    const orgSelect = page.getByLabel('Organization (member representatives)')
    // Demo names repeat across countries: the organization is known by its id from here on.
    orgId =
      (await orgSelect
        .locator('option', { hasText: `${orgName} (` })
        .first()
        .getAttribute('value')) ?? ''
    await orgSelect.selectOption(orgId)
    await page.getByRole('button', { name: 'Send invitation' }).click()
    await page.getByText('An invitation has been sent to rep@example.org.').waitFor()
    await page.goto(`${app.url}/admin/outbox`)
    const mail = await page
      .locator('article', { hasText: 'rep@example.org' })
      .first()
      .locator('pre')
      .innerText()
    const link = /(http:\/\/\S+token=\S+)/.exec(mail)?.[1]
    assert.ok(link)
    const ctx = await browser.newContext()
    member = await ctx.newPage()
    guard(member, app.url, problems)
    await member.goto(link)
    await new SetPasswordPage(member).setPassword('another long passphrase here')
    await member.waitForURL(/notice=password_set/)

    await member.getByRole('link', { name: 'Topics and their lifecycle' }).click()
    await member.getByRole('link', { name: 'Propose a topic' }).click()
    await member.getByLabel('Title (English)').fill(TOPIC)
    await member.getByLabel('Study groups').fill('SG13, SG20')
    await member.getByRole('button', { name: 'Propose' }).click()
    await member.waitForURL(/\/topics\/[0-9a-f-]{36}\?notice=created/)
    topicUrl = member.url().split('?')[0]!
    await member.getByRole('button', { name: `Support for ${orgName}` }).click()
    await member.waitForURL(/notice=supported/)
    assert.ok((await member.locator('main').innerText()).includes(`Supported by ${orgName}`))
  })

  test('the same topic comes back through a consultation and is merged into the proposal', async () => {
    const consultation = (await api(page, 'POST', '/consultations', {
      titles: { en: 'Agenda consultation of the membership' },
      purpose: 'membership_agenda',
      audience: { kind: 'organizations', organizations: [orgId] },
      opensAt: new Date(Date.now() - 3600_000).toISOString(),
      closesAt: new Date(Date.now() + 7 * 86400_000).toISOString(),
      confidentiality: 'secretariat',
      questionnaire: {
        sections: [
          {
            id: 's1',
            title: { en: 'Your topics' },
            questions: [{ id: 'q1', type: 'topic_proposal', text: { en: 'Propose a topic' } }],
          },
        ],
      },
    })) as { id: string }
    await api(page, 'POST', `/consultations/${consultation.id}/open`)
    await member.goto(`${app.url}/consultations/${consultation.id}`)
    await member.getByRole('link', { name: /^Answer for/ }).click()
    await member.getByLabel('Title').first().fill('AI trustworthiness for operators')
    await member.getByRole('button', { name: 'Submit' }).click()
    await member.waitForURL(/notice=response_submitted/)
    await page.goto(`${app.url}/consultations/${consultation.id}`)
    page.once('dialog', (d) => d.accept())
    await page.getByRole('button', { name: 'Close', exact: true }).click()
    await page.waitForURL(/notice=consultation_closed/)

    await page.goto(`${app.url}/topics?source=consultation`)
    await page.getByRole('link', { name: 'AI trustworthiness for operators' }).click()
    await page.getByText('Merge into another topic').click()
    await page.getByLabel('Keep this topic').selectOption({ label: TOPIC })
    await page.locator('form[action$="/merge"]').getByLabel('Why').fill('Same subject as the member proposal')
    page.once('dialog', (d) => d.accept())
    await page.getByRole('button', { name: 'Merge', exact: true }).click()
    await page.waitForURL(/notice=topic_merged/)
    assert.equal(page.url().split('?')[0], topicUrl)
  })

  test('the topic goes on a published agenda, ranked with its reasons', async () => {
    await page.goto(`${app.url}/meetings/new`)
    await page.getByLabel('Kind', { exact: true }).selectOption({ label: 'CTO meeting' })
    await page.getByLabel('English').first().fill(MEETING)
    await page.getByLabel('Starts', { exact: true }).fill(`${yesterday}T09:00`)
    await page.getByLabel('Ends', { exact: true }).fill(`${yesterday}T17:00`)
    await page.getByLabel('Time zone', { exact: true }).fill('Europe/Zurich')
    await page.getByLabel('City', { exact: true }).fill('Geneva')
    await page.getByLabel('Country', { exact: true }).selectOption({ label: 'Switzerland' })
    await page.getByLabel('Seniority policy', { exact: true }).selectOption({ label: 'Open to all' })
    await page.getByRole('button', { name: 'Save' }).click()
    await page.waitForURL(/\/meetings\/[0-9a-f-]{36}\?notice=created/)
    meetingUrl = page.url().split('?')[0]!
    page.once('dialog', (d) => d.accept())
    await page.getByRole('button', { name: 'Announce' }).click()
    await page.waitForURL(/notice=saved/)

    await page.getByRole('link', { name: 'Build the agenda' }).click()
    const row = page.locator('tr', { hasText: TOPIC })
    // One member supports it and one consultation proposal stands behind it: both show in the score.
    assert.match(await row.innerText(), /1 \(1\)/)
    await row.getByRole('button', { name: `Add “${TOPIC}”` }).click()
    await page.waitForURL(/notice=saved/)
    if (SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}/agenda-builder.png`, fullPage: true })
    await axe(page)
    page.once('dialog', (d) => d.accept())
    await page.getByRole('button', { name: 'Publish version 1' }).click()
    await page.waitForURL(/notice=agenda_published/)
    assert.match(await page.locator('main').innerText(), /Version 1, published/)
    assert.match(await page.locator('main').innerText(), /Consultation demand 1 × 2 = 2/)
  })

  test('a conclusion on the topic asks SG13 for follow-up; the action is done', async () => {
    await page.goto(meetingUrl)
    await page.locator('summary', { hasText: 'Record a conclusion' }).click()
    await page.getByLabel('Topic', { exact: true }).selectOption({ label: TOPIC })
    await page.getByLabel('Kind of conclusion').selectOption({ label: 'Request' })
    await page
      .getByLabel('Conclusion (English)')
      .fill('SG13 is invited to start a work item on trustworthy AI.')
    await page.getByRole('button', { name: 'Record a conclusion' }).click()
    await page.waitForURL(/notice=saved/)
    await page.locator('summary', { hasText: 'Ask for follow-up' }).click()
    await page.getByLabel('Action (English)').fill('Propose a work item')
    await page.getByLabel('Owning body').fill('SG13')
    await page.getByLabel('Responsible person').selectOption({ label: 'Sam Secretariat' })
    await page.getByLabel('Due').fill(nextMonth)
    await page.getByRole('button', { name: 'Ask for follow-up' }).click()
    await page.waitForURL(/notice=saved/)
    await page.getByRole('link', { name: 'Propose a work item' }).click()
    await page.getByLabel('Status').selectOption({ label: 'Done' })
    await page.getByLabel('Note').fill('Work item agreed at the SG13 meeting')
    await page.getByLabel('Evidence').fill('TD 123-R1')
    await page.getByRole('button', { name: 'Save' }).click()
    await page.waitForURL(/notice=saved/)
    assert.match(await page.locator('h1').innerText(), /Done/)
    await page.goto(`${app.url}/bodies/SG13`)
    assert.match(await page.locator('main').innerText(), /Propose a work item/)
  })

  test('the topic’s page tells the whole story, in order', async () => {
    await member.goto(topicUrl)
    const story = await member.locator('ol.timeline').innerText()
    const expected = [
      'Proposed',
      `Supported by ${orgName}`,
      'AI trustworthiness for operators merged into this topic',
      'Proposed → On an agenda',
      'On the agenda (version 1)',
      'On an agenda → Discussed',
      'Discussed → Concluded',
      'Conclusion: Request',
      'Follow-up for SG13',
      'Done',
    ]
    let at = 0
    for (const text of expected) {
      const found = story.indexOf(text, at)
      assert.ok(found >= 0, `"${text}" after position ${at} in:\n${story}`)
      at = found
    }
    assert.match(await member.locator('h1').innerText(), /Concluded/)
    if (SCREENSHOTS) await member.screenshot({ path: `${SCREENSHOTS}/topic-story.png`, fullPage: true })
    await axe(member)
  })

  test('no page logged an error', () => {
    assert.deepEqual(problems, [])
  })
})
