import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { derivedMany } from '../../db/derived.ts'
import { inTransaction } from '../../db/transaction.ts'
import { AppError } from '../../http/errors.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { type Actor, actorLabel, assertStaff, canWrite, isStaff, isUser } from '../auth/auth.policy.ts'
import { assertInScope, assertRecordInScope, sectorFilter, sectorScope, UNION } from '../structure/scope.ts'
import { ensureStructure } from '../structure/structure.service.ts'
import { leadsBody } from '../topics/follow-up.service.ts'
import {
  type ClauseStatus,
  clauseStatus,
  createsCycle,
  type IndicatorStatus,
  indicatorStatus,
  type PlanStatus,
  rollUp,
} from './plan.logic.ts'

const DATA_FILE = join(dirname(fileURLToPath(import.meta.url)), '../../../../data/action-plan.json')

type PlanData = {
  source: string
  version: { code: string; title: string }
  pillars: { code: string; title: string; items: string[]; cite: string }[]
  items: {
    code: string
    parent: string | null
    text: string
    cite: string
    shortName: string | null
    table: string | null
    objective: string | null
    keyOutcomes: string[]
    kois: string[]
    strategies: string | null
    enablers: string | null
    services: string | null
    learning: string | null
  }[]
  proposedActions: {
    code: string
    point: string
    sessions: string[]
    action: string
    targets: string[]
    targetItems: string[]
    targetDocument: string | null
    comments: string | null
    cite: string
  }[]
}

export function readPlanData(): PlanData {
  return JSON.parse(readFileSync(DATA_FILE, 'utf8')) as PlanData
}

// ---------------------------------------------------------------- computed indicators

/** Periods as the indicator statements take them: one row each, numbered from 1 in the given order. */
type Periods = { start: Date; end: Date }[]
const periodRows = (periods: Periods) => sql`unnest(${periods.map((p) => p.start)}::timestamptz[],
  ${periods.map((p) => p.end)}::timestamptz[]) WITH ORDINALITY AS p(s, e, i)`
/** One value per period, in the periods' order, from rows keyed by the period's number. */
const byPeriod = <R extends { i: number | string }>(
  periods: Periods,
  rows: R[],
  value: (r: R) => number | null,
) =>
  periods.map((_, k) => {
    const r = rows.find((x) => Number(x.i) === k + 1)
    return r ? value(r) : null
  })

/**
 * The named queries behind computed indicators. Each takes periods (the calendar years of a plan period) and
 * returns one value per period (null when the period holds nothing to measure), all periods in one statement.
 * Their definitions are documented in docs/metrics.md.
 */
export const INDICATOR_QUERIES = {
  /** Distinct people of C-level or senior-executive seniority, from organizations other than Member
   * States, attending CTO or CxO meetings held in the period. */
  industry_executives: {
    unit: 'count',
    run: async (db: Db, periods: Periods) => {
      // A period without an executive meeting has no value (not zero: nothing was measured).
      const { rows } = await sql<{ i: number; n: number; meetings: number }>`
        SELECT p.i,
          (SELECT count(*) FROM meeting m WHERE m.kind IN ('cto_meeting', 'cxo_meeting')
             AND m.status IN ('held', 'concluded') AND m.starts_at BETWEEN p.s AND p.e)::int AS meetings,
          (SELECT count(DISTINCT a.person_id)
           FROM meeting_attendance a JOIN meeting m ON m.id = a.meeting_id
           JOIN person pe ON pe.id = a.person_id JOIN organization o ON o.id = a.organization_id
           WHERE m.kind IN ('cto_meeting', 'cxo_meeting') AND m.status IN ('held', 'concluded')
             AND m.starts_at BETWEEN p.s AND p.e
             AND pe.seniority IN ('c_level', 'senior_executive') AND o.category <> 'member_state')::int AS n
        FROM ${periodRows(periods)}`.execute(db)
      return byPeriod(periods, rows, (r) => (Number(r.meetings) ? Number(r.n) : null))
    },
  },
  /** Share (%) of the organizations attending executive meetings held in the period whose country is a
   * developing country. */
  developing_share: {
    unit: 'percent',
    run: async (db: Db, periods: Periods) => {
      const { rows } = await sql<{ i: number; n: number; d: number }>`
        SELECT p.i, count(DISTINCT a.organization_id)::int AS n,
               count(DISTINCT a.organization_id) FILTER (WHERE c.development_status = 'developing')::int AS d
        FROM ${periodRows(periods)}
        JOIN meeting m ON m.starts_at BETWEEN p.s AND p.e
        JOIN meeting_attendance a ON a.meeting_id = m.id
        JOIN organization o ON o.id = a.organization_id JOIN country c ON c.code = o.country_code
        WHERE m.kind IN ('cto_meeting', 'cxo_meeting') AND m.status IN ('held', 'concluded')
        GROUP BY p.i`.execute(db)
      return byPeriod(periods, rows, (r) => (Number(r.n) ? (100 * Number(r.d)) / Number(r.n) : null))
    },
  },
  /** Share (%) of the organizations attending any meeting held in the period whose membership started
   * within the twelve months before the meeting (newcomers). */
  new_member_share: {
    unit: 'percent',
    run: async (db: Db, periods: Periods) => {
      const { rows } = await sql<{ i: number; n: number; fresh: number }>`
        SELECT p.i, count(DISTINCT a.organization_id)::int AS n,
               count(DISTINCT a.organization_id) FILTER (
                 WHERE o.membership_start > (m.starts_at - interval '12 months')::date
                   AND o.membership_start <= m.starts_at::date)::int AS fresh
        FROM ${periodRows(periods)}
        JOIN meeting m ON m.starts_at BETWEEN p.s AND p.e
        JOIN meeting_attendance a ON a.meeting_id = m.id
        JOIN organization o ON o.id = a.organization_id
        WHERE m.status IN ('held', 'concluded') AND o.category <> 'member_state'
        GROUP BY p.i`.execute(db)
      return byPeriod(periods, rows, (r) => (Number(r.n) ? (100 * Number(r.fresh)) / Number(r.n) : null))
    },
  },
  /** Average satisfaction (%) in the evaluation surveys of workshops held in the period: every answer to
   * a Likert question of a submitted response, scaled so the lowest point is 0 % and the highest 100 %. */
  workshop_satisfaction: {
    unit: 'percent',
    run: async (db: Db, periods: Periods) => {
      const { rows } = await sql<{ i: number; answers: unknown; definition: unknown }>`
        SELECT p.i, r.answers, q.definition
        FROM ${periodRows(periods)}
        JOIN meeting m ON m.starts_at >= p.s AND m.starts_at <= p.e
        JOIN consultation c ON c.meeting_id = m.id
        JOIN consultation_response r ON r.consultation_id = c.id
        JOIN questionnaire_version q ON q.consultation_id = c.id AND q.version = r.questionnaire_version
        WHERE c.purpose = 'workshop_evaluation' AND m.kind = 'workshop' AND r.state = 'submitted'`.execute(db)
      return periods.map((_, k) => {
        const scores: number[] = []
        for (const row of rows.filter((r) => Number(r.i) === k + 1)) {
          const def = row.definition as {
            sections?: { questions?: { id: string; type: string; points?: number }[] }[]
          }
          const answers = row.answers as Record<string, unknown>
          for (const q of (def.sections ?? []).flatMap((s) => s.questions ?? [])) {
            const v = answers[q.id]
            const points = q.points ?? 5
            if (q.type === 'likert' && typeof v === 'number') scores.push((100 * (v - 1)) / (points - 1))
          }
        }
        return scores.length ? scores.reduce((s, v) => s + v, 0) / scores.length : null
      })
    },
  },
  /** Share (%) of the conclusions of meetings held in the period that have at least one follow-up
   * action done. */
  conclusions_completed: {
    unit: 'percent',
    run: async (db: Db, periods: Periods) => {
      const { rows } = await sql<{ i: number; n: number; done: number }>`
        SELECT p.i, count(*)::int AS n,
               count(*) FILTER (WHERE EXISTS (
                 SELECT 1 FROM follow_up_action f WHERE f.conclusion_id = c.id AND f.status = 'done'))::int AS done
        FROM ${periodRows(periods)}
        JOIN meeting m ON m.starts_at BETWEEN p.s AND p.e
        JOIN conclusion c ON c.meeting_id = m.id
        GROUP BY p.i`.execute(db)
      return byPeriod(periods, rows, (r) => (Number(r.n) ? (100 * Number(r.done)) / Number(r.n) : null))
    },
  },
  /** Feedback (from regional groups and members) recorded on the circulars issued in the period. */
  circular_feedback: {
    unit: 'count',
    run: async (db: Db, periods: Periods) => {
      const days = (d: Date) => d.toISOString().slice(0, 10)
      const { rows } = await sql<{ i: number; n: number; circulars: number }>`
        SELECT p.i, count(f.id)::int AS n, count(DISTINCT c.id)::int AS circulars
        FROM unnest(${periods.map((p) => days(p.start))}::date[], ${periods.map((p) => days(p.end))}::date[])
          WITH ORDINALITY AS p(s, e, i)
        JOIN circular c ON c.issued_on BETWEEN p.s AND p.e
        LEFT JOIN circular_feedback f ON f.circular_id = c.id
        GROUP BY p.i`.execute(db)
      return byPeriod(periods, rows, (r) => (Number(r.circulars) ? Number(r.n) : null))
    },
  },
} as const
export type IndicatorQuery = keyof typeof INDICATOR_QUERIES
export const INDICATOR_QUERY_NAMES = Object.keys(INDICATOR_QUERIES) as IndicatorQuery[]

