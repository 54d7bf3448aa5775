import type { Db } from '../db/database.ts'
import { unique } from './harness.ts'

/** Factories insert straight into the database, with overrides, building missing parents. */
export async function buildOrganization(
  db: Db,
  overrides: Partial<{
    name: string
    category: string
    country_code: string
    sme: boolean
    segment: string | null
    archived_at: Date | null
  }> = {},
) {
  return db
    .insertInto('organization')
    .values({ name: unique('Org'), category: 'sector_member', country_code: 'KE', ...overrides })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function buildPerson(
  db: Db,
  overrides: Partial<{
    organization_id: string
    name: string
    email: string | null
    seniority: string
    public_consent: boolean
    phone: string | null
  }> = {},
) {
  const organization_id = overrides.organization_id ?? (await buildOrganization(db)).id
  return db
    .insertInto('person')
    .values({
      name: unique('Person'),
      seniority: 'c_level',
      email: `${unique('p')}@example.org`,
      ...overrides,
      organization_id,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function buildGroup(
  db: Db,
  overrides: Partial<{ kind: string; names: Record<string, string> }> = {},
) {
  return db
    .insertInto('engagement_group')
    .values({
      kind: overrides.kind ?? 'cto_group',
      names: JSON.stringify(overrides.names ?? { en: unique('Group') }),
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function buildMeeting(
  db: Db,
  overrides: Partial<{
    group_id: string | null
    starts_at: Date
    status: string
    capacity: number | null
    kind: string
  }> = {},
) {
  const starts = overrides.starts_at ?? new Date(Date.now() + 30 * 86400_000)
  return db
    .insertInto('meeting')
    .values({
      kind: overrides.kind ?? 'cto_meeting',
      titles: JSON.stringify({ en: unique('Meeting') }),
      group_id: overrides.group_id ?? null,
      starts_at: starts,
      ends_at: new Date(starts.getTime() + 8 * 3600_000),
      time_zone: 'UTC',
      format: 'in_person',
      country_code: 'CH',
      city: 'Geneva',
      seniority_policy: 'open',
      status: overrides.status ?? 'draft',
      capacity: overrides.capacity ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}
