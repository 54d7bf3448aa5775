import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { likePattern } from '../../db/search.ts'
import { inTransaction } from '../../db/transaction.ts'
import { AppError } from '../../http/errors.ts'
import { type Language, type Localized, pick } from '../../i18n/i18n.ts'
import { recordAudit } from '../audit/audit.service.ts'
import {
  type Actor,
  deny,
  focalPointCountries,
  isStaff,
  representedOrganizationIds,
} from '../auth/auth.policy.ts'
import * as policy from './directory.policy.ts'
import * as repo from './directory.repository.ts'
import type {
  Country,
  CountryUpdate,
  Group,
  GroupInput,
  Membership,
  MembershipChange,
  MembershipInput,
  Organization,
  OrganizationInput,
  OrganizationQuery,
  Person,
  PersonInput,
  PersonQuery,
} from './directory.schema.ts'

export type Page<T> = { items: T[]; total: number; page: number; pageSize: number }

// ---------------------------------------------------------------- countries

type CountryRow = {
  code: string
  iso3: string
  names: unknown
  itu_region: string | null
  development_status: string
  ldc: boolean
  lldc: boolean
  sids: boolean
  eit: boolean
  un_member: boolean
}

export function toCountry(r: CountryRow, lang: Language): Country {
  const names = r.names as Record<string, string>
  return {
    code: r.code,
    iso3: r.iso3,
    name: pick(names, lang) || r.code,
    names,
    ituRegion: r.itu_region as Country['ituRegion'],
    developmentStatus: r.development_status as Country['developmentStatus'],
    ldc: r.ldc,
    lldc: r.lldc,
    sids: r.sids,
    eit: r.eit,
    unMember: r.un_member,
  }
}

export async function listCountries(
  db: Db,
  lang: Language,
  q: {
    q?: string | undefined
    region?: string | undefined
    status?: string | undefined
    tag?: 'ldc' | 'lldc' | 'sids' | 'eit' | undefined
  } = {},
): Promise<Country[]> {
  let query = db.selectFrom('country').selectAll()
  if (q.region) query = query.where('itu_region', '=', q.region)
  if (q.status) query = query.where('development_status', '=', q.status)
  if (q.tag) query = query.where(q.tag, '=', true)
  const rows = await query.orderBy('code').execute()
  let countries = rows.map((r) => toCountry(r, lang))
  if (q.q) {
    const needle = q.q.toLocaleLowerCase(lang)
    countries = countries.filter(
      (c) =>
        c.code.toLowerCase() === needle ||
        Object.values(c.names).some((n) => n.toLocaleLowerCase(lang).includes(needle)),
    )
  }
  const collator = new Intl.Collator(lang)
  return countries.sort((a, b) => collator.compare(a.name, b.name))
}

export async function getCountry(db: Db, code: string, lang: Language): Promise<Country> {
  const row = await db
    .selectFrom('country')
    .selectAll()
    .where('code', '=', code.toUpperCase())
    .executeTakeFirst()
  if (!row) throw new AppError('NOT_FOUND', { code })
  return toCountry(row, lang)
}

/**
 * Applies a correction to one country inside the caller's transaction. Unchanged values write nothing
 * and leave no audit entry, so a re-imported file reports what really changed.
 */
export async function updateCountryIn(
  trx: Db,
  actor: Actor,
  code: string,
  input: CountryUpdate,
  action: 'update' | 'import' = 'update',
): Promise<{ status: 'updated' | 'unchanged'; row: CountryRow }> {
  const before = await trx
    .selectFrom('country')
    .selectAll()
    .where('code', '=', code.trim().toUpperCase())
    .forUpdate()
    .executeTakeFirst()
  if (!before) throw new AppError('NOT_FOUND', { code }, { code: ['country_unknown'] })
  const names = input.names ? { ...(before.names as Localized), ...input.names } : (before.names as Localized)
  const next = {
    names,
    itu_region: input.ituRegion !== undefined ? input.ituRegion : before.itu_region,
    development_status: input.developmentStatus ?? before.development_status,
    ldc: input.ldc ?? before.ldc,
    lldc: input.lldc ?? before.lldc,
    sids: input.sids ?? before.sids,
    eit: input.eit ?? before.eit,
  }
  const same = Object.entries(next).every(
    ([k, v]) => JSON.stringify(v) === JSON.stringify(before[k as keyof typeof before]),
  )
  if (same) return { status: 'unchanged', row: before }
  const after = await trx
    .updateTable('country')
    .set({ ...next, names: JSON.stringify(names), updated_at: new Date() })
    .where('code', '=', before.code)
    .returningAll()
    .executeTakeFirstOrThrow()
  await recordAudit(trx, actor, { action, entityType: 'country', entityId: before.code, before, after })
  return { status: 'updated', row: after }
}