/** The computed indicators Engage starts with, each tied to the plan item whose outcome it measures. */
const STARTING_INDICATORS: { code: IndicatorQuery; name: string; item: string; direction: 'increase' }[] = [
  {
    code: 'industry_executives',
    name: 'Industry executives attending executive meetings',
    item: 'AP1.1',
    direction: 'increase',
  },
  {
    code: 'developing_share',
    name: 'Attending organizations from developing countries',
    item: 'AP1.4',
    direction: 'increase',
  },
  {
    code: 'new_member_share',
    name: 'New member organizations among attendees',
    item: 'AP1.4',
    direction: 'increase',
  },
  { code: 'workshop_satisfaction', name: 'Satisfaction with workshops', item: 'AP2', direction: 'increase' },
  {
    code: 'conclusions_completed',
    name: 'Conclusions with a completed follow-up action',
    item: 'AP3',
    direction: 'increase',
  },
]

/** Loads the action plan from its data file on first start (and the starting indicators); never twice. */
export async function ensureActionPlan(db: Db): Promise<boolean> {
  const existing = await db.selectFrom('plan_version').select('id').limit(1).executeTakeFirst()
  if (existing) return false
  const data = readPlanData()
  // The shipped plan is TSAG's (the annex of its report to WTSA-24), so it is the plan of the Sector the
  // shipped structure lists first (ITU-T); the structure is loaded first for that.
  await ensureStructure(db)
  const first = await db
    .selectFrom('sector')
    .select('id')
    .orderBy('position')
    .orderBy('code')
    .executeTakeFirst()
  await inTransaction(db, async (trx) => {
    const v = await trx
      .insertInto('plan_version')
      .values({
        code: data.version.code,
        title: data.version.title,
        source: data.source,
        current: true,
        sector_id: first?.id ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('plan_item')
      .values(
        data.items.map((i, position) => ({
          version_id: v.id,
          code: i.code,
          parent_code: i.parent,
          position,
          short_name: i.shortName,
          text: i.text,
          objective: i.objective,
          key_outcomes: JSON.stringify(i.keyOutcomes),
          kois: JSON.stringify(i.kois),
          strategies: i.strategies,
          enablers: i.enablers,
          services: i.services,
          learning: i.learning,
          cite: i.cite,
        })),
      )
      .execute()
    await trx
      .insertInto('plan_pillar')
      .values(
        data.pillars.map((p, position) => ({
          version_id: v.id,
          code: p.code,
          title: p.title,
          items: p.items,
          cite: p.cite,
          position,
        })),
      )
      .execute()
    await trx
      .insertInto('plan_action')
      .values(
        data.proposedActions.map((a) => ({
          version_id: v.id,
          code: a.code,
          point: a.point,
          sessions: a.sessions,
          action: a.action,
          targets: a.targets,
          target_items: a.targetItems,
          target_document: a.targetDocument,
          comments: a.comments,
          cite: a.cite,
          owner_entity: a.targets[0] ?? '',
        })),
      )
      .execute()
    await trx
      .insertInto('indicator')
      .values(
        STARTING_INDICATORS.map((i) => ({
          code: i.code,
          name: i.name,
          definition: '',
          unit: INDICATOR_QUERIES[i.code].unit,
          direction: i.direction,
          kind: 'computed',
          query: i.code,
          item_code: i.item,
        })),
      )
      .onConflict((oc) => oc.column('code').doNothing())
      .execute()
  })
  return true
}

// ---------------------------------------------------------------- reading the plan

export function assertPlanReader(actor: Actor) {
  if (!isUser(actor) && actor.kind !== 'system') throw new AppError('UNAUTHENTICATED')
}

export type PlanItem = {
  id: string
  code: string
  parentCode: string | null
  shortName: string | null
  text: string
  objective: string | null
  keyOutcomes: string[]
  kois: string[]
  strategies: string | null
  enablers: string | null
  services: string | null
  learning: string | null
  cite: string
  ownerEntity: string
  status: PlanStatus
  progress: number | null
  rolledProgress: number
  weight: number
  retired: boolean
  version: number
  updatedAt: string
}

export type PlanAction = {
  id: string
  code: string
  point: string
  sessions: string[]
  action: string
  targets: string[]
  targetItems: string[]
  targetDocument: string | null
  comments: string | null
  cite: string
  meetingId: string | null
  ownerEntity: string
  status: PlanStatus
  progress: number | null
  version: number
}

export type Plan = {
  version: {
    id: string
    code: string
    title: string
    source: string
    current: boolean
    /** The Sector's code; null: the Union-wide plan. */
    sector: string | null
  }
  /** Every version of every Sector's plan and the Union's, oldest first. */
  versions: { code: string; title: string; current: boolean; sector: string | null }[]
  items: PlanItem[]
  pillars: { code: string; title: string; items: string[]; cite: string }[]
  actions: PlanAction[]
}

/** A Sector whose plan is meant: its id (null: the Union) and its code (`union` for the Union). */
export type PlanSector = { sectorId: string | null; code: string }

type SectorRow = { id: string; code: string }

/**
 * Each Sector (and the Union) has its own current plan (issue 11). The one meant: the code asked for (a
 * Sector's, any case, or `union`); without one, the first that has a current plan among the actor's own
 * Sectors when their role is limited, then the Sectors in the structure's order, then the Union — so
 * addresses without a Sector keep showing the plan they showed before there were Sectors.
 */
function choosePlanSector(
  actor: Actor,
  sectors: SectorRow[],
  withPlan: Set<string | null>,
  code: string | undefined,
): PlanSector {
  const union = { sectorId: null, code: UNION }
  if (code) {
    if (code.toLowerCase() === UNION) return union
    const s = sectors.find((x) => x.code.toLowerCase() === code.toLowerCase())
    if (!s) throw new AppError('VALIDATION_FAILED', {}, { sector: ['sector_unknown'] })
    return { sectorId: s.id, code: s.code }
  }
  const scope = sectorScope(actor) ?? []
  const order = [
    ...sectors.filter((s) => scope.includes(s.id)).map((s) => ({ sectorId: s.id, code: s.code })),
    ...sectors.map((s) => ({ sectorId: s.id as string | null, code: s.code })),
    union,
  ]
  return order.find((s) => withPlan.has(s.sectorId)) ?? order[0]!
}

const sectorRows = (db: Db) =>
  db.selectFrom('sector').select(['id', 'code']).orderBy('position').orderBy('code').execute()

/**
 * The Sector whose current plan a page or a call means (see choosePlanSector), whether it has one, and which
 * Sectors have one (their ids; null for the Union).
 */
export async function planSector(
  db: Db,
  actor: Actor,
  code?: string | undefined,
): Promise<PlanSector & { hasPlan: boolean; withPlan: (string | null)[] }> {
  assertPlanReader(actor)
  const [sectors, current] = await Promise.all([
    sectorRows(db),
    db.selectFrom('plan_version').select('sector_id').where('current', '=', true).execute(),
  ])
  const withPlan = new Set(current.map((v) => v.sector_id))
  const chosen = choosePlanSector(actor, sectors, withPlan, code)
  return { ...chosen, hasPlan: withPlan.has(chosen.sectorId), withPlan: [...withPlan] }
}

/**
 * The plan: a version by its code, or a Sector's current plan (`sector`: a Sector's code or `union`; by
 * default as choosePlanSector says). NOT_FOUND when the version, or the Sector's current plan, does not exist.
 */
export async function getPlan(db: Db, actor: Actor, versionCode?: string, sector?: string): Promise<Plan> {
  assertPlanReader(actor)
  const [versions, sectors] = await Promise.all([
    db.selectFrom('plan_version').selectAll().orderBy('created_at').orderBy('code').execute(),
    sectorRows(db),
  ])
  let version: (typeof versions)[number] | undefined
  if (versionCode) version = versions.find((v) => v.code === versionCode)
  else {
    const withPlan = new Set(versions.filter((v) => v.current).map((v) => v.sector_id))
    const { sectorId } = choosePlanSector(actor, sectors, withPlan, sector)
    version = versions.find((v) => v.current && v.sector_id === sectorId)
  }
  if (!version) throw new AppError('NOT_FOUND')
  const codeOf = (id: string | null) => (id ? (sectors.find((s) => s.id === id)?.code ?? null) : null)
  const [items, pillars, actions] = await Promise.all([
    db.selectFrom('plan_item').selectAll().where('version_id', '=', version.id).orderBy('position').execute(),
    db
      .selectFrom('plan_pillar')
      .selectAll()
      .where('version_id', '=', version.id)
      .orderBy('position')
      .execute(),
    db.selectFrom('plan_action').selectAll().where('version_id', '=', version.id).orderBy('code').execute(),
  ])
  const rolled = rollUp(
    items.map((i) => ({
      code: i.code,
      parentCode: i.parent_code,
      status: i.status as PlanStatus,
      progress: i.progress,
      weight: Number(i.weight),
      retired: !!i.retired_at,
    })),
  )
  return {
    version: {
      id: version.id,
      code: version.code,
      title: version.title,
      source: version.source,
      current: version.current,
      sector: codeOf(version.sector_id),
    },
    versions: versions.map((v) => ({
      code: v.code,
      title: v.title,
      current: v.current,
      sector: codeOf(v.sector_id),
    })),
    items: items.map((i) => ({
      id: i.id,
      code: i.code,
      parentCode: i.parent_code,
      shortName: i.short_name,
      text: i.text,
      objective: i.objective,
      keyOutcomes: i.key_outcomes as string[],
      kois: i.kois as string[],
      strategies: i.strategies,
      enablers: i.enablers,
      services: i.services,
      learning: i.learning,
      cite: i.cite,
      ownerEntity: i.owner_entity,
      status: i.status as PlanStatus,
      progress: i.progress,
      rolledProgress: rolled.get(i.code) ?? 0,
      weight: Number(i.weight),
      retired: !!i.retired_at,
      version: i.version,
      updatedAt: i.updated_at.toISOString(),
    })),
    pillars: pillars.map((p) => ({ code: p.code, title: p.title, items: p.items, cite: p.cite })),
    actions: actions.map((a) => ({
      id: a.id,
      code: a.code,
      point: a.point,
      sessions: a.sessions,
      action: a.action,
      targets: a.targets,
      targetItems: a.target_items,
      targetDocument: a.target_document,
      comments: a.comments,
      cite: a.cite,
      meetingId: a.meeting_id,
      ownerEntity: a.owner_entity,
      status: a.status as PlanStatus,
      progress: a.progress,
      version: a.version,
    })),
  }
}

export type PlanVersionView = {
  code: string
  title: string
  /** The Sector's code; null: Union-wide. */
  sector: string | null
  current: boolean
  basedOn: string | null
  createdAt: string
}

/** The versions of the plans, oldest first; `sector` filters (a Sector's code, or `union`). */
export async function listVersions(db: Db, actor: Actor, sector?: string): Promise<PlanVersionView[]> {
  assertPlanReader(actor)
  const filter = await sectorFilter(db, sector)
  let q = db
    .selectFrom('plan_version as v')
    .leftJoin('sector as s', 's.id', 'v.sector_id')
    .leftJoin('plan_version as b', 'b.id', 'v.based_on')
    .select(['v.code', 'v.title', 'v.current', 'v.created_at', 's.code as sector', 'b.code as based_on'])
    .orderBy('v.created_at')
    .orderBy('v.code')
  if (filter === null) q = q.where('v.sector_id', 'is', null)
  else if (filter !== undefined) q = q.where('v.sector_id', '=', filter)
  const rows = await q.execute()
  return rows.map((r) => ({
    code: r.code,
    title: r.title,
    sector: r.sector,
    current: r.current,
    basedOn: r.based_on,
    createdAt: r.created_at.toISOString(),
  }))
}

/** Who may update an item: the secretariat, or a lead of the entity that owns it (a rapporteur group's lead). */
async function canUpdate(db: Db, actor: Actor, ownerEntity: string): Promise<boolean> {
  if (isStaff(actor)) return true
  return !!ownerEntity && leadsBody(db, actor, ownerEntity)
}

export type ItemChange = {
  version: number
  status?: PlanStatus | undefined
  progress?: number | null | undefined
  ownerEntity?: string | undefined
  weight?: number | undefined
  parentCode?: string | null | undefined
  retired?: boolean | undefined
}

/** Updates an item's progress fields; structure (owner, parent, weight, retirement) is the secretariat's. */
/** Updates an item of a Sector's current plan (`sector`: its code or `union`; by default as getPlan says). */
export async function updateItem(
  db: Db,
  actor: Actor,
  code: string,
  change: ItemChange,
  sector?: string,
): Promise<PlanItem> {
  assertPlanReader(actor)
  // Deny first: only the secretariat and leads of some entity may change anything, and never read-only.
  if (!canWrite(actor)) assertStaff(actor, true)
  if (!isStaff(actor)) {
    const lead = isUser(actor)
      ? await db
          .selectFrom('body_lead')
          .select('body')
          .where('user_id', '=', actor.userId)
          .limit(1)
          .executeTakeFirst()
      : undefined
    if (!lead) assertStaff(actor, true)
  }
  const plan = await getPlan(db, actor, undefined, sector)
  await assertRecordInScope(db, actor, 'plan_version', plan.version.id)
  const item = plan.items.find((i) => i.code === code)
  if (!item) throw new AppError('NOT_FOUND')
  const structural =
    change.ownerEntity !== undefined ||
    change.weight !== undefined ||
    change.parentCode !== undefined ||
    change.retired !== undefined
  if (structural) assertStaff(actor, true)
  else if (!(await canUpdate(db, actor, item.ownerEntity))) assertStaff(actor, true)
  const errors: Record<string, string[]> = {}
  if (
    change.progress !== undefined &&
    change.progress !== null &&
    (change.progress < 0 || change.progress > 100)
  )
    errors.progress = ['progress_range']
  if (change.parentCode) {
    if (!plan.items.some((i) => i.code === change.parentCode)) errors.parentCode = ['item_unknown']
    else if (createsCycle(plan.items, code, change.parentCode)) errors.parentCode = ['cycle']
  }
  if (Object.keys(errors).length) throw new AppError('VALIDATION_FAILED', {}, errors)
  // Inside a caller's transaction (the bulk update) it joins it; otherwise it is its own.
  return inTransaction(db, async (trx) => {
    const updated = await trx
      .updateTable('plan_item')
      .set({
        ...(change.status !== undefined ? { status: change.status } : {}),
        ...(change.progress !== undefined ? { progress: change.progress } : {}),
        ...(change.ownerEntity !== undefined ? { owner_entity: change.ownerEntity } : {}),
        ...(change.weight !== undefined ? { weight: String(change.weight) } : {}),
        ...(change.parentCode !== undefined ? { parent_code: change.parentCode } : {}),
        ...(change.retired !== undefined ? { retired_at: change.retired ? new Date() : null } : {}),
        version: sql`version + 1`,
        updated_at: new Date(),
      })
      .where('id', '=', item.id)
      .where('version', '=', change.version)
      .returning('id')
      .executeTakeFirst()
    if (!updated) throw new AppError('PLAN_CONFLICT')
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'plan_item',
      entityId: item.id,
      summary: `${code} updated`,
      before: {
        status: item.status,
        progress: item.progress,
        ownerEntity: item.ownerEntity,
        weight: item.weight,
        parentCode: item.parentCode,
        retired: item.retired,
      },
      after: change,
    })
    const again = await getPlan(trx, actor, plan.version.code)
    return again.items.find((i) => i.code === code)!
  })
}

