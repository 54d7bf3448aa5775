import type { Page } from 'playwright-core'

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
    await this.page.getByRole('button', { name: 'Sign in' }).click()
  }
}

export class SetPasswordPage {
  constructor(private page: Page) {}
  async setPassword(password: string) {
    await this.page.getByLabel('New password').fill(password)
    await this.page.getByLabel('Confirm the password').fill(password)
    await this.page.getByRole('button', { name: 'Set password and sign in' }).click()
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
