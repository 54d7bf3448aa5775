import { type ExpressionBuilder, type Kysely, type Selectable, sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import type { DB } from '../../db/schema.ts'
import { likePattern } from '../../db/search.ts'
import type { OrganizationQuery, PersonQuery } from './directory.schema.ts'

type Lockable = 'organization' | 'person' | 'engagement_group' | 'group_membership'

/** The row, locked for the rest of the transaction (SELECT … FOR UPDATE), or undefined. */
export async function lockById<T extends Lockable>(
  db: Db,
  table: T,
  id: string,
): Promise<Selectable<DB[T]> | undefined> {
  // Every lockable table has a uuid primary key named id; the cast lets one query serve them all.
  const anyTable = db as unknown as Kysely<Record<Lockable, { id: string }>>
  const row = await anyTable
    .selectFrom(table as Lockable)
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
  return row as Selectable<DB[T]> | undefined
}

export { likePattern }

const orgColumns = [
  'organization.id',
  'organization.name',
  'organization.category',
  'organization.sme',
  'organization.roa',
  'organization.sio',
  'organization.country_code',
  'organization.segment',
  'organization.website',
  'organization.membership_start',
  'organization.membership_end',
  'organization.archived_at',
  'organization.created_at',
  'organization.updated_at',
  'country.names as country_names',
  'country.itu_region',
  'country.development_status',
] as const

export type OrganizationRow = Awaited<ReturnType<typeof findOrganizationById>> & {}

export function findOrganizationById(db: Db, id: string) {
  return db
    .selectFrom('organization')
    .innerJoin('country', 'country.code', 'organization.country_code')
    .select(orgColumns)
    .where('organization.id', '=', id)
    .executeTakeFirst()
}

function orgFilters(q: Omit<OrganizationQuery, 'page' | 'pageSize' | 'sort' | 'dir'>) {
  return (eb: ExpressionBuilder<DB & { country: DB['country'] }, 'organization' | 'country'>) => {
    const conds = []
    if (q.q) conds.push(eb('organization.name', 'ilike', likePattern(q.q)))
    if (q.region) conds.push(eb('country.itu_region', '=', q.region))
    if (q.status) conds.push(eb('country.development_status', '=', q.status))
    if (q.tag) conds.push(eb(`country.${q.tag}`, '=', true))
    if (q.category) conds.push(eb('organization.category', '=', q.category))
    if (q.segment) conds.push(eb('organization.segment', '=', q.segment))
    if (q.country) conds.push(eb('organization.country_code', '=', q.country))
    if (q.sme) conds.push(eb('organization.sme', '=', q.sme === 'true'))
    if (q.archived === 'exclude') conds.push(eb('organization.archived_at', 'is', null))
    if (q.archived === 'only') conds.push(eb('organization.archived_at', 'is not', null))
    return eb.and(conds)
  }
}

const ORG_SORT = {
  name: 'organization.name',
  country: 'organization.country_code',
  category: 'organization.category',
  region: 'country.itu_region',
  created: 'organization.created_at',
} as const

export async function searchOrganizations(db: Db, q: OrganizationQuery) {
  const base = db
    .selectFrom('organization')
    .innerJoin('country', 'country.code', 'organization.country_code')
    .where(orgFilters(q))
  const [rows, count] = await Promise.all([
    base
      .select(orgColumns)
      .orderBy(sql.ref(ORG_SORT[q.sort]), q.dir)
      .orderBy(sql`lower(organization.name)`)
      .orderBy('organization.id')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(count.n) }
}

/** Every organization matching the filters, for export (no paging). */
export function listOrganizationsForExport(db: Db, q: OrganizationQuery) {
  return db
    .selectFrom('organization')
    .innerJoin('country', 'country.code', 'organization.country_code')
    .where(orgFilters(q))
    .select(orgColumns)
    .orderBy(sql`lower(organization.name)`)
    .orderBy('organization.id')
    .execute()
}

export function findOrganizationByNameAndCountry(db: Db, name: string, countryCode: string) {
  return db
    .selectFrom('organization')
    .select(['id', 'name', 'country_code', 'category'])
    .where(sql<boolean>`lower(name) = lower(${name})`)
    .where('country_code', '=', countryCode)
    .where('archived_at', 'is', null)
    .executeTakeFirst()
}

const personColumns = [
  'person.id',
  'person.organization_id',
  'person.name',
  'person.title',
  'person.seniority',
  'person.email',
  'person.phone',
  'person.preferred_language',
  'person.public_consent',
  'person.archived_at',
  'person.erased_at',
  'person.created_at',
  'person.updated_at',
  'organization.name as organization_name',
  'organization.country_code',
  'organization.category as organization_category',
] as const

export type PersonRow = NonNullable<Awaited<ReturnType<typeof findPersonById>>>

export function findPersonById(db: Db, id: string) {
  return db
    .selectFrom('person')
    .innerJoin('organization', 'organization.id', 'person.organization_id')
    .select(personColumns)
    .where('person.id', '=', id)
    .executeTakeFirst()
}

export function findPeopleByIds(db: Db, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db
    .selectFrom('person')
    .innerJoin('organization', 'organization.id', 'person.organization_id')
    .select(personColumns)
    .where('person.id', 'in', ids)
    .execute()
}

export type PersonVisibility =
  | { all: true }
  | { all: false; fullOrganizationIds: string[]; memberStateCountries: string[] }

const PERSON_SORT = {
  name: 'person.name',
  organization: 'organization.name',
  seniority: 'person.seniority',
} as const

/**
 * People the actor may see: all of them for the secretariat; otherwise those who consented to public
 * lists, plus everyone in the organizations the actor speaks for. The rule is in SQL so that paging
 * and counts never reveal hidden people.
 */
export async function searchPeople(
  db: Db,
  q: PersonQuery,
  visibility: PersonVisibility,
  opts: { paged: boolean } = { paged: true },
) {
  const base = peopleMatching(db, q, visibility)
  const ordered = base
    .select(personColumns)
    .orderBy(sql.ref(PERSON_SORT[q.sort]), q.dir)
    .orderBy(sql`lower(person.name)`)
    .orderBy('person.id')
  if (!opts.paged) return { rows: await ordered.execute(), total: -1 }
  const [rows, total] = await Promise.all([
    ordered
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute(),
    countPeople(db, q, visibility),
  ])
  return { rows, total }
}

/** How many people the query matches, for the reader's visibility. */
export async function countPeople(
  db: Db,
  q: Omit<PersonQuery, 'sort' | 'dir' | 'page' | 'pageSize'>,
  visibility: PersonVisibility,
) {
  const count = await peopleMatching(db, q, visibility)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(count.n)
}

function peopleMatching(
  db: Db,
  q: Omit<PersonQuery, 'sort' | 'dir' | 'page' | 'pageSize'>,
  visibility: PersonVisibility,
) {
  return db
    .selectFrom('person')
    .innerJoin('organization', 'organization.id', 'person.organization_id')
    .where((eb) => {
      const conds = []
      if (q.q) {
        const like = likePattern(q.q)
        conds.push(
          eb.or([
            eb('person.name', 'ilike', like),
            eb('person.title', 'ilike', like),
            eb('organization.name', 'ilike', like),
          ]),
        )
      }
      if (q.organizationId) conds.push(eb('person.organization_id', '=', q.organizationId))
      if (q.seniority) conds.push(eb('person.seniority', '=', q.seniority))
      if (q.archived === 'exclude') conds.push(eb('person.archived_at', 'is', null))
      if (q.archived === 'only') conds.push(eb('person.archived_at', 'is not', null))
      if (!visibility.all) {
        const ors = [
          eb.and([
            eb('person.public_consent', '=', true),
            eb('person.archived_at', 'is', null),
            eb('person.erased_at', 'is', null),
          ]),
        ]
        if (visibility.fullOrganizationIds.length)
          ors.push(eb('person.organization_id', 'in', visibility.fullOrganizationIds))
        if (visibility.memberStateCountries.length) {
          ors.push(
            eb.and([
              eb('organization.category', '=', 'member_state'),
              eb('organization.country_code', 'in', visibility.memberStateCountries),
            ]),
          )
        }
        conds.push(eb.or(ors))
      }
      return eb.and(conds)
    })
}

export function findGroupMembershipsOfOrganization(db: Db, organizationId: string) {
  return db
    .selectFrom('group_membership')
    .innerJoin('engagement_group', 'engagement_group.id', 'group_membership.group_id')
    .select([
      'group_membership.id',
      'group_membership.group_id',
      'engagement_group.names',
      'group_membership.principal_person_id',
      'group_membership.alternate_person_id',
      'group_membership.start_date',
      'group_membership.end_date',
    ])
    .where('group_membership.organization_id', '=', organizationId)
    .orderBy('group_membership.start_date', 'desc')
    .execute()
}

export function listGroups(db: Db, includeArchived: boolean) {
  let q = db
    .selectFrom('engagement_group')
    .select([
      'engagement_group.id',
      'engagement_group.kind',
      'engagement_group.names',
      'engagement_group.descriptions',
      'engagement_group.archived_at',
      (eb) =>
        eb
          .selectFrom('group_membership')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('group_membership.group_id', '=', 'engagement_group.id')
          .where('group_membership.end_date', 'is', null)
          .as('current_members'),
    ])
  if (!includeArchived) q = q.where('engagement_group.archived_at', 'is', null)
  return q.orderBy('engagement_group.kind').orderBy('engagement_group.created_at').execute()
}

export function findGroupById(db: Db, id: string) {
  return db
    .selectFrom('engagement_group')
    .select([
      'engagement_group.id',
      'engagement_group.kind',
      'engagement_group.names',
      'engagement_group.descriptions',
      'engagement_group.archived_at',
      (eb) =>
        eb
          .selectFrom('group_membership')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('group_membership.group_id', '=', 'engagement_group.id')
          .where('group_membership.end_date', 'is', null)
          .as('current_members'),
    ])
    .where('engagement_group.id', '=', id)
    .executeTakeFirst()
}

export function findMembershipsOfGroup(db: Db, groupId: string) {
  return db
    .selectFrom('group_membership')
    .innerJoin('organization', 'organization.id', 'group_membership.organization_id')
    .select([
      'group_membership.id',
      'group_membership.organization_id',
      'organization.name as organization_name',
      'organization.country_code',
      'organization.category',
      'group_membership.principal_person_id',
      'group_membership.alternate_person_id',
      'group_membership.start_date',
      'group_membership.end_date',
    ])
    .where('group_membership.group_id', '=', groupId)
    .orderBy(sql`group_membership.end_date IS NULL`, 'desc')
    .orderBy(sql`lower(organization.name)`)
    .orderBy('group_membership.start_date', 'desc')
    .execute()
}