/** The history of an item: every change, from the audit log (who, when, before and after). */
export async function itemHistory(db: Db, actor: Actor, itemId: string) {
  assertPlanReader(actor)
  const rows = await db
    .selectFrom('audit_log')
    .select(['occurred_at', 'actor_label', 'summary', 'before', 'after'])
    .where('entity_type', '=', 'plan_item')
    .where('entity_id', '=', itemId)
    .orderBy('occurred_at', 'desc')
    .limit(100)
    .execute()
  return rows.map((r) => ({
    at: r.occurred_at.toISOString(),
    by: r.actor_label,
    summary: r.summary,
    before: r.before,
    after: r.after,
  }))
}

// ---------------------------------------------------------------- indicators

const PERIOD_DAY = /^\d{4}-\d{2}-\d{2}$/

/** Computed indicators run one query per year of the period, so a period is at most this long. */
export const MAX_PERIOD_YEARS = 20

/**
 * The period of the indicators and the scorecard (pages, API, home page): what was asked, or by default
 * the last four calendar years to today. A malformed, inverted or over-long period falls back to the default.
 */
export function planPeriod(q: { from?: string | undefined; to?: string | undefined } = {}) {
  const today = new Date().toISOString().slice(0, 10)
  const byDefault = { from: `${Number(today.slice(0, 4)) - 3}-01-01`, to: today }
  const from = q.from && PERIOD_DAY.test(q.from) ? q.from : byDefault.from
  const to = q.to && PERIOD_DAY.test(q.to) && q.to >= from ? q.to : today
  if (Number(to.slice(0, 4)) - Number(from.slice(0, 4)) > MAX_PERIOD_YEARS) return byDefault
  return { from, to }
}

