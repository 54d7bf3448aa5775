import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { SetPasswordPage } from './pages.ts'
import { cli, expectAccessible, guard, launchBrowser, type RunningApp, startApp } from './support.ts'

let app: RunningApp
let browser: Browser
let admin: BrowserContext
let page: Page
const problems: string[] = []
let adminLink = ''
const TITLE = 'Needs of developing countries before the Nairobi CTO meeting'
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

const local = (d: Date) => d.toISOString().slice(0, 16)

describe('a pre-meeting consultation of developing countries, in Chromium', () => {
  let consultationUrl = ''
  let focalLink = ''

  test('the admin names a focal point for Senegal', async () => {
    await page.goto(`${app.url}/admin/users`)
    await page.getByLabel('E-mail', { exact: true }).fill('focal.sn@example.org')
    await page.getByLabel('Name', { exact: true }).fill('Awa Diop')
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Country focal point' })
    await page.getByLabel('Country (focal points)').selectOption({ label: 'Senegal (SN)' })
    await page.getByRole('button', { name: 'Send invitation' }).click()
    await page.getByText('An invitation has been sent to focal.sn@example.org.').waitFor()
  })

  test('the secretariat builds the questionnaire, found from the home page', async () => {
    await page.goto(app.url)
    await page.getByRole('link', { name: 'New consultation' }).click()
    await page.getByLabel('Title (English)', { exact: true }).fill(TITLE)
    await page
      .getByLabel('Purpose', { exact: true })
      .selectOption({ label: 'Before a meeting: developing countries' })
    await page.getByLabel('Opens (UTC)').fill(local(new Date(Date.now() - 3600_000)))
    await page.getByLabel('Closes (UTC)').fill(local(new Date(Date.now() + 10 * 86400_000)))
    // Developing countries of Africa.
    await page.getByLabel('Development status').selectOption({ label: 'Developing' })
    await page.getByRole('group', { name: 'Regions' }).getByLabel('Africa').check()
    await page.getByLabel('Section title (English)').fill('Priorities')
    const q1 = page.getByRole('group', { name: 'Question 1 (q1)' })
    await q1.getByLabel('Type').selectOption({ label: 'Single choice' })
    await q1.getByLabel('Question (English)').fill('Which technology matters most to your country?')
    await q1
      .getByText(/^Other languages/)
      .first()
      .click()
    await q1.getByLabel('Question (Français)').fill('Quelle technologie compte le plus pour votre pays ?')
    await q1
      .getByLabel('Options (English)')
      .fill('Artificial intelligence\nQuantum\nDigital public infrastructure')
    await q1.locator('details').nth(2).locator('summary').click()
    await q1
      .getByLabel('Options (Français)')
      .fill('Intelligence artificielle\nQuantique\nInfrastructure publique numérique')
    await q1.getByLabel('required').check()
    // A second question, added with the builder's button (the page comes back with it, nothing saved yet).
    await page.getByRole('button', { name: 'Add a question to this section' }).click()
    const q2 = page.getByRole('group', { name: 'Question 2 (q2)' })
    await q2.getByLabel('Type').selectOption({ label: 'Propose a topic' })
    await q2.getByLabel('Question (English)').fill('Propose a topic for the meeting')
    await q2
      .getByText(/^Other languages/)
      .first()
      .click()
    await q2.getByLabel('Question (Français)').fill('Proposez un sujet pour la réunion')
    if (SCREENSHOTS)
      await page.screenshot({ path: `${SCREENSHOTS}/consultation-builder.png`, fullPage: true })
    await axe(page)
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    await page.waitForURL(/\/consultations\/[0-9a-f-]{36}\?notice=created/)
    consultationUrl = page.url().split('?')[0]!
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Draft/)
  })

  test('a bad questionnaire is refused with a clear message and nothing is saved', async () => {
    await page.goto(`${consultationUrl}/edit`)
    const q1 = page.getByRole('group', { name: 'Question 1 (q1)' })
    await q1.getByLabel('Options (English)').fill('Only one option')
    await q1
      .locator('details')
      .nth(2)
      .evaluate((d) => d.setAttribute('open', ''))
    await q1.getByLabel('Options (Français)').fill('Une seule option')
    await page.getByRole('button', { name: 'Save', exact: true }).click()
    const summary = page.getByRole('alert')
    await summary.waitFor()
    assert.match(await summary.innerText(), /Section 1, question 1 \(Options\): Give at least two options/)
    await page.goto(consultationUrl)
    assert.match(await page.locator('.questionnaire-preview').innerText(), /Which technology matters most/)
  })

  test('opening it sends personal invitations; the focal point answers in French with the link', async () => {
    await page.goto(consultationUrl)
    page.once('dialog', (d) => d.accept())
    await page.getByRole('button', { name: 'Open and send invitations' }).click()
    await page.waitForURL(/notice=consultation_opened/)
    // Senegal's focal point named above, and the demo's focal points of other African developing countries.
    const invited = /: (\d+) countries or organizations, (\d+) people/.exec(
      await page.locator('dl.facts').innerText(),
    )
    assert.ok(invited && Number(invited[1]) >= 1 && Number(invited[2]) >= 1, 'invitations were sent')
    await page.goto(`${app.url}/admin/outbox`)
    const mail = await page
      .locator('article', { hasText: 'focal.sn@example.org' })
      .filter({ hasText: TITLE })
      .first()
      .locator('pre')
      .innerText()
    focalLink = /(http:\/\/\S+\/c\/\S+)/.exec(mail)?.[1] ?? ''
    assert.ok(focalLink, `the consultation invitation is in the outbox: ${mail}`)

    const focal = await browser.newContext({
      locale: 'fr-FR',
      extraHTTPHeaders: { 'Accept-Language': 'fr-FR,fr;q=0.9' },
    })
    const fp = await focal.newPage()
    guard(fp, app.url, problems)
    await fp.goto(focalLink)
    // Her browser asks for French: the link's page and the questionnaire come in French.
    assert.equal(await fp.locator('html').getAttribute('lang'), 'fr')
    await fp.locator('form[action^="/c/"] button[type="submit"]').click()
    await fp.waitForURL(/\/respond\/[0-9a-f-]{36}$/)
    // Her account was opened in English by the admin: she switches to French, which her account remembers.
    if ((await fp.locator('html').getAttribute('lang')) !== 'fr') {
      await fp.locator('#lang-select').selectOption('fr')
      await fp.waitForURL(/lang=fr/)
    }
    assert.equal(await fp.locator('html').getAttribute('lang'), 'fr')
    await fp.getByRole('group', { name: /Quelle technologie compte le plus/ }).waitFor()
    // Submitting without the required answer is refused and says why.
    await fp.getByRole('button', { name: 'Soumettre' }).click()
    await fp.getByRole('alert').waitFor()
    await fp.getByLabel('Infrastructure publique numérique').check()
    await fp.getByLabel('Titre').first().fill('Identité numérique')
    await fp.getByLabel('Description').first().fill('Interopérabilité des systèmes d’identité')
    if (SCREENSHOTS)
      await fp.screenshot({ path: `${SCREENSHOTS}/consultation-respond-fr.png`, fullPage: true })
    await axe(fp)
    await fp.getByRole('button', { name: 'Soumettre' }).click()
    await fp.waitForURL(/notice=response_submitted/)
    assert.match(await fp.locator('main').innerText(), /Awa Diop/)

    // The link worked once; used again it explains itself.
    const other = await browser.newContext()
    const op = await other.newPage()
    guard(op, app.url, problems)
    const res = await op.goto(focalLink)
    assert.equal(res?.status(), 400)
    assert.match(await op.locator('main').innerText(), /already been used/)
    await other.close()
    await focal.close()
  })

  test('the results show the answer, the topic and the response rate', async () => {
    await page.goto(consultationUrl)
    await page.getByRole('link', { name: 'Results' }).click()
    const main = await page.locator('main').innerText()
    assert.match(main, /\(1\/\d+\)/, 'one submitted response out of the African developing countries')
    const chart = page.getByRole('img', { name: 'Which technology matters most to your country?' })
    assert.match(await chart.innerHTML(), /Digital public infrastructure/)
    assert.match(main, /Identité numérique/)
    if (SCREENSHOTS)
      await page.screenshot({ path: `${SCREENSHOTS}/consultation-results.png`, fullPage: true })
    await axe(page)
    const csv = await page.request.get(
      `${consultationUrl.replace('/consultations/', '/api/v1/consultations/')}/export?format=csv&table=responses`,
    )
    assert.equal(csv.status(), 200)
    assert.match(await csv.text(), /Senegal,SN,Submitted,.*Digital public infrastructure/)
  })

  test('no page logged an error', () => {
    assert.deepEqual(problems, [])
  })
})
