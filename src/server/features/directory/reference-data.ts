import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'csv-parse/sync'
import type { Db } from '../../db/database.ts'
import { LANGUAGES } from '../../i18n/i18n.ts'
import { ensureActionPlan } from '../plan/plan.service.ts'
import { ensureStructure } from '../structure/structure.service.ts'

const file = join(dirname(fileURLToPath(import.meta.url)), '../../../../data/reference/countries.csv')

type Row = Record<string, string>

export function readReferenceCountries() {
  const rows = parse(readFileSync(file, 'utf8'), {
    columns: true,
    skip_empty_lines: true,
    bom: true,
  }) as Row[]
  return rows.map((r) => ({
    code: r.iso2!,
    iso3: r.iso3!,
    names: JSON.stringify(
      Object.fromEntries(LANGUAGES.map((l) => [l, r[`name_${l}`] ?? '']).filter(([, v]) => v)),
    ),
    itu_region: r.itu_region || null,
    development_status: r.development_status!,
    ldc: r.ldc === 'x',
    lldc: r.lldc === 'x',
    sids: r.sids === 'x',
    eit: r.eit === 'x',
    un_member: r.un_member === 'x',
  }))
}

/**
 * Loads the shipped country list on first start. Later starts leave the table alone: administrators
 * may have corrected regions or lists, and their corrections win.
 */
export async function ensureReferenceData(db: Db): Promise<number> {
  const existing = await db
    .selectFrom('country')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  let loaded = 0
  if (Number(existing.n) === 0) {
    const rows = readReferenceCountries()
    await db
      .insertInto('country')
      .values(rows)
      .onConflict((oc) => oc.column('code').doNothing())
      .execute()
    loaded = rows.length
  }
  // The published action plan is reference data too: loaded once, then edited in the app.
  await ensureActionPlan(db)
  // The Sectors, their advisory groups and Bureaux, and the Council: then kept up to date in the app.
  await ensureStructure(db)
  return loaded
}