export type IndicatorView = {
  id: string
  code: string
  name: string
  definition: string
  unit: string
  direction: 'increase' | 'decrease' | 'reach'
  kind: 'computed' | 'manual'
  query: IndicatorQuery | null
  itemCode: string | null
  baselineValue: number | null
  baselineDate: string | null
  targetValue: number | null
  targetDate: string | null
  version: number
  /** Manual: the measurements entered; computed: one value per calendar year of the period. */
  values: { on: string; value: number; source: string; evidence: string }[]
  status: IndicatorStatus
  /** Why there is no data, when a computed query failed. */
  failure: string | null
}

const num = (v: string | number | null) => (v === null ? null : Number(v))
const isoDay = (d: Date | string | null) =>
  d === null ? null : typeof d === 'string' ? d : d.toISOString().slice(0, 10)

/** Some indicators' statements failed: the figures computed by the others, which are shown but not stored. */
class IndicatorFailure extends Error {
  constructor(readonly values: Map<string, number | null>) {
    super('indicator computation failed')
  }
}

/** Every indicator with its values for the period and its status; a failing query is no_data with its reason. */
export async function listIndicators(
  db: Db,
  actor: Actor,
  period: { from: string; to: string },
  today = new Date().toISOString().slice(0, 10),
): Promise<IndicatorView[]> {
  assertPlanReader(actor)
  const [rows, measurements] = await Promise.all([
    db.selectFrom('indicator').selectAll().orderBy('item_code').orderBy('code').execute(),
    db.selectFrom('indicator_measurement').selectAll().orderBy('measured_on').execute(),
  ])
  // Each computed indicator has one figure per calendar year of the period.
  const years: { from: string; to: string }[] = []
  for (let y = Number(period.from.slice(0, 4)); y <= Number(period.to.slice(0, 4)); y++)
    years.push({
      from: y === Number(period.from.slice(0, 4)) ? period.from : `${y}-01-01`,
      to: y === Number(period.to.slice(0, 4)) ? period.to : `${y}-12-31`,
    })
  const figureKey = (query: string, y: { from: string; to: string }) => `indicator:${query}:${y.from}:${y.to}`
  const computed = rows.filter((r) => r.kind === 'computed')
  const known = computed.filter((r) => INDICATOR_QUERIES[r.query as IndicatorQuery])
  // Stored figures in one statement; the missing ones computed one statement per indicator (all its missing
  // years at once; on PostgreSQL the indicators side by side) and stored in one statement.
  let failures = new Map<string, string>()
  const figures = await derivedMany<number | null>(
    db,
    known.flatMap((r) => years.map((y) => figureKey(r.query!, y))),
    async (missing) => {
      const values = new Map<string, number | null>()
      failures = new Map()
      await Promise.all(
        known.map(async (r) => {
          const wanted = years.filter((y) => missing.includes(figureKey(r.query!, y)))
          if (!wanted.length) return
          const q = INDICATOR_QUERIES[r.query as IndicatorQuery]
          try {
            const got = await q.run(
              db,
              wanted.map((y) => ({
                start: new Date(`${y.from}T00:00:00Z`),
                end: new Date(`${y.to}T23:59:59.999Z`),
              })),
            )
            for (const [k, y] of wanted.entries()) values.set(figureKey(r.query!, y), got[k] ?? null)
          } catch (error) {
            failures.set(r.id, error instanceof Error ? error.message : String(error))
          }
        }),
      )
      // A failed indicator is reported, not stored.
      if (failures.size) throw new IndicatorFailure(values)
      return missing.map((k) => values.get(k) ?? null)
    },
  ).catch((error) => {
    if (!(error instanceof IndicatorFailure)) throw error
    return error.values
  })
  const out: IndicatorView[] = []
  for (const r of rows) {
    let values: IndicatorView['values'] = []
    let failure: string | null = null
    if (r.kind === 'computed') {
      try {
        if (!INDICATOR_QUERIES[r.query as IndicatorQuery]) throw new Error(`no query named ${r.query}`)
        const failure = failures.get(r.id)
        if (failure) throw new Error(failure)
        for (const { from, to } of years) {
          const v = figures.get(figureKey(r.query!, { from, to })) ?? null
          if (v !== null)
            values.push({
              on: to,
              value: Math.round(v * 10) / 10,
              source: `${r.query}, ${from} – ${to}`,
              evidence: '',
            })
        }
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error)
        values = []
      }
    } else {
      values = measurements
        .filter(
          (m) =>
            m.indicator_id === r.id &&
            isoDay(m.measured_on)! >= period.from &&
            isoDay(m.measured_on)! <= period.to,
        )
        .map((m) => ({
          on: isoDay(m.measured_on)!,
          value: Number(m.value),
          source: m.source,
          evidence: m.evidence,
        }))
    }
    const rule = {
      direction: r.direction as IndicatorView['direction'],
      baselineValue: num(r.baseline_value),
      baselineDate: isoDay(r.baseline_date),
      targetValue: num(r.target_value),
      targetDate: isoDay(r.target_date),
    }
    out.push({
      id: r.id,
      code: r.code,
      name: r.name,
      definition: r.definition,
      unit: r.unit,
      kind: r.kind as IndicatorView['kind'],
      query: (r.query as IndicatorQuery | null) ?? null,
      itemCode: r.item_code,
      version: r.version,
      ...rule,
      values,
      status: failure ? 'no_data' : indicatorStatus(rule, values, today),
      failure,
    })
  }
  return out
}