export async function updateCountry(
  db: Db,
  actor: Actor,
  code: string,
  input: CountryUpdate,
  lang: Language,
): Promise<Country> {
  if (!policy.canEditCountries(actor)) deny(actor)
  const { row } = await inTransaction(db, (trx) => updateCountryIn(trx, actor, code, input))
  return toCountry(row, lang)
}

// ---------------------------------------------------------------- organizations

type OrgRow = NonNullable<Awaited<ReturnType<typeof repo.findOrganizationById>>>

export function toOrganization(r: OrgRow, lang: Language): Organization {
  return {
    id: r.id,
    name: r.name,
    category: r.category as Organization['category'],
    countryCode: r.country_code,
    countryName: pick(r.country_names as Localized, lang) || r.country_code,
    ituRegion: r.itu_region as Organization['ituRegion'],
    developmentStatus: r.development_status as Organization['developmentStatus'],
    sme: r.sme,
    roa: r.roa,
    sio: r.sio,
    segment: r.segment as Organization['segment'],
    website: r.website,
    membershipStart: r.membership_start,
    membershipEnd: r.membership_end,
    archived: r.archived_at !== null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }
}

const scopeOf = (r: { id: string; country_code: string; category: string }): policy.OrgScope => ({
  id: r.id,
  countryCode: r.country_code,
  category: r.category,
})

export async function searchOrganizations(
  db: Db,
  actor: Actor,
  q: OrganizationQuery,
  lang: Language,
): Promise<Page<Organization>> {
  const query = policy.canSeeArchived(actor) ? q : { ...q, archived: 'exclude' as const }
  const { rows, total } = await repo.searchOrganizations(db, query)
  return { items: rows.map((r) => toOrganization(r, lang)), total, page: q.page, pageSize: q.pageSize }
}

export async function getOrganization(
  db: Db,
  actor: Actor,
  id: string,
  lang: Language,
): Promise<Organization> {
  const row = await repo.findOrganizationById(db, id)
  if (!row || (row.archived_at && !policy.canSeeArchived(actor) && !policy.speaksFor(actor, scopeOf(row)))) {
    throw new AppError('ORGANIZATION_NOT_FOUND')
  }
  return toOrganization(row, lang)
}

export function organizationAbilities(actor: Actor, org: Organization) {
  const scope = { id: org.id, countryCode: org.countryCode, category: org.category }
  return {
    edit: policy.canEditOrganization(actor, scope),
    editScope: policy.canChangeScopeFields(actor),
    archive: policy.canArchive(actor),
    editPeople: policy.canEditPeopleOf(actor, scope),
    seePersonalData: policy.canSeePersonalData(actor, scope),
  }
}

async function assertCountry(trx: Db, code: string): Promise<void> {
  const c = await trx.selectFrom('country').select('code').where('code', '=', code).executeTakeFirst()
  if (!c) throw new AppError('COUNTRY_NOT_FOUND', { code }, { countryCode: ['country_unknown'] })
}

function orgValues(input: OrganizationInput) {
  return {
    name: input.name,
    category: input.category,
    country_code: input.countryCode,
    sme: input.sme,
    roa: input.roa,
    sio: input.sio,
    segment: input.segment,
    website: input.website,
    membership_start: input.membershipStart,
    membership_end: input.membershipEnd,
  }
}

export async function createOrganizationIn(trx: Db, actor: Actor, input: OrganizationInput): Promise<string> {
  await assertCountry(trx, input.countryCode)
  if (await repo.findOrganizationByNameAndCountry(trx, input.name, input.countryCode)) {
    throw new AppError('ORGANIZATION_DUPLICATE', { name: input.name }, { name: ['organization_duplicate'] })
  }
  const row = await trx
    .insertInto('organization')
    .values(orgValues(input))
    .returningAll()
    .executeTakeFirstOrThrow()
  await recordAudit(trx, actor, {
    action: 'create',
    entityType: 'organization',
    entityId: row.id,
    after: row,
  })
  return row.id
}

export async function createOrganization(
  db: Db,
  actor: Actor,
  input: OrganizationInput,
  lang: Language,
): Promise<Organization> {
  if (!policy.canCreateOrganization(actor)) deny(actor)
  const id = await inTransaction(db, (trx) => createOrganizationIn(trx, actor, input))
  return getOrganization(db, actor, id, lang)
}

