import { Secret, TOTP } from 'otpauth'
import type { Locator, Page } from 'playwright-core'

/** Page objects: what a user does, in the words of the UI's English labels. */
export class SignInPage {
  constructor(
    private page: Page,
    private base: string,
  ) {}
  async open() {
    await this.page.goto(`${this.base}/auth/sign-in`)
  }
  async signIn(email: string, password: string) {
    await this.page.getByLabel('E-mail').fill(email)
    await this.page.getByLabel('Password').fill(password)
    await submitAndLoad(this.page, this.page.getByRole('button', { name: 'Sign in' }))
    const secret = TwoStepPage.secrets.get(email)
    if (secret && new URL(this.page.url()).pathname === '/auth/two-factor')
      // The code of the next time step: the current one was used when the authenticator was set up.
      await new TwoStepPage(this.page).enterCode(TwoStepPage.code(secret, 30))
  }
}

/** Clicks a submit button and waits for the page the form leads to (after any redirect) to load. */
async function submitAndLoad(page: Page, button: Locator) {
  const navigated = page.waitForEvent('framenavigated', (f) => f === page.mainFrame())
  await button.click()
  await navigated
  await page.waitForLoadState()
}

/** The second step of signing in, with the authenticator app played by otpauth. */
export class TwoStepPage {
  /** The secret each test account enrolled, by e-mail, as the phone would keep it. */
  static secrets = new Map<string, string>()
  constructor(private page: Page) {}
  static code(secret: string, offsetSeconds = 0): string {
    return new TOTP({ secret: Secret.fromBase32(secret) }).generate({
      timestamp: Date.now() + offsetSeconds * 1000,
    })
  }
  async enterCode(code: string) {
    await this.page.getByLabel('Code', { exact: true }).fill(code)
    await this.page.getByRole('button', { name: 'Continue' }).click()
  }
  /** Sets up the authenticator from the key shown, enters its code and keeps the recovery codes page behind. */
  async enrol(email: string): Promise<string> {
    const secret = (await this.page.locator('code.secret').innerText()).replace(/\s+/g, '')
    TwoStepPage.secrets.set(email, secret)
    await this.enterCode(TwoStepPage.code(secret))
    await this.page.getByRole('link', { name: 'I have kept them: continue' }).click()
    return secret
  }
}

export class SetPasswordPage {
  constructor(private page: Page) {}
  async setPassword(password: string) {
    const email = await this.page.locator('input[name=username]').inputValue()
    await this.page.getByLabel('New password').fill(password)
    await this.page.getByLabel('Confirm the password').fill(password)
    await submitAndLoad(this.page, this.page.getByRole('button', { name: 'Set password and sign in' }))
    // Administrators and the secretariat set up two-step sign-in before their first session opens.
    if (new URL(this.page.url()).pathname === '/auth/two-factor')
      await new TwoStepPage(this.page).enrol(email)
  }
}

export class OrganizationsPage {
  constructor(
    private page: Page,
    private base: string,
  ) {}
  async open(query = '') {
    await this.page.goto(`${this.base}/organizations${query}`)
  }
  async create(org: { name: string; category: string; country: string; segment?: string; sme?: boolean }) {
    await this.page.getByRole('link', { name: 'New organization' }).click()
    await this.page.getByLabel('Name', { exact: true }).fill(org.name)
    await this.page.getByLabel('Membership category').selectOption({ label: org.category })
    await this.page.getByLabel('Country').selectOption({ label: org.country })
    if (org.segment) await this.page.getByLabel('Industry segment').selectOption({ label: org.segment })
    if (org.sme) await this.page.getByLabel('Small or medium enterprise (SME)').check()
    await this.page.getByRole('button', { name: 'Save' }).click()
  }
  async filter(filters: { search?: string; region?: string; sme?: string }) {
    if (filters.search !== undefined) await this.page.getByLabel('Search').fill(filters.search)
    if (filters.region) await this.page.getByLabel('ITU region').selectOption({ label: filters.region })
    if (filters.sme) await this.page.getByLabel('SME', { exact: true }).selectOption({ label: filters.sme })
    await this.page.getByRole('button', { name: 'Filter' }).click()
  }
  rows() {
    return this.page.locator('main table tbody tr')
  }
}