export type IndicatorInput = {
  code?: string | undefined
  name: string
  definition: string
  unit: 'count' | 'percent' | 'ratio' | 'score' | 'days'
  direction: 'increase' | 'decrease' | 'reach'
  kind: 'computed' | 'manual'
  query?: IndicatorQuery | undefined
  itemCode?: string | undefined
  baselineValue?: number | undefined
  baselineDate?: string | undefined
  targetValue?: number | undefined
  targetDate?: string | undefined
}

function indicatorErrors(i: IndicatorInput): Record<string, string[]> {
  const e: Record<string, string[]> = {}
  if (i.baselineDate && i.targetDate && i.targetDate <= i.baselineDate)
    e.targetDate = ['target_before_baseline']
  for (const k of ['baselineValue', 'targetValue'] as const) {
    const v = i[k]
    if (v === undefined) continue
    if (i.unit === 'percent' && (v < 0 || v > 100)) e[k] = ['percent_range']
    if (i.unit === 'count' && (v < 0 || !Number.isInteger(v))) e[k] = ['count_invalid']
  }
  if (i.kind === 'computed' && !i.query) e.query = ['required']
  return e
}

/**
 * Indicators and their measurements are the Union's: their queries count every Sector's records, and they
 * belong to no plan version (an item code names an item of any Sector's plan). A secretariat role limited to a
 * Sector may therefore not change them.
 */
