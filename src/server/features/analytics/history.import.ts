import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { AppError } from '../../http/errors.ts'
import type { Actor } from '../auth/auth.policy.ts'
import { toCsv } from '../directory/import/csv.ts'
import { MEETING_KINDS } from '../meetings/meetings.schema.ts'
import { assertInScope, resolveSector } from '../structure/scope.ts'

/**
 * Historical import (issue 8): past meetings and their attendance, from the two CSV files documented in
 * docs/import.md. The rows run inside `importCsv`'s all-or-nothing transaction; each handler answers what
 * it did with its row, or the row's errors.
 */
type RowOutcome = { status: 'created' | 'updated' | 'unchanged' | 'error'; key: string; errors: string[] }

const DAY = /^\d{4}-\d{2}-\d{2}$/
const validDay = (v: string) =>
  DAY.test(v) &&
  !Number.isNaN(new Date(`${v}T00:00:00Z`).getTime()) &&
  new Date(`${v}T00:00:00Z`).toISOString().startsWith(v)

async function countryExists(trx: Db, code: string) {
  return !!(await trx.selectFrom('country').select('code').where('code', '=', code).executeTakeFirst())
}

/** A group by any of its names (case-insensitive), created (kind "other") when missing. */
async function groupNamed(trx: Db, name: string): Promise<string> {
  const found = await trx
    .selectFrom('engagement_group')
    .select('id')
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom(sql`jsonb_each_text(engagement_group.names)`.as('n'))
          .select(sql`1`.as('x'))
          .where(sql`lower(n.value)`, '=', name.toLowerCase()),
      ),
    )
    .executeTakeFirst()
  if (found) return found.id
  const created = await trx
    .insertInto('engagement_group')
    .values({ kind: 'other', names: JSON.stringify({ en: name }) })
    .returning('id')
    .executeTakeFirstOrThrow()
  return created.id
}

export async function importMeetingRow(
  trx: Db,
  actor: Actor,
  r: Record<string, string>,
): Promise<RowOutcome> {
  const ref = (r.ref ?? '').trim()
  const key = ref || '?'
  const errors: string[] = []
  if (!ref || ref.length > 80) errors.push('ref: required')
  const kind = (r.kind ?? '').trim()
  if (!(MEETING_KINDS as readonly string[]).includes(kind)) errors.push('kind: choice_invalid')
  const title = (r.title ?? '').trim()
  if (!title || title.length > 300) errors.push('title: required')
  const start = (r.start_date ?? '').trim()
  const end = (r.end_date ?? '').trim() || start
  if (!validDay(start)) errors.push('start_date: date_invalid')
  // An empty end date is the start date; only a given one is checked on its own.
  if ((r.end_date ?? '').trim() && !validDay(end)) errors.push('end_date: date_invalid')
  else if (validDay(start) && validDay(end) && end < start) errors.push('end_date: end_before_start')
  const country = (r.country ?? '').trim().toUpperCase()
  if (country && !(await countryExists(trx, country))) errors.push('country: country_unknown')
  let hostId: string | null = null
  const host = (r.host ?? '').trim()
  if (host) {
    const org = await trx
      .selectFrom('organization')
      .select('id')
      .where(sql`lower(name)`, '=', host.toLowerCase())
      .where('archived_at', 'is', null)
      .orderBy(sql`country_code = ${country || null}`, 'desc')
      .executeTakeFirst()
    if (!org) errors.push('host: organization_unknown')
    else hostId = org.id
  }
  // The meeting's Sector: a code, `union`, or empty — for a meeting already imported, the Sector it has; for a
  // new one, the default (the importer's own Sector, else the first).
  const existing = await trx
    .selectFrom('meeting')
    .selectAll()
    .where('import_ref', '=', ref)
    .executeTakeFirst()
  const sectorCell = (r.sector ?? '').trim()
  let sectorId: string | null = null
  try {
    if (existing) assertInScope(actor, existing.sector_id)
    sectorId =
      existing && !sectorCell ? existing.sector_id : await resolveSector(trx, actor, sectorCell || undefined)
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    errors.push(
      error.code === 'SECTOR_OUT_OF_SCOPE' ? 'sector: sector_out_of_scope' : 'sector: sector_unknown',
    )
  }
  if (errors.length) return { status: 'error', key, errors }
  const groupName = (r.group ?? '').trim()
  const values = {
    kind,
    titles: JSON.stringify({ en: title }),
    starts_at: new Date(`${start}T09:00:00Z`),
    ends_at: new Date(`${end}T17:00:00Z`),
    time_zone: 'UTC',
    format: r.city?.trim() ? 'in_person' : 'online',
    city: r.city?.trim() || null,
    country_code: country || null,
    host_organization_id: hostId,
    seniority_policy: 'open',
    status: end < new Date().toISOString().slice(0, 10) ? 'concluded' : 'announced',
    group_id: groupName ? await groupNamed(trx, groupName) : null,
    sector_id: sectorId,
  }
  if (existing) {
    const same =
      existing.kind === values.kind &&
      JSON.stringify(existing.titles) === values.titles &&
      existing.starts_at.getTime() === values.starts_at.getTime() &&
      existing.ends_at.getTime() === values.ends_at.getTime() &&
      existing.city === values.city &&
      existing.country_code === values.country_code &&
      existing.host_organization_id === values.host_organization_id &&
      existing.group_id === values.group_id &&
      existing.sector_id === values.sector_id
    if (same) return { status: 'unchanged', key, errors: [] }
    await trx.updateTable('meeting').set(values).where('id', '=', existing.id).execute()
    return { status: 'updated', key, errors: [] }
  }
  await trx
    .insertInto('meeting')
    .values({ ...values, import_ref: ref })
    .execute()
  return { status: 'created', key, errors: [] }
}