export async function updateOrganizationIn(
  trx: Db,
  actor: Actor,
  id: string,
  input: OrganizationInput,
): Promise<void> {
  const before = await repo.lockById(trx, 'organization', id)
  if (!before) throw new AppError('ORGANIZATION_NOT_FOUND')
  if (!policy.canEditOrganization(actor, scopeOf(before))) deny(actor)
  if (before.archived_at) throw new AppError('ORGANIZATION_ARCHIVED')
  if (
    (input.category !== before.category || input.countryCode !== before.country_code) &&
    !policy.canChangeScopeFields(actor)
  )
    deny(actor)
  await assertCountry(trx, input.countryCode)
  const clash = await repo.findOrganizationByNameAndCountry(trx, input.name, input.countryCode)
  if (clash && clash.id !== id)
    throw new AppError('ORGANIZATION_DUPLICATE', { name: input.name }, { name: ['organization_duplicate'] })
  const after = await trx
    .updateTable('organization')
    .set({ ...orgValues(input), updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
  await recordAudit(trx, actor, { action: 'update', entityType: 'organization', entityId: id, before, after })
}

export async function updateOrganization(
  db: Db,
  actor: Actor,
  id: string,
  input: OrganizationInput,
  lang: Language,
): Promise<Organization> {
  await inTransaction(db, (trx) => updateOrganizationIn(trx, actor, id, input))
  return getOrganization(db, actor, id, lang)
}

export async function setOrganizationArchived(
  db: Db,
  actor: Actor,
  id: string,
  archived: boolean,
  lang: Language,
): Promise<Organization> {
  if (!policy.canArchive(actor)) deny(actor)
  await inTransaction(db, async (trx) => {
    const before = await repo.lockById(trx, 'organization', id)
    if (!before) throw new AppError('ORGANIZATION_NOT_FOUND')
    if ((before.archived_at !== null) === archived) return
    if (!archived && (await repo.findOrganizationByNameAndCountry(trx, before.name, before.country_code))) {
      throw new AppError('ORGANIZATION_DUPLICATE', { name: before.name })
    }
    const after = await trx
      .updateTable('organization')
      .set({ archived_at: archived ? new Date() : null, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
    // Archiving ends the organization's current group memberships: it no longer sits in any group.
    if (archived) {
      await trx
        .updateTable('group_membership')
        .set({ end_date: sql<string>`greatest(start_date, current_date)` })
        .where('organization_id', '=', id)
        .where('end_date', 'is', null)
        .execute()
    }
    await recordAudit(trx, actor, {
      action: archived ? 'archive' : 'restore',
      entityType: 'organization',
      entityId: id,
      before,
      after,
    })
  })
  return getOrganization(db, actor, id, lang)
}

// ---------------------------------------------------------------- people

export function visibilityFor(actor: Actor): repo.PersonVisibility {
  if (isStaff(actor)) return { all: true }
  return {
    all: false,
    fullOrganizationIds: representedOrganizationIds(actor),
    memberStateCountries: focalPointCountries(actor),
  }
}

export function toPerson(r: repo.PersonRow, actor: Actor): Person {
  const scope = { id: r.organization_id, countryCode: r.country_code, category: r.organization_category }
  const personal = policy.canSeePersonalData(actor, scope)
  return {
    id: r.id,
    organizationId: r.organization_id,
    organizationName: r.organization_name,
    countryCode: r.country_code,
    name: r.name,
    title: r.title,
    seniority: r.seniority as Person['seniority'],
    publicConsent: r.public_consent,
    archived: r.archived_at !== null,
    erased: r.erased_at !== null,
    ...(personal
      ? {
          email: r.email,
          phone: r.phone,
          preferredLanguage: r.preferred_language as Person['preferredLanguage'],
        }
      : {}),
  }
}

function canSeeRow(actor: Actor, r: repo.PersonRow): boolean {
  return policy.canSeePerson(
    actor,
    { publicConsent: r.public_consent, archived: r.archived_at !== null, erased: r.erased_at !== null },
    { id: r.organization_id, countryCode: r.country_code, category: r.organization_category },
  )
}

export async function searchPeople(db: Db, actor: Actor, q: PersonQuery): Promise<Page<Person>> {
  const query = policy.canSeeArchived(actor) ? q : { ...q, archived: 'exclude' as const }
  const { rows, total } = await repo.searchPeople(db, query, visibilityFor(actor))
  return { items: rows.map((r) => toPerson(r, actor)), total, page: q.page, pageSize: q.pageSize }
}

export async function getPerson(db: Db, actor: Actor, id: string): Promise<Person> {
  const row = await repo.findPersonById(db, id)
  // Someone the actor may not see is reported as absent: its existence is itself personal data.
  if (!row || !canSeeRow(actor, row)) throw new AppError('PERSON_NOT_FOUND')
  return toPerson(row, actor)
}

export function personAbilities(actor: Actor, person: Person, orgCategory: string) {
  const scope = { id: person.organizationId, countryCode: person.countryCode, category: orgCategory }
  return {
    edit: policy.canEditPeopleOf(actor, scope) && !person.erased,
    erase: policy.canErasePerson(actor) && !person.erased,
    export: policy.canSeePersonalData(actor, scope),
  }
}

async function orgForPeople(trx: Db, actor: Actor, organizationId: string) {
  const org = await trx
    .selectFrom('organization')
    .select(['id', 'country_code', 'category', 'archived_at'])
    .where('id', '=', organizationId)
    .executeTakeFirst()
  if (!org) throw new AppError('ORGANIZATION_NOT_FOUND', {}, { organizationId: ['organization_unknown'] })
  if (!policy.canEditPeopleOf(actor, scopeOf(org))) deny(actor)
  if (org.archived_at) throw new AppError('ORGANIZATION_ARCHIVED')
  return org
}

function personValues(input: PersonInput) {
  return {
    organization_id: input.organizationId,
    name: input.name,
    title: input.title,
    seniority: input.seniority,
    email: input.email,
    phone: input.phone,
    preferred_language: input.preferredLanguage,
    public_consent: input.publicConsent,
  }
}

async function assertEmailFree(trx: Db, email: string | null, exceptId?: string): Promise<void> {
  if (!email) return
  let q = trx
    .selectFrom('person')
    .select('id')
    .where(sql<boolean>`lower(email) = ${email}`)
    .where('archived_at', 'is', null)
  if (exceptId) q = q.where('id', '<>', exceptId)
  if (await q.executeTakeFirst()) throw new AppError('PERSON_EMAIL_TAKEN', {}, { email: ['email_taken'] })
}

export async function createPersonIn(trx: Db, actor: Actor, input: PersonInput): Promise<string> {
  await orgForPeople(trx, actor, input.organizationId)
  await assertEmailFree(trx, input.email)
  const row = await trx
    .insertInto('person')
    .values(personValues(input))
    .returningAll()
    .executeTakeFirstOrThrow()
  await recordAudit(trx, actor, { action: 'create', entityType: 'person', entityId: row.id, after: row })
  return row.id
}

export async function createPerson(db: Db, actor: Actor, input: PersonInput): Promise<Person> {
  const id = await inTransaction(db, (trx) => createPersonIn(trx, actor, input))
  return getPerson(db, actor, id)
}

export async function updatePersonIn(trx: Db, actor: Actor, id: string, input: PersonInput): Promise<void> {
  const before = await repo.lockById(trx, 'person', id)
  if (!before) throw new AppError('PERSON_NOT_FOUND')
  // The actor must speak for the current organization and, when moving the person, the new one too.
  await orgForPeople(trx, actor, before.organization_id)
  if (input.organizationId !== before.organization_id) await orgForPeople(trx, actor, input.organizationId)
  if (before.erased_at) throw new AppError('PERSON_NOT_FOUND')
  await assertEmailFree(trx, input.email, id)
  const after = await trx
    .updateTable('person')
    .set({ ...personValues(input), updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
  await recordAudit(trx, actor, { action: 'update', entityType: 'person', entityId: id, before, after })
}

export async function updatePerson(db: Db, actor: Actor, id: string, input: PersonInput): Promise<Person> {
  await inTransaction(db, (trx) => updatePersonIn(trx, actor, id, input))
  return getPerson(db, actor, id)
}

export async function setPersonArchived(
  db: Db,
  actor: Actor,
  id: string,
  archived: boolean,
): Promise<Person> {
  await inTransaction(db, async (trx) => {
    const before = await repo.lockById(trx, 'person', id)
    if (!before) throw new AppError('PERSON_NOT_FOUND')
    await orgForPeople(trx, actor, before.organization_id)
    if ((before.archived_at !== null) === archived) return
    await assertEmailFree(trx, archived ? null : before.email, id)
    const after = await trx
      .updateTable('person')
      .set({ archived_at: archived ? new Date() : null, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: archived ? 'archive' : 'restore',
      entityType: 'person',
      entityId: id,
      before,
      after,
    })
  })
  return getPerson(db, actor, id)
}

/**
 * Erasure (right to be forgotten): the contact data goes, the record stays as an anonymous placeholder so
 * that attendance and group history keep their counts. Earlier audit entries keep their ids, actors,
 * actions and times, but the erased values inside them (name, title, e-mail, phone) are replaced, wherever
 * they appear as a whole value; the erasure itself is audited without them.
 */
export async function erasePerson(db: Db, actor: Actor, id: string): Promise<void> {
  if (!policy.canErasePerson(actor)) deny(actor)
  await inTransaction(db, async (trx) => {
    const before = await repo.lockById(trx, 'person', id)
    if (!before) throw new AppError('PERSON_NOT_FOUND')
    if (before.erased_at) return
    await trx
      .updateTable('person')
      .set({
        name: 'Erased person',
        title: null,
        email: null,
        phone: null,
        preferred_language: null,
        public_consent: false,
        erased_at: new Date(),
        archived_at: sql<Date>`coalesce(archived_at, now())`,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .execute()
    await redactFromAudit(trx, id, [before.name, before.title, before.email, before.phone])
    await recordAudit(trx, actor, {
      action: 'erase',
      entityType: 'person',
      entityId: id,
      summary: 'personal data erased',
    })
  })
}

const ERASED = '[erased]'

/**
 * Replaces erased values in the audit entries about a person: a JSON string equal to one of them in
 * before/after, and the value inside a summary. Runs in the erasure's transaction, which the append-only trigger lets change
 * only these columns.
 */
async function redactFromAudit(
  trx: Db,
  personId: string,
  values: (string | null | undefined)[],
): Promise<void> {
  // Only entries about this person: the person's own, and those that name the person's id.
  const aboutPerson = likePattern(personId)
  const erased = [...new Set(values.filter((v): v is string => !!v && v.trim().length >= 3))]
  if (!erased.length) return
  await sql`SELECT set_config('engage.audit_redaction', 'on', true)`.execute(trx)
  for (const value of erased) {
    // As the value appears in jsonb's text: a JSON string, escapes included.
    const asJson = JSON.stringify(value)
    const inJson = likePattern(asJson.slice(1, -1))
    await sql`
      UPDATE audit_log SET
        before = replace(before::text, ${asJson}, ${JSON.stringify(ERASED)})::jsonb,
        after = replace(after::text, ${asJson}, ${JSON.stringify(ERASED)})::jsonb,
        summary = replace(summary, ${value}, ${ERASED})
      WHERE (entity_id = ${personId} OR before::text LIKE ${aboutPerson} OR after::text LIKE ${aboutPerson})
        AND (before::text LIKE ${inJson} OR after::text LIKE ${inJson} OR summary LIKE ${likePattern(value)})`.execute(
      trx,
    )
  }
  await sql`SELECT set_config('engage.audit_redaction', 'off', true)`.execute(trx)
}

/** Everything Engage holds on one person, for a subject-access request. */
export async function exportPersonData(db: Db, actor: Actor, id: string) {
  const row = await repo.findPersonById(db, id)
  if (!row || !canSeeRow(actor, row)) throw new AppError('PERSON_NOT_FOUND')
  if (
    !policy.canSeePersonalData(actor, {
      id: row.organization_id,
      countryCode: row.country_code,
      category: row.organization_category,
    })
  )
    deny(actor)
  // Every record that names the person, each list in the order it happened.
  const meeting = (m: { titles: unknown; starts_at: Date }) => ({
    meeting: pick(m.titles as Localized, 'en'),
    meetingDate: m.starts_at.toISOString().slice(0, 10),
  })
  const [memberships, panels, invitations, registrations, attendance] = await Promise.all([
    db
      .selectFrom('group_membership')
      .innerJoin('engagement_group', 'engagement_group.id', 'group_membership.group_id')
      .select([
        'engagement_group.names',
        'group_membership.principal_person_id',
        'group_membership.start_date',
        'group_membership.end_date',
      ])
      .where((eb) => eb.or([eb('principal_person_id', '=', id), eb('alternate_person_id', '=', id)]))
      .orderBy('group_membership.start_date')
      .execute(),
    db
      .selectFrom('advisory_panel_member as pm')
      .innerJoin('advisory_panel as p', 'p.id', 'pm.panel_id')
      .select(['p.code', 'p.names', 'pm.role', 'pm.starts_on', 'pm.ends_on'])
      .where('pm.person_id', '=', id)
      .orderBy('pm.starts_on')
      .execute(),
    db
      .selectFrom('meeting_invitation as i')
      .innerJoin('meeting as m', 'm.id', 'i.meeting_id')
      .select([
        'm.titles',
        'm.starts_at',
        'i.person_id',
        'i.group_role',
        'i.state',
        'i.sent_at',
        'i.responded_at',
      ])
      .where((eb) => eb.or([eb('i.person_id', '=', id), eb('i.delegate_person_id', '=', id)]))
      .orderBy('m.starts_at')
      .execute(),
    db
      .selectFrom('meeting_registration as r')
      .innerJoin('meeting as m', 'm.id', 'r.meeting_id')
      .select([
        'm.titles',
        'm.starts_at',
        'r.status',
        'r.participation',
        'r.seniority_note',
        'r.override_reason',
        'r.created_at',
      ])
      .where('r.person_id', '=', id)
      .orderBy('m.starts_at')
      .execute(),
    db
      .selectFrom('meeting_attendance as a')
      .innerJoin('meeting as m', 'm.id', 'a.meeting_id')
      .select(['m.titles', 'm.starts_at', 'a.attended_as', 'a.captured_by', 'a.captured_at'])
      .where('a.person_id', '=', id)
      .orderBy('m.starts_at')
      .execute(),
  ])
  return {
    exportedAt: new Date().toISOString(),
    person: {
      id: row.id,
      name: row.name,
      title: row.title,
      seniority: row.seniority,
      email: row.email,
      phone: row.phone,
      preferredLanguage: row.preferred_language,
      publicConsent: row.public_consent,
      organization: row.organization_name,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      erased: row.erased_at !== null,
    },
    groupRoles: memberships.map((m) => ({
      group: pick(m.names as Localized, 'en'),
      role: m.principal_person_id === id ? 'principal' : 'alternate',
      from: m.start_date,
      to: m.end_date,
    })),
    panelRoles: panels.map((p) => ({
      panel: `${p.code} — ${pick(p.names as Localized, 'en')}`,
      role: p.role,
      from: p.starts_on,
      to: p.ends_on,
    })),
    invitations: invitations.map((i) => ({
      ...meeting(i),
      as: i.person_id === id ? (i.group_role ?? 'invitee') : 'delegate',
      state: i.state,
      sentAt: i.sent_at.toISOString(),
      respondedAt: i.responded_at?.toISOString() ?? null,
    })),
    registrations: registrations.map((r) => ({
      ...meeting(r),
      status: r.status,
      participation: r.participation,
      seniorityNote: r.seniority_note,
      overrideReason: r.override_reason,
      registeredAt: r.created_at.toISOString(),
    })),
    attendance: attendance.map((a) => ({
      ...meeting(a),
      attendedAs: a.attended_as,
      capturedBy: a.captured_by,
      capturedAt: a.captured_at.toISOString(),
    })),
  }
}

// ---------------------------------------------------------------- groups

type GroupRow = NonNullable<Awaited<ReturnType<typeof repo.findGroupById>>>

function toGroup(r: GroupRow, lang: Language): Group {
  const names = r.names as Record<string, string>
  const descriptions = r.descriptions as Record<string, string>
  return {
    id: r.id,
    kind: r.kind as Group['kind'],
    name: pick(names, lang),
    names,
    description: pick(descriptions, lang),
    descriptions,
    archived: r.archived_at !== null,
    currentMembers: Number(r.current_members ?? 0),
  }
}

export async function listGroups(db: Db, actor: Actor, lang: Language): Promise<Group[]> {
  const rows = await repo.listGroups(db, policy.canSeeArchived(actor))
  return rows.map((r) => toGroup(r, lang))
}

export async function getGroup(db: Db, actor: Actor, id: string, lang: Language): Promise<Group> {
  const row = await repo.findGroupById(db, id)
  if (!row || (row.archived_at && !policy.canSeeArchived(actor))) throw new AppError('GROUP_NOT_FOUND')
  return toGroup(row, lang)
}

export async function createGroup(db: Db, actor: Actor, input: GroupInput, lang: Language): Promise<Group> {
  if (!policy.canManageGroups(actor)) deny(actor)
  const id = await inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto('engagement_group')
      .values({
        kind: input.kind,
        names: JSON.stringify(input.names),
        descriptions: JSON.stringify(input.descriptions),
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, { action: 'create', entityType: 'group', entityId: row.id, after: row })
    return row.id
  })
  return getGroup(db, actor, id, lang)
}

export async function updateGroup(
  db: Db,
  actor: Actor,
  id: string,
  input: GroupInput,
  lang: Language,
): Promise<Group> {
  if (!policy.canManageGroups(actor)) deny(actor)
  await inTransaction(db, async (trx) => {
    const before = await repo.lockById(trx, 'engagement_group', id)
    if (!before) throw new AppError('GROUP_NOT_FOUND')
    const after = await trx
      .updateTable('engagement_group')
      .set({
        kind: input.kind,
        names: JSON.stringify(input.names),
        descriptions: JSON.stringify(input.descriptions),
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, { action: 'update', entityType: 'group', entityId: id, before, after })
  })
  return getGroup(db, actor, id, lang)
}

export async function setGroupArchived(
  db: Db,
  actor: Actor,
  id: string,
  archived: boolean,
  lang: Language,
): Promise<Group> {
  if (!policy.canManageGroups(actor)) deny(actor)
  await inTransaction(db, async (trx) => {
    const before = await repo.lockById(trx, 'engagement_group', id)
    if (!before) throw new AppError('GROUP_NOT_FOUND')
    if ((before.archived_at !== null) === archived) return
    const after = await trx
      .updateTable('engagement_group')
      .set({ archived_at: archived ? new Date() : null, updated_at: new Date() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: archived ? 'archive' : 'restore',
      entityType: 'group',
      entityId: id,
      before,
      after,
    })
  })
  return getGroup(db, actor, id, lang)
}

/** Memberships with principal and alternate names, hidden where the actor may not see the person. */
export async function listMemberships(db: Db, actor: Actor, groupId: string): Promise<Membership[]> {
  const rows = await repo.findMembershipsOfGroup(db, groupId)
  const personIds = [
    ...new Set(
      rows.flatMap((r) => [r.principal_person_id, r.alternate_person_id]).filter((x): x is string => !!x),
    ),
  ]
  const people = new Map((await repo.findPeopleByIds(db, personIds)).map((p) => [p.id, p]))
  const shown = (id: string | null) => {
    const p = id ? people.get(id) : undefined
    if (!p) return null
    return canSeeRow(actor, p) ? { id: p.id, name: p.name } : null
  }
  return rows.map((r) => ({
    id: r.id,
    organizationId: r.organization_id,
    organizationName: r.organization_name,
    countryCode: r.country_code,
    principal: shown(r.principal_person_id),
    alternate: shown(r.alternate_person_id),
    startDate: r.start_date,
    endDate: r.end_date,
  }))
}

async function assertPersonOf(
  trx: Db,
  personId: string | null,
  organizationId: string,
  field: string,
): Promise<void> {
  if (!personId) return
  const p = await trx
    .selectFrom('person')
    .select(['organization_id', 'archived_at'])
    .where('id', '=', personId)
    .executeTakeFirst()
  if (!p || p.organization_id !== organizationId || p.archived_at) {
    throw new AppError('PERSON_NOT_IN_ORGANIZATION', {}, { [field]: ['person_not_in_organization'] })
  }
}

export async function addMembership(
  db: Db,
  actor: Actor,
  groupId: string,
  input: MembershipInput,
): Promise<string> {
  if (!policy.canManageGroups(actor)) deny(actor)
  return inTransaction(db, async (trx) => {
    const group = await repo.lockById(trx, 'engagement_group', groupId)
    if (!group || group.archived_at) throw new AppError('GROUP_NOT_FOUND')
    const org = await trx
      .selectFrom('organization')
      .select(['id', 'archived_at'])
      .where('id', '=', input.organizationId)
      .executeTakeFirst()
    if (!org) throw new AppError('ORGANIZATION_NOT_FOUND', {}, { organizationId: ['organization_unknown'] })
    if (org.archived_at) throw new AppError('ORGANIZATION_ARCHIVED')
    const current = await trx
      .selectFrom('group_membership')
      .select('id')
      .where('group_id', '=', groupId)
      .where('organization_id', '=', org.id)
      .where('end_date', 'is', null)
      .executeTakeFirst()
    if (current) throw new AppError('MEMBERSHIP_EXISTS', {}, { organizationId: ['membership_exists'] })
    await assertPersonOf(trx, input.principalPersonId, org.id, 'principalPersonId')
    await assertPersonOf(trx, input.alternatePersonId, org.id, 'alternatePersonId')
    const row = await trx
      .insertInto('group_membership')
      .values({
        group_id: groupId,
        organization_id: org.id,
        principal_person_id: input.principalPersonId,
        alternate_person_id: input.alternatePersonId,
        start_date: input.startDate,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'group_membership',
      entityId: row.id,
      after: row,
    })
    return row.id
  })
}

/**
 * A new principal or alternate starts a new period: the current row ends the day before the effective
 * date and a new one begins, so the group's composition on any past date can be read back. A change on
 * the day the period began is a correction and edits that period in place.
 */
export async function changeMembership(
  db: Db,
  actor: Actor,
  membershipId: string,
  input: MembershipChange,
): Promise<string> {
  if (!policy.canManageGroups(actor)) deny(actor)
  return inTransaction(db, async (trx) => {
    const before = await repo.lockById(trx, 'group_membership', membershipId)
    if (!before) throw new AppError('MEMBERSHIP_NOT_FOUND')
    if (before.end_date) throw new AppError('MEMBERSHIP_ENDED')
    if (input.effectiveDate < before.start_date) {
      throw new AppError('VALIDATION_FAILED', {}, { effectiveDate: ['before_membership_start'] })
    }
    await assertPersonOf(trx, input.principalPersonId, before.organization_id, 'principalPersonId')
    await assertPersonOf(trx, input.alternatePersonId, before.organization_id, 'alternatePersonId')
    if (input.effectiveDate === before.start_date) {
      const after = await trx
        .updateTable('group_membership')
        .set({ principal_person_id: input.principalPersonId, alternate_person_id: input.alternatePersonId })
        .where('id', '=', membershipId)
        .returningAll()
        .executeTakeFirstOrThrow()
      await recordAudit(trx, actor, {
        action: 'update',
        entityType: 'group_membership',
        entityId: membershipId,
        before,
        after,
      })
      return membershipId
    }
    const ended = await trx
      .updateTable('group_membership')
      .set({ end_date: sql<string>`(${input.effectiveDate}::date - 1)` })
      .where('id', '=', membershipId)
      .returningAll()
      .executeTakeFirstOrThrow()
    const next = await trx
      .insertInto('group_membership')
      .values({
        group_id: before.group_id,
        organization_id: before.organization_id,
        principal_person_id: input.principalPersonId,
        alternate_person_id: input.alternatePersonId,
        start_date: input.effectiveDate,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'group_membership',
      entityId: membershipId,
      before,
      after: ended,
    })
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'group_membership',
      entityId: next.id,
      after: next,
    })
    return next.id
  })
}

export async function endMembership(
  db: Db,
  actor: Actor,
  membershipId: string,
  endDate: string,
): Promise<void> {
  if (!policy.canManageGroups(actor)) deny(actor)
  await inTransaction(db, async (trx) => {
    const before = await repo.lockById(trx, 'group_membership', membershipId)
    if (!before) throw new AppError('MEMBERSHIP_NOT_FOUND')
    if (before.end_date) throw new AppError('MEMBERSHIP_ENDED')
    if (endDate < before.start_date)
      throw new AppError('VALIDATION_FAILED', {}, { endDate: ['before_membership_start'] })
    const after = await trx
      .updateTable('group_membership')
      .set({ end_date: endDate })
      .where('id', '=', membershipId)
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'group_membership',
      entityId: membershipId,
      before,
      after,
    })
  })
}

export async function membershipsOfOrganization(db: Db, organizationId: string, lang: Language) {
  const rows = await repo.findGroupMembershipsOfOrganization(db, organizationId)
  return rows.map((r) => ({
    id: r.id,
    groupId: r.group_id,
    groupName: pick(r.names as Localized, lang),
    startDate: r.start_date,
    endDate: r.end_date,
  }))
}

export async function directoryCounts(db: Db, actor: Actor) {
  const vis = visibilityFor(actor)
  const [orgs, groups, countries] = await Promise.all([
    db
      .selectFrom('organization')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('archived_at', 'is', null)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('engagement_group')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('archived_at', 'is', null)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('country')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ])
  const people = await repo.countPeople(db, { archived: 'exclude' }, vis)
  return {
    organizations: Number(orgs.n),
    people,
    groups: Number(groups.n),
    countries: Number(countries.n),
  }
}

/** Live organizations for a select (name and country), alphabetical; capped for the page's sake. */
/**
 * Organizations to choose from in a form, by name. Without a limit, up to 5,000; a page that offers a search
 * (ChoiceSearch) asks for its limit and gets one row more when there are more.
 */
export function organizationChoices(db: Db, opts: { search?: string | undefined; limit?: number } = {}) {
  let q = db
    .selectFrom('organization')
    .select(['id', 'name', 'country_code'])
    .where('archived_at', 'is', null)
  if (opts.search?.trim()) q = q.where('name', 'ilike', likePattern(opts.search.trim()))
  return q
    .orderBy('name')
    .orderBy('id')
    .limit(opts.limit === undefined ? 5000 : opts.limit + 1)
    .execute()
}