function assertIndicatorWriter(actor: Actor) {
  assertStaff(actor, true)
  assertInScope(actor, null)
}

export async function createIndicator(db: Db, actor: Actor, input: IndicatorInput & { code: string }) {
  assertIndicatorWriter(actor)
  const errors = indicatorErrors(input)
  if (Object.keys(errors).length) throw new AppError('VALIDATION_FAILED', {}, errors)
  return inTransaction(db, async (trx) => {
    const taken = await trx
      .selectFrom('indicator')
      .select('id')
      .where('code', '=', input.code)
      .executeTakeFirst()
    if (taken) throw new AppError('VALIDATION_FAILED', {}, { code: ['code_taken'] })
    const row = await trx
      .insertInto('indicator')
      .values({
        code: input.code,
        name: input.name,
        definition: input.definition,
        unit: input.unit,
        direction: input.direction,
        kind: input.kind,
        query: input.kind === 'computed' ? (input.query ?? null) : null,
        item_code: input.itemCode ?? null,
        baseline_value: input.baselineValue === undefined ? null : String(input.baselineValue),
        baseline_date: input.baselineDate ?? null,
        target_value: input.targetValue === undefined ? null : String(input.targetValue),
        target_date: input.targetDate ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'indicator',
      entityId: row.id,
      summary: input.code,
      after: input,
    })
    return row.id
  })
}

/** Sets an indicator's baseline and target (the rest of its definition is fixed once created). */
export async function setIndicatorTarget(
  db: Db,
  actor: Actor,
  code: string,
  input: {
    version: number
    baselineValue?: number | undefined
    baselineDate?: string | undefined
    targetValue?: number | undefined
    targetDate?: string | undefined
  },
) {
  assertIndicatorWriter(actor)
  const row = await db.selectFrom('indicator').selectAll().where('code', '=', code).executeTakeFirst()
  if (!row) throw new AppError('NOT_FOUND')
  const errors = indicatorErrors({
    name: row.name,
    definition: row.definition,
    unit: row.unit as IndicatorInput['unit'],
    direction: row.direction as IndicatorInput['direction'],
    kind: row.kind as IndicatorInput['kind'],
    query: (row.query ?? undefined) as IndicatorQuery | undefined,
    ...input,
  })
  if (Object.keys(errors).length) throw new AppError('VALIDATION_FAILED', {}, errors)
  await inTransaction(db, async (trx) => {
    const done = await trx
      .updateTable('indicator')
      .set({
        baseline_value: input.baselineValue === undefined ? null : String(input.baselineValue),
        baseline_date: input.baselineDate ?? null,
        target_value: input.targetValue === undefined ? null : String(input.targetValue),
        target_date: input.targetDate ?? null,
        version: sql`version + 1`,
        updated_at: new Date(),
      })
      .where('id', '=', row.id)
      .where('version', '=', input.version)
      .returning('id')
      .executeTakeFirst()
    if (!done) throw new AppError('PLAN_CONFLICT')
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'indicator',
      entityId: row.id,
      summary: `${code}: baseline and target`,
      before: {
        baselineValue: num(row.baseline_value),
        baselineDate: isoDay(row.baseline_date),
        targetValue: num(row.target_value),
        targetDate: isoDay(row.target_date),
      },
      after: input,
    })
  })
}

/** Records a measurement of a manual indicator, with its source and evidence. */
export async function addMeasurement(
  db: Db,
  actor: Actor,
  code: string,
  m: { measuredOn: string; value: number; source: string; evidence: string },
) {
  assertIndicatorWriter(actor)
  const row = await db.selectFrom('indicator').selectAll().where('code', '=', code).executeTakeFirst()
  if (!row) throw new AppError('NOT_FOUND')
  const errors: Record<string, string[]> = {}
  if (row.kind === 'computed') errors.value = ['computed_indicator']
  if (row.unit === 'percent' && (m.value < 0 || m.value > 100)) errors.value = ['percent_range']
  if (row.unit === 'count' && (m.value < 0 || !Number.isInteger(m.value))) errors.value = ['count_invalid']
  if (Object.keys(errors).length) throw new AppError('VALIDATION_FAILED', {}, errors)
  await inTransaction(db, async (trx) => {
    const saved = await trx
      .insertInto('indicator_measurement')
      .values({
        indicator_id: row.id,
        measured_on: m.measuredOn,
        value: String(m.value),
        source: m.source,
        evidence: m.evidence,
        entered_by: actorLabel(actor),
      })
      .onConflict((oc) => oc.columns(['indicator_id', 'measured_on']).doNothing())
      .returning('id')
      .executeTakeFirst()
    if (!saved) throw new AppError('VALIDATION_FAILED', {}, { measuredOn: ['measurement_exists'] })
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'indicator_measurement',
      entityId: saved.id,
      summary: `${code} = ${m.value}`,
      after: m,
    })
  })
}

// ---------------------------------------------------------------- the Resolution 68 scorecard

export const CLAUSES = [
  'd1',
  'd2',
  'd3',
  'd4',
  'd5',
  'd6',
  'd7',
  'd8',
  'd9',
  'd10',
  'd11',
  'd12',
  't1',
  't2',
  't3',
  'e1',
  'e2',
] as const
export type Clause = (typeof CLAUSES)[number]

export type ClauseEvidence = {
  clause: Clause
  value: number | null
  /** How to read the value: a share (0–1) or a count. */
  unit: 'share' | 'count'
  /** The numbers behind a share: part and whole. */
  part: number | null
  whole: number | null
  met: number
  partly: number
  status: ClauseStatus
  /** Where the underlying records are. */
  link: string
}

const EXEC = sql`m.kind IN ('cto_meeting', 'cxo_meeting') AND m.status IN ('held', 'concluded')`

/**
 * The evidence Engage holds for each clause of Resolution 68 over a period, each with its status by the
 * thresholds in settings. Every number is one short query, so the page is quick on both databases.
 * `sector` (a Sector's code, or `union`) counts only that Sector's records — meetings, consultations,
 * follow-up actions, reports and its current action plan — or only the Union-wide ones; by default all.
 */
