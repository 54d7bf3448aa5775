import { type RawBuilder, sql } from 'kysely'
import type { Db } from '../db/database.ts'
import { sectorFilter, UNION } from '../features/structure/scope.ts'
import { bodyNames, bodyOfKindOn, type NameRow, nameOn } from '../features/structure/structure.service.ts'
import type { Localized } from '../i18n/i18n.ts'
import type { Kit } from './kit.ts'

/**
 * What a report covers and to whom it goes (issue 11). A period report covers every Sector, one Sector, or
 * the Union-wide records only; a meeting's or a panel's report covers the Sector of its meeting or panel.
 * A report can be addressed to a body of the structure, named as it was on the report's date.
 */
export type ReportScope = {
  /** The filter on records' sector_id: undefined for every Sector, null for Union-wide only, else an id. */
  sector: string | null | undefined
  /** For seriesMetrics and the API: the Sector's code, `union`, or undefined for every Sector. */
  sectorCode: string | undefined
  /** The header's line: "ITU-R — Radiocommunication Sector", "Union-wide" or "All Sectors". */
  sectorLabel: string
  addressee: Addressee | null
  /** Who issues it: the Bureau of the report's Sector ("TSB secretariat"), or the General Secretariat. */
  source: string
}

export type Addressee = {
  id: string
  code: string
  /** "Telecommunication Standardization Advisory Group (TSAG)" */
  name: string
  /** The name alone, for a sentence or a title: "Telecommunication Standardization Advisory Group". */
  plain: string
  sectorId: string | null
}

async function sectorRow(db: Db, id: string) {
  return db.selectFrom('sector').select(['id', 'code', 'names']).where('id', '=', id).executeTakeFirst()
}

/** The secretariat a report comes from: its Sector's Bureau on the day, else the General Secretariat. */
async function sourceOf(db: Db, k: Kit, sectorId: string | null | undefined, day: string): Promise<string> {
  if (!sectorId) return k.t('reports.scope.source_union')
  const bureauId = await bodyOfKindOn(db, 'bureau', sectorId, day)
  const bureau = bureauId ? nameOn((await bodyNames(db, [bureauId])).get(bureauId) ?? [], day) : undefined
  return bureau ? k.t('reports.scope.source_of', { bureau: bureau.code }) : k.t('reports.scope.source_union')
}

function sectorLine(k: Kit, row: { code: string; names: unknown } | undefined): string {
  if (!row) return k.t('structure.union_wide')
  const name = k.text(row.names)
  return name && name !== row.code ? `${row.code} — ${name}` : row.code
}

/** The scope of a period report from its `sector` parameter (a code, `union`, or absent for all). */
export async function periodScope(
  db: Db,
  k: Kit,
  params: { sector?: string | undefined; addressedTo?: string | undefined },
  day: string,
): Promise<ReportScope> {
  const sector = await sectorFilter(db, params.sector)
  const row = sector ? await sectorRow(db, sector) : undefined
  return {
    sector,
    sectorCode: sector === undefined ? undefined : sector === null ? UNION : row?.code,
    sectorLabel: sector === undefined ? k.t('structure.all_sectors') : sectorLine(k, row),
    addressee: params.addressedTo ? await addresseeOn(db, k, params.addressedTo, day) : null,
    source: await sourceOf(db, k, sector, day),
  }
}

/** The scope of a report about one record (a meeting, a panel): that record's Sector. */
export async function recordScope(
  db: Db,
  k: Kit,
  sectorId: string | null,
  addressedTo: string | undefined,
  day: string,
): Promise<ReportScope> {
  const row = sectorId ? await sectorRow(db, sectorId) : undefined
  return {
    sector: sectorId,
    sectorCode: row?.code ?? UNION,
    sectorLabel: sectorLine(k, row),
    addressee: addressedTo ? await addresseeOn(db, k, addressedTo, day) : null,
    source: await sourceOf(db, k, sectorId, day),
  }
}

/**
 * A body under the name it had on a day. The body was checked when the report was requested; a body
 * deleted since is left out rather than failing the report.
 */
export async function addresseeOn(db: Db, k: Kit, bodyId: string, day: string): Promise<Addressee | null> {
  const names = await bodyNames(db, [bodyId])
  const body = await db
    .selectFrom('org_body')
    .select(['id', 'sector_id'])
    .where('id', '=', bodyId)
    .executeTakeFirst()
  if (!body) return null
  const named = nameOn(names.get(bodyId) ?? [], day)
  const plain = k.text(named?.names)
  return {
    id: body.id,
    code: named?.code ?? '',
    name: bodyLabel(plain, named?.code ?? ''),
    plain: plain || named?.code || '',
    sectorId: body.sector_id,
  }
}

/** "Telecommunication Standardization Advisory Group (TSAG)", or the code alone when it is the name. */
export function bodyLabel(name: string, code: string): string {
  return name && name !== code ? `${name} (${code})` : code
}

/** A body's name on a day in a language, from `bodyNames` (fallback: any language, then its code). */
export function nameOnDay(
  names: Map<string, NameRow[]>,
  id: string,
  day: string,
  text: (l: Localized | unknown) => string,
): { code: string; name: string } {
  const n = nameOn(names.get(id) ?? [], day)
  return { code: n?.code ?? '', name: bodyLabel(text(n?.names), n?.code ?? '') }
}

/** The condition "this record is in the scope" on a sector_id column, for Kysely and raw SQL alike. */
export function sectorIs(column: string, sector: string | null | undefined): RawBuilder<boolean> {
  if (sector === undefined) return sql<boolean>`true`
  if (sector === null) return sql<boolean>`${sql.ref(column)} IS NULL`
  return sql<boolean>`${sql.ref(column)} = ${sector}::uuid`
}

/** The title with the Sector it is limited to; a report on every Sector keeps its plain title. */
export function scopedTitle(k: Kit, title: string, scope: ReportScope): string {
  if (scope.sector === undefined) return title
  return k.t('reports.scope.title', {
    title,
    sector: scope.sector === null ? k.t('structure.union_wide') : (scope.sectorCode ?? ''),
  })
}

/** The header's extra lines for `k.finish`. */
export function headOf(scope: ReportScope): { sector: string; source: string; addressedTo?: string } {
  return {
    sector: scope.sectorLabel,
    source: scope.source,
    ...(scope.addressee ? { addressedTo: scope.addressee.name } : {}),
  }
}

/** The scope of a report on a meeting: the meeting's Sector. */
export async function meetingScope(
  db: Db,
  k: Kit,
  meetingId: string,
  addressedTo: string | undefined,
  day: string,
): Promise<ReportScope> {
  const m = await db.selectFrom('meeting').select('sector_id').where('id', '=', meetingId).executeTakeFirst()
  return recordScope(db, k, m?.sector_id ?? null, addressedTo, day)
}

/** A meeting report's parameters: the meeting, and the body it goes to when there is one. */
export const meetingParams = (meetingId: string, addressedTo: string | undefined) => ({
  meetingId,
  ...(addressedTo ? { addressedTo } : {}),
})
