import type { Db } from '../../../db/database.ts'
import type { Language } from '../../../i18n/i18n.ts'
import { type Actor, deny } from '../../auth/auth.policy.ts'
import * as policy from '../directory.policy.ts'
import * as repo from '../directory.repository.ts'
import type { OrganizationQuery, PersonQuery } from '../directory.schema.ts'
import { listCountries, toOrganization, toPerson, visibilityFor } from '../directory.service.ts'
import { toCsv } from './csv.ts'

export type ExportFormat = 'csv' | 'json'

// The CSV columns are the import columns, so an export can be edited and imported back.
export async function exportCountries(db: Db, lang: Language, format: ExportFormat): Promise<string> {
  const countries = await listCountries(db, lang)
  if (format === 'json') return JSON.stringify(countries, null, 2)
  return toCsv(
    [
      'code',
      'iso3',
      'itu_region',
      'development_status',
      'ldc',
      'lldc',
      'sids',
      'eit',
      'name_ar',
      'name_en',
      'name_es',
      'name_fr',
      'name_ru',
      'name_zh',
    ],
    countries.map((c) => ({
      code: c.code,
      iso3: c.iso3,
      itu_region: c.ituRegion,
      development_status: c.developmentStatus,
      ldc: c.ldc,
      lldc: c.lldc,
      sids: c.sids,
      eit: c.eit,
      ...Object.fromEntries(Object.entries(c.names).map(([l, n]) => [`name_${l}`, n])),
    })),
  )
}

export async function exportOrganizations(
  db: Db,
  actor: Actor,
  q: OrganizationQuery,
  lang: Language,
  format: ExportFormat,
): Promise<string> {
  const query = policy.canSeeArchived(actor) ? q : { ...q, archived: 'exclude' as const }
  const orgs = (await repo.listOrganizationsForExport(db, query)).map((r) => toOrganization(r, lang))
  if (format === 'json') return JSON.stringify(orgs, null, 2)
  return toCsv(
    [
      'name',
      'category',
      'country',
      'sme',
      'roa',
      'sio',
      'segment',
      'website',
      'membership_start',
      'membership_end',
      'region',
      'development_status',
      'archived',
      'id',
    ],
    orgs.map((o) => ({
      name: o.name,
      category: o.category,
      country: o.countryCode,
      sme: o.sme,
      roa: o.roa,
      sio: o.sio,
      segment: o.segment,
      website: o.website,
      membership_start: o.membershipStart,
      membership_end: o.membershipEnd,
      region: o.ituRegion,
      development_status: o.developmentStatus,
      archived: o.archived,
      id: o.id,
    })),
  )
}

/** Exports only the people the actor may see, with contact data only where the actor may see it. */
export async function exportPeople(
  db: Db,
  actor: Actor,
  q: PersonQuery,
  format: ExportFormat,
): Promise<string> {
  if (!policy.canImportExport(actor)) deny(actor)
  const { rows } = await repo.searchPeople(db, q, visibilityFor(actor), { paged: false })
  const people = rows.map((r) => toPerson(r, actor))
  if (format === 'json') return JSON.stringify(people, null, 2)
  return toCsv(
    [
      'organization',
      'organization_country',
      'name',
      'title',
      'seniority',
      'email',
      'phone',
      'preferred_language',
      'public_consent',
      'archived',
      'id',
    ],
    people.map((p) => ({
      organization: p.organizationName,
      organization_country: p.countryCode,
      name: p.name,
      title: p.title,
      seniority: p.seniority,
      email: p.email ?? null,
      phone: p.phone ?? null,
      preferred_language: p.preferredLanguage ?? null,
      public_consent: p.publicConsent,
      archived: p.archived,
      id: p.id,
    })),
  )
}