export async function scorecard(
  db: Db,
  actor: Actor,
  period: { from: string; to: string },
  sector?: string,
): Promise<ClauseEvidence[]> {
  assertPlanReader(actor)
  const sectorId = await sectorFilter(db, sector)
  const of = (column: string) =>
    sectorId === undefined
      ? sql`TRUE`
      : sectorId === null
        ? sql`${sql.ref(column)} IS NULL`
        : sql`${sql.ref(column)} = ${sectorId}`
  const start = new Date(`${period.from}T00:00:00Z`)
  const end = new Date(`${period.to}T23:59:59.999Z`)
  const years = Math.max(1, Number(period.to.slice(0, 4)) - Number(period.from.slice(0, 4)) + 1)
  const one = async <T extends Record<string, unknown>>(q: ReturnType<typeof sql<T>>) =>
    (await q.execute(db)).rows[0]!
  const n = (v: unknown) => Number(v ?? 0)
  const bySector = sector ? `sector=${encodeURIComponent(sector)}` : ''
  const q = `from=${period.from}&to=${period.to}${bySector ? `&${bySector}` : ''}`
  // Lists take the period (and the Sector); the plan is the Sector's plan.
  const linkFor = (link: string) =>
    link.includes('?') ? `${link}&${q}` : link === '/plan' && bySector ? `/plan?${bySector}` : link
  const [
    seniority,
    dev,
    workshops,
    regions,
    hosts,
    pa,
    agenda,
    membership,
    reports,
    completion,
    issued,
    evaluations,
    planned,
    workshopEval,
    responses,
    plan,
    thresholds,
  ] = await Promise.all([
    one(sql<{ part: number; whole: number }>`
      SELECT count(DISTINCT a.person_id) FILTER (WHERE p.seniority IN ('c_level', 'senior_executive'))::int AS part,
             count(DISTINCT a.person_id)::int AS whole
      FROM meeting_attendance a JOIN meeting m ON m.id = a.meeting_id JOIN person p ON p.id = a.person_id
      WHERE ${EXEC} AND m.starts_at BETWEEN ${start} AND ${end} AND ${of('m.sector_id')}`),
    one(sql<{ part: number; whole: number }>`
      SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM consultation c WHERE c.meeting_id = m.id
               AND c.purpose = 'pre_meeting_developing_countries' AND c.status <> 'draft' AND c.closes_at <= m.starts_at))::int AS part,
             count(*)::int AS whole
      FROM meeting m WHERE ${EXEC} AND m.starts_at BETWEEN ${start} AND ${end} AND ${of('m.sector_id')}`),
    one(sql<{ n: number }>`
      SELECT count(*)::int AS n FROM meeting m
      WHERE m.kind IN ('workshop', 'symposium') AND m.status IN ('held', 'concluded') AND m.starts_at BETWEEN ${start} AND ${end} AND ${of('m.sector_id')}`),
    one(sql<{ n: number }>`
      SELECT count(DISTINCT c.itu_region)::int AS n
      FROM meeting_attendance a JOIN meeting m ON m.id = a.meeting_id JOIN organization o ON o.id = a.organization_id
      JOIN country c ON c.code = o.country_code
      WHERE ${EXEC} AND m.starts_at BETWEEN ${start} AND ${end} AND ${of('m.sector_id')} AND o.category <> 'member_state'`),
    one(sql<{ n: number }>`
      SELECT count(DISTINCT c.itu_region)::int AS n FROM meeting m JOIN country c ON c.code = m.country_code
      WHERE ${EXEC} AND m.format <> 'online' AND m.starts_at BETWEEN ${start} AND ${end} AND ${of('m.sector_id')}`),
    one(sql<{ part: number; whole: number }>`
      SELECT count(*) FILTER (WHERE x.pa)::int AS part, count(*)::int AS whole FROM (
        SELECT a.meeting_id, a.organization_id, bool_or(a.attended_as IN ('principal', 'alternate')) AS pa
        FROM meeting_attendance a JOIN meeting m ON m.id = a.meeting_id
        WHERE ${EXEC} AND m.group_id IS NOT NULL AND m.starts_at BETWEEN ${start} AND ${end} AND ${of('m.sector_id')}
        GROUP BY a.meeting_id, a.organization_id) x`),
    one(sql<{ part: number; whole: number }>`
      SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM topic_priority tp WHERE tp.topic_id = i.topic_id))::int AS part,
             count(*)::int AS whole
      FROM agenda_item i JOIN agenda g ON g.id = i.agenda_id JOIN meeting m ON m.id = g.meeting_id
      WHERE g.published_at IS NOT NULL AND m.starts_at BETWEEN ${start} AND ${end} AND ${of('m.sector_id')}
        AND g.version = (SELECT max(g2.version) FROM agenda g2 WHERE g2.meeting_id = g.meeting_id AND g2.published_at IS NOT NULL)`),
    one(sql<{ part: number; whole: number }>`
      SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM consultation c WHERE c.meeting_id = m.id
               AND c.purpose = 'membership_agenda' AND c.status <> 'draft' AND c.closes_at <= m.starts_at))::int AS part,
             count(*)::int AS whole
      FROM meeting m WHERE ${EXEC} AND m.starts_at BETWEEN ${start} AND ${end} AND ${of('m.sector_id')}`),
    one(sql<{ part: number; whole: number }>`
      SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM report_issue r WHERE r.kind = 'meeting'
               AND r.params->>'meetingId' = m.id::text))::int AS part,
             count(*)::int AS whole
      FROM meeting m WHERE ${EXEC} AND m.starts_at BETWEEN ${start} AND ${end} AND ${of('m.sector_id')}`),
    one(sql<{ part: number; whole: number }>`
      SELECT count(*) FILTER (WHERE f.status = 'done')::int AS part, count(*) FILTER (WHERE f.status <> 'dropped')::int AS whole
      FROM follow_up_action f WHERE f.created_at BETWEEN ${start} AND ${end} AND ${of('f.sector_id')}`),
    one(sql<{ followup: number; wtsa: number }>`
      SELECT count(*) FILTER (WHERE kind = 'follow-up')::int AS followup, count(*) FILTER (WHERE kind = 'wtsa')::int AS wtsa
      FROM report_issue r WHERE r.issued_at BETWEEN ${start} AND ${end} AND ${of('r.sector_id')}`),
    one(sql<{ n: number }>`
      SELECT count(*)::int AS n FROM consultation c
      WHERE c.purpose IN ('process_evaluation', 'meeting_evaluation') AND c.status = 'closed' AND c.closes_at BETWEEN ${start} AND ${end}
        AND ${of('c.sector_id')}`),
    one(sql<{ n: number }>`
      SELECT count(*)::int AS n FROM meeting m
      WHERE m.kind = 'workshop' AND m.status NOT IN ('draft', 'cancelled') AND m.created_at BETWEEN ${start} AND ${end}
        AND ${of('m.sector_id')}`),
    one(sql<{ part: number; whole: number }>`
      SELECT count(*) FILTER (WHERE EXISTS (SELECT 1 FROM consultation c WHERE c.meeting_id = m.id AND c.purpose = 'workshop_evaluation' AND c.status <> 'draft')
               OR EXISTS (SELECT 1 FROM report_issue r WHERE r.kind = 'workshop' AND r.params->>'meetingId' = m.id::text))::int AS part,
             count(*)::int AS whole
      FROM meeting m WHERE m.kind = 'workshop' AND m.status IN ('held', 'concluded') AND m.starts_at BETWEEN ${start} AND ${end} AND ${of('m.sector_id')}`),
    one(sql<{ part: number; whole: number }>`
      SELECT coalesce(sum((SELECT count(*) FROM consultation_response r WHERE r.consultation_id = c.id
               AND r.target_id IS NOT NULL AND r.state = 'submitted')), 0)::int AS part,
             coalesce(sum((SELECT count(*) FROM consultation_target t WHERE t.consultation_id = c.id)), 0)::int AS whole
      FROM consultation c
      WHERE c.status <> 'draft' AND c.closes_at BETWEEN ${start} AND ${end} AND ${of('c.sector_id')}`),
    one(sql<{ part: number; whole: number }>`
      SELECT count(*) FILTER (WHERE i.status IN ('in_progress', 'done'))::int AS part,
             count(*) FILTER (WHERE i.status <> 'dropped')::int AS whole
      FROM plan_item i JOIN plan_version v ON v.id = i.version_id
      WHERE v.current AND i.retired_at IS NULL AND ${of('v.sector_id')}`),
    db.selectFrom('scorecard_threshold').selectAll().execute(),
  ])
  const th = new Map(thresholds.map((t) => [t.clause, { met: Number(t.met), partly: Number(t.partly) }]))
  const share = (clause: Clause, r: { part: number; whole: number }, link: string): ClauseEvidence => {
    const whole = n(r.whole)
    const value = whole ? n(r.part) / whole : null
    const t = th.get(clause) ?? { met: 1, partly: 0.5 }
    return {
      clause,
      value,
      unit: 'share',
      part: n(r.part),
      whole,
      ...t,
      status: clauseStatus(value, t),
      link,
    }
  }
  const count = (clause: Clause, value: number, link: string): ClauseEvidence => {
    const t = th.get(clause) ?? { met: 1, partly: 1 }
    return {
      clause,
      value,
      unit: 'count',
      part: null,
      whole: null,
      ...t,
      status: clauseStatus(value, t),
      link,
    }
  }
  return [
    share('d1', seniority, `/meetings?when=past`),
    share('d2', dev, `/consultations?purpose=pre_meeting_developing_countries`),
    count('d3', n(workshops.n), `/meetings?kind=workshop&when=past`),
    count('d4', n(regions.n), `/meetings?when=past`),
    count('d5', n(hosts.n), `/meetings?when=past`),
    share('d6', pa, `/groups`),
    share('d7', agenda, `/topics`),
    share('d8', membership, `/consultations?purpose=membership_agenda`),
    share('d9', reports, `/reports?kind=meeting`),
    share('d10', completion, `/bodies`),
    // Resolves 11 asks for a regular report: at least one follow-up report for each year of the period.
    count('d11', n(issued.followup) / years, `/reports?kind=follow-up`),
    count('d12', n(issued.wtsa), `/reports?kind=wtsa`),
    count('t1', n(evaluations.n), `/consultations?purpose=process_evaluation`),
    count('t2', n(planned.n), `/meetings?kind=workshop`),
    share('t3', workshopEval, `/reports?kind=workshop`),
    share('e1', responses, `/consultations`),
    share('e2', plan, '/plan'),
  ].map((e) => ({ ...e, link: linkFor(e.link) }))
}

