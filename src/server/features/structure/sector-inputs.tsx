import type { FC } from 'hono/jsx'
import { type FormErrors, type PageCtx, SelectField } from '../../http/layout.tsx'
import { sectorScope, UNION } from './scope.ts'
import type { Sector } from './structure.schema.ts'

/**
 * The Sector of a record, in forms and list filters (issue 11): each Sector by code and name, and
 * Union-wide. Forms send the code (or `union`), like the API.
 */
export function sectorOptions(ctx: PageCtx, sectors: Sector[], withUnion = true) {
  const scope = sectorScope(ctx.actor)
  const own = scope ? sectors.filter((s) => scope.includes(s.id)) : sectors
  return [
    ...own.map((s) => ({ value: s.code, label: sectorTitle(s) })),
    ...(withUnion && !scope ? [{ value: UNION, label: ctx.t('structure.union_wide') }] : []),
  ]
}

/** The code a form shows for a record's Sector id (null: Union-wide). */
export function sectorCodeOf(sectors: Sector[], sectorId: string | null | undefined): string {
  if (sectorId === null) return UNION
  return sectors.find((s) => s.id === sectorId)?.code ?? ''
}

/** The Sector a new record's form starts with: the user's own when their role is limited, else the first. */
export function defaultSectorCode(ctx: PageCtx, sectors: Sector[]): string {
  return sectorOptions(ctx, sectors)[0]?.value ?? UNION
}

/** The required Sector field of a create or edit form; only the Sectors the user may write to are offered. */
export const SectorField: FC<{
  ctx: PageCtx
  sectors: Sector[]
  value: string | null | undefined
  errors?: FormErrors | undefined
  id?: string
}> = ({ ctx, sectors, value, errors, id }) => (
  <SelectField
    ctx={ctx}
    name="sector"
    id={id}
    label={ctx.t('structure.sector')}
    value={value || defaultSectorCode(ctx, sectors)}
    options={sectorOptions(ctx, sectors)}
    errors={errors}
    required
  />
)

/** A list's Sector filter: all Sectors, one Sector, or Union-wide records only. */
export const SectorFilter: FC<{ ctx: PageCtx; sectors: Sector[]; value: string | undefined }> = ({
  ctx,
  sectors,
  value,
}) => (
  <SelectField
    ctx={ctx}
    name="sector"
    label={ctx.t('structure.sector')}
    value={value ?? ''}
    options={[
      ...sectors.map((s) => ({ value: s.code, label: s.code })),
      { value: UNION, label: ctx.t('structure.union_wide') },
    ]}
    empty={ctx.t('structure.all_sectors')}
  />
)

/** A Sector for people: "ITU-R — Radiocommunication Sector" (its code alone when it has no other name). */
export function sectorTitle(s: Sector): string {
  return s.name === s.code ? s.code : `${s.code} — ${s.name}`
}

/** A record's Sector by code, in full: the Sector's title, or "Union-wide" (null or `union`). */
export function sectorName(ctx: PageCtx, sectors: Sector[], code: string | null | undefined): string {
  if (!code || code.toLowerCase() === UNION) return ctx.t('structure.union_wide')
  const s = sectors.find((x) => x.code === code)
  return s ? sectorTitle(s) : code
}

/**
 * A list page's Sector filter from the address: a known code (any case, given as the Sector's own) or
 * `union`; an unknown one is dropped (`known: false`), and the page says its filters were not understood.
 */
export function sectorParam(
  sectors: Sector[],
  code: string | undefined,
): { sector?: string; known: boolean } {
  if (!code) return { known: true }
  if (code.toLowerCase() === UNION) return { sector: UNION, known: true }
  const s = sectors.find((x) => x.code.toLowerCase() === code.toLowerCase())
  return s ? { sector: s.code, known: true } : { known: false }
}

/** A record's Sector as a short label: its code, or "Union-wide". */
export function sectorLabel(ctx: PageCtx, sectors: Sector[], sectorId: string | null | undefined): string {
  if (!sectorId) return ctx.t('structure.union_wide')
  return sectors.find((s) => s.id === sectorId)?.code ?? ''
}
