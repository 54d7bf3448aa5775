import type { Context } from 'hono'
import type { FC } from 'hono/jsx'
import type { Db } from '../../db/database.ts'
import type { AppEnv } from '../../http/context.ts'
import { AppError } from '../../http/errors.ts'
import { type PageCtx, SelectField } from '../../http/layout.tsx'
import { type Actor, isStaff } from '../auth/auth.policy.ts'
import { inScope, UNION } from '../structure/scope.ts'
import { sectorName } from '../structure/sector-inputs.tsx'
import type { Sector } from '../structure/structure.schema.ts'
import { getPlan, type Plan, type PlanSector, planSector } from './plan.service.ts'

/**
 * Each Sector (and the Union) has its own current action plan (issue 11). A plan page is asked for one with
 * `?sector=CODE|union`; its links and forms keep that parameter, and addresses without it show the default
 * plan (see planSector), so the addresses of before the Sectors keep working.
 */
export function askedSector(c: Context<AppEnv>): string | undefined {
  const v = c.req.query('sector')?.trim()
  return v ? v : undefined
}

/** Adds a query parameter to an address that may already have a query or a #fragment. */
export function withParam(path: string, name: string, value: string): string {
  const hash = path.indexOf('#')
  const [base, fragment] = hash < 0 ? [path, ''] : [path.slice(0, hash), path.slice(hash)]
  return `${base}${base.includes('?') ? '&' : '?'}${name}=${encodeURIComponent(value)}${fragment}`
}

/** A plan page's address for the Sector it was asked for (unchanged when it was not asked for one). */
export function withSector(path: string, sector: string | undefined): string {
  return sector ? withParam(path, 'sector', sector) : path
}

/** On a page, an unknown Sector in the address is a page that does not exist, not a form error. */
async function unknownIsNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED') throw new AppError('NOT_FOUND')
    throw error
  }
}

/** The Sector whose plan a page shows (see planSector). */
export function pagePlanSector(db: Db, actor: Actor, sector: string | undefined) {
  return unknownIsNotFound(planSector(db, actor, sector))
}

/** The plan a page shows (see getPlan). */
export function pagePlan(db: Db, actor: Actor, sector: string | undefined, version?: string): Promise<Plan> {
  return unknownIsNotFound(getPlan(db, actor, version, sector))
}

/** A plan's Sector id from its code (null: the Union-wide plan), for the scope checks of the forms shown. */
export function sectorIdOf(sectors: Sector[], code: string | null | undefined): string | null {
  return (code && sectors.find((s) => s.code === code)?.id) || null
}

/** Whether the page shows the forms that change this plan: not to staff whose role is another Sector's. */
export function mayChangePlan(actor: Actor, sectors: Sector[], code: string | null | undefined): boolean {
  return !isStaff(actor) || inScope(actor, sectorIdOf(sectors, code))
}

/** The choice of whose plan a page shows: each Sector, and the Union; those without a plan say so. */
export const PlanSectorChoice: FC<{
  ctx: PageCtx
  sectors: Sector[]
  /** The code shown (a Sector's, or `union`). */
  value: string
  /** The ids of the Sectors that have a current plan (null: the Union has one). */
  withPlan: (string | null)[]
  action: string
  /** Other parameters the page keeps (the view). */
  keep?: Record<string, string> | undefined
}> = ({ ctx, sectors, value, withPlan, action, keep }) => {
  const { t } = ctx
  const mark = (label: string, id: string | null) =>
    withPlan.includes(id) ? label : `${label} (${t('plan.sectors.no_plan_yet')})`
  return (
    <form method="get" action={action} class="filters" aria-label={t('plan.sectors.choose')}>
      {Object.entries(keep ?? {}).map(([name, v]) => (
        <input type="hidden" name={name} value={v} />
      ))}
      <SelectField
        ctx={ctx}
        name="sector"
        id="f-plan-sector"
        label={t('structure.sector')}
        value={value}
        options={[
          ...sectors.map((s) => ({
            value: s.code,
            label: mark(sectorName(ctx, sectors, s.code), s.id),
          })),
          { value: UNION, label: mark(t('structure.union_wide'), null) },
        ]}
      />
      <div class="filter-actions">
        <button type="submit">{t('plan.sectors.show')}</button>
      </div>
    </form>
  )
}

/** A Sector without a plan yet: said plainly, with the way to start one for those who may. */
export const NoPlan: FC<{ ctx: PageCtx; sectors: Sector[]; chosen: PlanSector }> = ({
  ctx,
  sectors,
  chosen,
}) => {
  const { t } = ctx
  const mayStart = isStaff(ctx.actor) && inScope(ctx.actor, chosen.sectorId)
  return (
    <section aria-labelledby="no-plan">
      <p class="empty" id="no-plan">
        {t('plan.sectors.none', { sector: sectorName(ctx, sectors, chosen.code) })}
      </p>
      <p class="hint">{t('plan.sectors.none_hint')}</p>
      {mayStart ? (
        <p>
          <a class="button" href={`${withSector('/plan/versions', chosen.code)}#new-version`}>
            {t('plan.sectors.start')}
          </a>
        </p>
      ) : null}
    </section>
  )
}