export async function setThreshold(db: Db, actor: Actor, clause: Clause, t: { met: number; partly: number }) {
  assertStaff(actor, true)
  // A Union-wide setting: not for a secretariat limited to a Sector.
  assertInScope(actor, null)
  if (t.partly > t.met) throw new AppError('VALIDATION_FAILED', {}, { partly: ['partly_above_met'] })
  if (t.met < 0 || t.partly < 0) throw new AppError('VALIDATION_FAILED', {}, { met: ['number_invalid'] })
  await inTransaction(db, async (trx) => {
    const before = await trx
      .selectFrom('scorecard_threshold')
      .selectAll()
      .where('clause', '=', clause)
      .executeTakeFirst()
    if (!before) throw new AppError('NOT_FOUND')
    await trx
      .updateTable('scorecard_threshold')
      .set({ met: String(t.met), partly: String(t.partly), updated_at: new Date() })
      .where('clause', '=', clause)
      .execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'scorecard_threshold',
      entityId: clause,
      summary: `threshold ${clause}`,
      before: { met: Number(before.met), partly: Number(before.partly) },
      after: t,
    })
  })
}

export type PlanActionInput = {
  code: string
  meetingId?: string | undefined
  point: string
  sessions: string[]
  action: string
  targets: string[]
  targetItems: string[]
}

/** A proposed action from a workshop's point for consideration, mapped to the plan's items. */
export async function createPlanAction(
  db: Db,
  actor: Actor,
  input: PlanActionInput,
  sector?: string,
): Promise<string> {
  assertStaff(actor, true)
  const plan = await getPlan(db, actor, undefined, sector)
  await assertRecordInScope(db, actor, 'plan_version', plan.version.id)
  const errors: Record<string, string[]> = {}
  const codes = new Set(plan.items.map((i) => i.code))
  if (input.targetItems.some((c) => !codes.has(c))) errors.targetItems = ['items_unknown']
  if (plan.actions.some((a) => a.code === input.code)) errors.code = ['action_code_taken']
  if (input.meetingId) {
    const m = await db.selectFrom('meeting').select('id').where('id', '=', input.meetingId).executeTakeFirst()
    if (!m) errors.meetingId = ['meeting_unknown']
  }
  if (Object.keys(errors).length) throw new AppError('VALIDATION_FAILED', {}, errors)
  return inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto('plan_action')
      .values({
        version_id: plan.version.id,
        code: input.code,
        point: input.point,
        sessions: input.sessions,
        action: input.action,
        targets: input.targets,
        target_items: input.targetItems,
        target_document: input.targetItems.join(', ') || null,
        meeting_id: input.meetingId ?? null,
        owner_entity: input.targets[0] ?? '',
        cite: '',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'plan_action',
      entityId: row.id,
      summary: input.code,
      after: input,
    })
    return row.id
  })
}
