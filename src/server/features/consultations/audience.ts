import { z } from 'zod'
import type { Db } from '../../db/database.ts'
import { CATEGORIES, COUNTRY_TAGS, DEVELOPMENT_STATUSES, ITU_REGIONS } from '../directory/directory.schema.ts'

/**
 * Who a consultation asks. Countries are answered by their focal points, organizations by their
 * representatives. Every filter given must match (an empty filter matches all); the explicitly chosen
 * countries or organizations are added to what the rule selects.
 */
const Filters = {
  developmentStatus: z.enum(DEVELOPMENT_STATUSES).optional(),
  /** Any of these tags (e.g. LDC or SIDS). */
  tags: z.array(z.enum(COUNTRY_TAGS)).max(4).optional(),
  regions: z.array(z.enum(ITU_REGIONS)).max(6).optional(),
}

export const AudienceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('countries'),
    ...Filters,
    countries: z
      .array(z.string().regex(/^[A-Z]{2}$/))
      .max(300)
      .optional(),
  }),
  z.object({
    kind: z.literal('organizations'),
    ...Filters,
    categories: z.array(z.enum(CATEGORIES)).max(5).optional(),
    groupId: z.uuid().optional(),
    organizations: z.array(z.uuid()).max(5000).optional(),
  }),
])
export type Audience = z.infer<typeof AudienceSchema>

function hasRule(a: Audience): boolean {
  const common = !!(a.developmentStatus || a.tags?.length || a.regions?.length)
  return a.kind === 'countries' ? common : common || !!(a.categories?.length || a.groupId)
}

/** The targeted country codes or organization ids, sorted, for the audience as the directory is now. */
export async function resolveAudience(
  db: Db,
  audience: Audience,
): Promise<{ kind: Audience['kind']; ids: string[] }> {
  const chosen = audience.kind === 'countries' ? (audience.countries ?? []) : (audience.organizations ?? [])
  let ruled: string[] = []
  if (hasRule(audience) || chosen.length === 0) {
    if (audience.kind === 'countries') {
      // Only Member States have focal points to answer.
      let q = db.selectFrom('country').select('code').where('un_member', '=', true)
      if (audience.developmentStatus) q = q.where('development_status', '=', audience.developmentStatus)
      if (audience.regions?.length) q = q.where('itu_region', 'in', audience.regions)
      if (audience.tags?.length) {
        const tags = audience.tags
        q = q.where((eb) => eb.or(tags.map((t) => eb(t, '=', true))))
      }
      ruled = (await q.execute()).map((r) => r.code)
    } else {
      let q = db
        .selectFrom('organization')
        .innerJoin('country', 'country.code', 'organization.country_code')
        .select('organization.id')
        .where('organization.archived_at', 'is', null)
      if (audience.categories?.length) q = q.where('organization.category', 'in', audience.categories)
      if (audience.developmentStatus)
        q = q.where('country.development_status', '=', audience.developmentStatus)
      if (audience.regions?.length) q = q.where('country.itu_region', 'in', audience.regions)
      if (audience.tags?.length) {
        const tags = audience.tags
        q = q.where((eb) => eb.or(tags.map((t) => eb(`country.${t}`, '=', true))))
      }
      if (audience.groupId) {
        const groupId = audience.groupId
        q = q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('group_membership')
              .select('group_membership.id')
              .whereRef('group_membership.organization_id', '=', 'organization.id')
              .where('group_membership.group_id', '=', groupId)
              .where('group_membership.end_date', 'is', null),
          ),
        )
      }
      ruled = (await q.execute()).map((r) => r.id)
    }
  }
  // Explicit choices must exist (and, for organizations, be live); unknown ones are dropped, not targeted.
  let explicit: string[] = []
  if (chosen.length) {
    explicit =
      audience.kind === 'countries'
        ? (await db.selectFrom('country').select('code').where('code', 'in', chosen).execute()).map(
            (r) => r.code,
          )
        : (
            await db
              .selectFrom('organization')
              .select('id')
              .where('id', 'in', chosen)
              .where('archived_at', 'is', null)
              .execute()
          ).map((r) => r.id)
  }
  return { kind: audience.kind, ids: [...new Set([...ruled, ...explicit])].sort() }
}