// ---------------------------------------------------------------- export in the same formats

/** Held meetings as meetings.csv (their import reference, or their id when they were made in Engage). */
export async function exportMeetings(db: Db): Promise<string> {
  const rows = await db
    .selectFrom('meeting as m')
    .leftJoin('organization as h', 'h.id', 'm.host_organization_id')
    .leftJoin('engagement_group as g', 'g.id', 'm.group_id')
    .leftJoin('sector as s', 's.id', 'm.sector_id')
    .select([
      'm.id',
      'm.import_ref',
      'm.kind',
      'm.titles',
      'm.starts_at',
      'm.ends_at',
      'm.city',
      'm.country_code',
      'h.name as host',
      'g.names as group_names',
      's.code as sector',
    ])
    .where('m.status', 'in', ['held', 'concluded'])
    .orderBy('m.starts_at')
    .execute()
  return toCsv(
    ['ref', 'kind', 'title', 'start_date', 'end_date', 'city', 'country', 'host', 'group', 'sector'],
    rows.map((r) => ({
      ref: r.import_ref ?? r.id,
      kind: r.kind,
      title:
        (r.titles as Record<string, string>).en ?? Object.values(r.titles as Record<string, string>)[0] ?? '',
      start_date: r.starts_at.toISOString().slice(0, 10),
      end_date: r.ends_at.toISOString().slice(0, 10),
      city: r.city ?? '',
      country: r.country_code ?? '',
      host: r.host ?? '',
      group: r.group_names
        ? ((r.group_names as Record<string, string>).en ??
          Object.values(r.group_names as Record<string, string>)[0] ??
          '')
        : '',
      sector: r.sector ?? 'union',
    })),
  )
}

/** The attendance of held meetings as attendance.csv. */
export async function exportAttendance(db: Db): Promise<string> {
  const rows = await db
    .selectFrom('meeting_attendance as a')
    .innerJoin('meeting as m', 'm.id', 'a.meeting_id')
    .innerJoin('organization as o', 'o.id', 'a.organization_id')
    .leftJoin('person as p', 'p.id', 'a.person_id')
    .select([
      'm.id',
      'm.import_ref',
      'o.name as organization',
      'o.country_code',
      'o.category',
      'o.sme',
      'p.name as person',
      'p.seniority',
      'a.attended_as',
    ])
    .where('m.status', 'in', ['held', 'concluded'])
    .orderBy('m.starts_at')
    .orderBy('o.name')
    .orderBy('p.name')
    .execute()
  return toCsv(
    ['meeting_ref', 'organization', 'organization_country', 'category', 'sme', 'person', 'seniority', 'role'],
    rows.map((r) => ({
      meeting_ref: r.import_ref ?? r.id,
      organization: r.organization,
      organization_country: r.country_code,
      category: r.category,
      sme: r.sme ? 'true' : 'false',
      person: r.person ?? '',
      seniority: r.seniority ?? '',
      role: r.attended_as,
    })),
  )
}
