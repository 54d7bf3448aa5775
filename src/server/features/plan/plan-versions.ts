import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { inTransaction } from '../../db/transaction.ts'
import { AppError } from '../../http/errors.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { type Actor, assertStaff, canWrite, isStaff } from '../auth/auth.policy.ts'
import { parseCsv } from '../directory/import/csv.ts'
import { assertRecordInScope, resolveSector, UNION } from '../structure/scope.ts'
import { leadsBody } from '../topics/follow-up.service.ts'
import { PLAN_STATUSES, type PlanStatus } from './plan.logic.ts'
import { getPlan, type Plan, updateItem } from './plan.service.ts'

/** The Sector's code of a plan, as the functions below take it (`union` for the Union-wide plan). */
const sectorOf = (plan: Plan) => plan.version.sector ?? UNION

/** A Sector's current plan, after the check that the actor may change it (a role limited to a Sector). */
async function writablePlan(db: Db, actor: Actor, sector: string | undefined): Promise<Plan> {
  const plan = await getPlan(db, actor, undefined, sector)
  await assertRecordInScope(db, actor, 'plan_version', plan.version.id)
  return plan
}

export type VersionInput = {
  code: string
  title: string
  /** The Sector's code, or `union` for a Union-wide plan; by default as resolveSector says. */
  sector?: string | undefined
  /** The code of the version it starts from (any Sector's); by default the Sector's current plan. */
  basedOn?: string | undefined
}

/**
 * A new version of a Sector's plan (or the Union's) starts as a copy of a version — by default that Sector's
 * current plan (items, pillars, proposed actions, with their progress) — and becomes the Sector's current
 * plan; the earlier version stays as it was, for comparison. A Sector without a plan yet starts empty, or
 * from another Sector's version: then only its items and pillars are taken, as a template — not that
 * Sector's progress, owners or proposed actions (the points of its own workshops). A role limited to a
 * Sector creates versions of that Sector's plan only.
 */
export async function createVersion(
  db: Db,
  actor: Actor,
  input: VersionInput,
): Promise<{ code: string; sector: string | null }> {
  assertStaff(actor, true)
  const sectorId = await resolveSector(db, actor, input.sector)
  const code = input.code.trim()
  const title = input.title.trim()
  const basedOn = input.basedOn?.trim() || undefined
  const errors: Record<string, string[]> = {}
  if (!/^[A-Za-z0-9._-]{1,40}$/.test(code)) errors.code = ['version_code_invalid']
  if (!title || title.length > 300) errors.title = ['required']
  if (Object.keys(errors).length) throw new AppError('VALIDATION_FAILED', {}, errors)
  return inTransaction(db, async (trx) => {
    const taken = await trx
      .selectFrom('plan_version')
      .select('id')
      .where('code', '=', code)
      .executeTakeFirst()
    if (taken) throw new AppError('VALIDATION_FAILED', {}, { code: ['version_code_taken'] })
    // The Sector's current plan, locked: two new versions of it at once wait for each other.
    const current = await trx
      .selectFrom('plan_version')
      .selectAll()
      .where('current', '=', true)
      .where((eb) => (sectorId === null ? eb('sector_id', 'is', null) : eb('sector_id', '=', sectorId)))
      .forUpdate()
      .executeTakeFirst()
    // It stops being current: a change to it, so it too must be in the actor's scope (it is, being the Sector's).
    if (current) await assertRecordInScope(trx, actor, 'plan_version', current.id)
    const source = basedOn
      ? await trx.selectFrom('plan_version').selectAll().where('code', '=', basedOn).executeTakeFirst()
      : current
    if (basedOn && !source) throw new AppError('VALIDATION_FAILED', {}, { basedOn: ['version_unknown'] })
    if (current)
      await trx.updateTable('plan_version').set({ current: false }).where('id', '=', current.id).execute()
    const v = await trx
      .insertInto('plan_version')
      .values({
        code,
        title,
        source: source?.source ?? '',
        based_on: source?.id ?? null,
        current: true,
        sector_id: sectorId,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const template = !!source && source.sector_id !== sectorId
    if (source && !template) {
      await sql`
        INSERT INTO plan_item (version_id, code, parent_code, position, short_name, text, objective, key_outcomes, kois,
          strategies, enablers, services, learning, cite, owner_entity, status, progress, weight, retired_at)
        SELECT ${v.id}, code, parent_code, position, short_name, text, objective, key_outcomes, kois,
          strategies, enablers, services, learning, cite, owner_entity, status, progress, weight, retired_at
        FROM plan_item WHERE version_id = ${source.id}`.execute(trx)
      await sql`
        INSERT INTO plan_action (version_id, code, point, sessions, action, targets, target_items, target_document,
          comments, cite, meeting_id, owner_entity, status, progress)
        SELECT ${v.id}, code, point, sessions, action, targets, target_items, target_document,
          comments, cite, meeting_id, owner_entity, status, progress
        FROM plan_action WHERE version_id = ${source.id}`.execute(trx)
    }
    if (source && template)
      await sql`
        INSERT INTO plan_item (version_id, code, parent_code, position, short_name, text, objective, key_outcomes, kois,
          strategies, enablers, services, learning, cite, weight, retired_at)
        SELECT ${v.id}, code, parent_code, position, short_name, text, objective, key_outcomes, kois,
          strategies, enablers, services, learning, cite, weight, retired_at
        FROM plan_item WHERE version_id = ${source.id}`.execute(trx)
    if (source)
      await sql`
        INSERT INTO plan_pillar (version_id, code, title, items, cite, position)
        SELECT ${v.id}, code, title, items, cite, position FROM plan_pillar WHERE version_id = ${source.id}`.execute(
        trx,
      )
    const sector = sectorId
      ? (await trx.selectFrom('sector').select('code').where('id', '=', sectorId).executeTakeFirstOrThrow())
          .code
      : null
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'plan_version',
      entityId: v.id,
      summary: `plan version ${code} (${sector ?? UNION})${source ? ` from ${source.code}` : ''}`,
      after: {
        code,
        title,
        sector,
        basedOn: source?.code ?? null,
        asTemplate: template,
        replaces: current?.code ?? null,
      },
    })
    return { code, sector }
  })
}

/** Adds an item to a Sector's current plan (a new AP item or sub-item). */
export async function addItem(
  db: Db,
  actor: Actor,
  input: { code: string; parentCode: string | null; shortName: string; text: string },
  sector?: string,
) {
  assertStaff(actor, true)
  // The Sector is a field of the form here: one without a plan yet is a mistake in it, not a missing page.
  const plan = await writablePlan(db, actor, sector).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'NOT_FOUND')
      throw new AppError('VALIDATION_FAILED', {}, { sector: ['sector_no_plan'] })
    throw error
  })
  const errors: Record<string, string[]> = {}
  if (!/^AP[0-9]+(\.[0-9]+)*$/.test(input.code)) errors.code = ['item_code_invalid']
  else if (plan.items.some((i) => i.code === input.code)) errors.code = ['item_code_taken']
  if (input.parentCode && !plan.items.some((i) => i.code === input.parentCode))
    errors.parentCode = ['item_unknown']
  if (!input.text.trim()) errors.text = ['required']
  if (Object.keys(errors).length) throw new AppError('VALIDATION_FAILED', {}, errors)
  await inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto('plan_item')
      .values({
        version_id: plan.version.id,
        code: input.code,
        parent_code: input.parentCode,
        position: plan.items.length,
        short_name: input.shortName.trim() || null,
        text: input.text.trim(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'plan_item',
      entityId: row.id,
      summary: `${input.code} added`,
      after: input,
    })
  })
}

export type VersionDifference = {
  code: string
  change: 'added' | 'removed' | 'changed'
  fields: { field: string; before: string; after: string }[]
}

const FIELDS = [
  'parentCode',
  'shortName',
  'text',
  'objective',
  'keyOutcomes',
  'kois',
  'ownerEntity',
  'status',
  'progress',
  'weight',
  'retired',
] as const

const show = (v: unknown) =>
  v === null || v === undefined ? '' : Array.isArray(v) ? v.join(' | ') : String(v)

/** What differs between two versions of the plan, item by item (matched by code). */
export function compareVersions(a: Plan, b: Plan): VersionDifference[] {
  const before = new Map(a.items.map((i) => [i.code, i]))
  const after = new Map(b.items.map((i) => [i.code, i]))
  const out: VersionDifference[] = []
  for (const [code, i] of after) {
    const old = before.get(code)
    if (!old) {
      out.push({ code, change: 'added', fields: [] })
      continue
    }
    const fields = FIELDS.filter((f) => show(old[f]) !== show(i[f])).map((f) => ({
      field: f,
      before: show(old[f]),
      after: show(i[f]),
    }))
    if (fields.length) out.push({ code, change: 'changed', fields })
  }
  for (const code of before.keys()) if (!after.has(code)) out.push({ code, change: 'removed', fields: [] })
  return out.sort((x, y) => x.code.localeCompare(y.code, 'en', { numeric: true }))
}

// ---------------------------------------------------------------- milestones

/** Milestones belong to an item or to a proposed action of the current plan. */
export type MilestoneOwner = { kind: 'item' | 'action'; code: string }

async function ownerId(db: Db, actor: Actor, owner: MilestoneOwner, sector: string | undefined) {
  const plan = await writablePlan(db, actor, sector)
  const found =
    owner.kind === 'item'
      ? plan.items.find((i) => i.code === owner.code)
      : plan.actions.find((a) => a.code === owner.code)
  if (!found) throw new AppError('NOT_FOUND')
  return owner.kind === 'item' ? { item_id: found.id } : { action_id: found.id }
}

export async function addMilestone(
  db: Db,
  actor: Actor,
  owner: MilestoneOwner,
  input: { title: string; dueDate: string },
  sector?: string,
) {
  assertStaff(actor, true)
  const ref = await ownerId(db, actor, owner, sector)
  const errors: Record<string, string[]> = {}
  if (!input.title.trim() || input.title.length > 300) errors.title = ['required']
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.dueDate)) errors.dueDate = ['date_invalid']
  if (Object.keys(errors).length) throw new AppError('VALIDATION_FAILED', {}, errors)
  await inTransaction(db, async (trx) => {
    const row = await trx
      .insertInto('plan_milestone')
      .values({ ...ref, title: input.title.trim(), due_date: input.dueDate })
      .returning('id')
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'plan_milestone',
      entityId: row.id,
      summary: `${owner.code}: ${input.title}`,
      after: input,
    })
  })
}

export async function completeMilestone(db: Db, actor: Actor, id: string, doneOn: string | null) {
  assertStaff(actor, true)
  await inTransaction(db, async (trx) => {
    const before = await trx
      .selectFrom('plan_milestone as m')
      .leftJoin('plan_item as i', 'i.id', 'm.item_id')
      .leftJoin('plan_action as a', 'a.id', 'm.action_id')
      .selectAll('m')
      .select((eb) => eb.fn.coalesce('i.version_id', 'a.version_id').as('version_id'))
      .where('m.id', '=', id)
      .executeTakeFirst()
    if (!before) throw new AppError('NOT_FOUND')
    if (before.version_id) await assertRecordInScope(trx, actor, 'plan_version', before.version_id)
    await trx.updateTable('plan_milestone').set({ done_on: doneOn }).where('id', '=', id).execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'plan_milestone',
      entityId: id,
      summary: before.title,
      before: { doneOn: before.done_on },
      after: { doneOn },
    })
  })
}

export async function milestones(db: Db, of: { itemId: string } | { actionId: string }) {
  const rows = await db
    .selectFrom('plan_milestone')
    .selectAll()
    .where('itemId' in of ? 'item_id' : 'action_id', '=', 'itemId' in of ? of.itemId : of.actionId)
    .orderBy('due_date')
    .execute()
  return rows.map((r) => ({ id: r.id, title: r.title, dueDate: r.due_date, doneOn: r.done_on }))
}

// ---------------------------------------------------------------- bulk update from CSV

export type BulkRowError = { row: number; field: string; message: string }

/**
 * Updates status and progress of many items from a CSV (columns: code, status, progress; owner optional),
 * all or nothing: any bad row and nothing changes, with every row's errors listed.
 */
export async function bulkUpdate(
  db: Db,
  actor: Actor,
  csv: string,
  sector?: string,
): Promise<{ updated: number; errors: BulkRowError[] }> {
  assertStaff(actor, true)
  // Refused before the file is even read when the plan is another Sector's.
  const plan = await writablePlan(db, actor, sector)
  const errors: BulkRowError[] = []
  let records: Record<string, string>[] = []
  try {
    const table = parseCsv(csv)
    records = table.rows
    for (const column of ['code', 'status', 'progress'])
      if (table.header.length && !table.header.includes(column))
        errors.push({ row: 1, field: column, message: 'column_missing' })
  } catch (error) {
    errors.push({ row: 0, field: '', message: error instanceof Error ? error.message : 'file_not_csv' })
  }
  const byCode = new Map(plan.items.map((i) => [i.code, i]))
  const actionsByCode = new Map(plan.actions.map((x) => [x.code, x]))
  const changes: { code: string; status: PlanStatus; progress: number | null; owner?: string }[] = []
  records.forEach((r, index) => {
    const row = index + 2
    const code = (r.code ?? '').trim()
    const item = byCode.get(code)
    if (!item && !actionsByCode.has(code)) errors.push({ row, field: 'code', message: 'item_unknown' })
    const status = (r.status ?? '').trim()
    if (!(PLAN_STATUSES as readonly string[]).includes(status))
      errors.push({ row, field: 'status', message: 'choice_invalid' })
    const raw = (r.progress ?? '').trim()
    const progress = raw === '' ? null : Number(raw)
    if (progress !== null && (!Number.isInteger(progress) || progress < 0 || progress > 100))
      errors.push({ row, field: 'progress', message: 'progress_range' })
    if (item && progress !== null && plan.items.some((i) => i.parentCode === code && !i.retired))
      errors.push({ row, field: 'progress', message: 'progress_rolled_up' })
    if (changes.some((c) => c.code === code)) errors.push({ row, field: 'code', message: 'duplicate_id' })
    changes.push({
      code,
      status: status as PlanStatus,
      progress,
      ...(r.owner !== undefined ? { owner: r.owner.trim() } : {}),
    })
  })
  if (!records.length && !errors.length) errors.push({ row: 1, field: '', message: 'file_empty' })
  if (errors.length) return { updated: 0, errors }
  await inTransaction(db, async (trx) => {
    for (const c of changes) {
      const action = actionsByCode.get(c.code)
      if (action) {
        await updatePlanAction(
          trx,
          actor,
          c.code,
          {
            version: action.version,
            status: c.status,
            progress: c.progress,
            ...(c.owner !== undefined ? { ownerEntity: c.owner } : {}),
          },
          sectorOf(plan),
        )
        continue
      }
      const item = byCode.get(c.code)!
      await updateItem(
        trx,
        actor,
        c.code,
        {
          version: item.version,
          status: c.status,
          progress: c.progress,
          ...(c.owner !== undefined ? { ownerEntity: c.owner } : {}),
        },
        sectorOf(plan),
      )
    }
  })
  return { updated: changes.length, errors: [] }
}

// ---------------------------------------------------------------- editing texts and proposed actions

export type ItemTexts = {
  version: number
  shortName: string
  text: string
  objective: string
  keyOutcomes: string[]
  kois: string[]
  strategies: string
  enablers: string
  services: string
  learning: string
  retired: boolean
}

/** Who edits an item's texts: the secretariat, or a lead (rapporteur) of the entity that owns it. */
async function assertEditor(db: Db, actor: Actor, ownerEntity: string) {
  if (isStaff(actor) && canWrite(actor)) return
  if (canWrite(actor) && ownerEntity && (await leadsBody(db, actor, ownerEntity))) return
  assertStaff(actor, true)
}

/** Replaces an item's texts (the results-based fields); retirement is the secretariat's. */
export async function editItemTexts(db: Db, actor: Actor, code: string, input: ItemTexts, sector?: string) {
  const plan = await writablePlan(db, actor, sector)
  const item = plan.items.find((i) => i.code === code)
  if (!item) throw new AppError('NOT_FOUND')
  await assertEditor(db, actor, item.ownerEntity)
  if (input.retired !== item.retired) assertStaff(actor, true)
  if (!input.text.trim()) throw new AppError('VALIDATION_FAILED', {}, { text: ['required'] })
  const orNull = (v: string) => v.trim() || null
  await inTransaction(db, async (trx) => {
    const done = await trx
      .updateTable('plan_item')
      .set({
        short_name: orNull(input.shortName),
        text: input.text.trim(),
        objective: orNull(input.objective),
        key_outcomes: JSON.stringify(input.keyOutcomes.map((k) => k.trim()).filter(Boolean)),
        kois: JSON.stringify(input.kois.map((k) => k.trim()).filter(Boolean)),
        strategies: orNull(input.strategies),
        enablers: orNull(input.enablers),
        services: orNull(input.services),
        learning: orNull(input.learning),
        retired_at: input.retired ? (item.retired ? sql`retired_at` : new Date()) : null,
        version: sql`version + 1`,
        updated_at: new Date(),
      })
      .where('id', '=', item.id)
      .where('version', '=', input.version)
      .returning('id')
      .executeTakeFirst()
    if (!done) throw new AppError('PLAN_CONFLICT')
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'plan_item',
      entityId: item.id,
      summary: `${code}: texts edited`,
      before: {
        shortName: item.shortName,
        text: item.text,
        objective: item.objective,
        keyOutcomes: item.keyOutcomes,
        kois: item.kois,
        strategies: item.strategies,
        enablers: item.enablers,
        services: item.services,
        learning: item.learning,
        retired: item.retired,
      },
      after: input,
    })
  })
}

/** Updates a proposed action's owner, status and progress (the secretariat or a lead of its owner). */
export async function updatePlanAction(
  db: Db,
  actor: Actor,
  code: string,
  input: { version: number; status: PlanStatus; progress: number | null; ownerEntity?: string | undefined },
  sector?: string,
) {
  const plan = await writablePlan(db, actor, sector)
  const a = plan.actions.find((x) => x.code === code)
  if (!a) throw new AppError('NOT_FOUND')
  await assertEditor(db, actor, a.ownerEntity)
  if (input.ownerEntity !== undefined && input.ownerEntity !== a.ownerEntity) assertStaff(actor, true)
  const errors: Record<string, string[]> = {}
  if (!(PLAN_STATUSES as readonly string[]).includes(input.status)) errors.status = ['choice_invalid']
  if (
    input.progress !== null &&
    (!Number.isInteger(input.progress) || input.progress < 0 || input.progress > 100)
  )
    errors.progress = ['progress_range']
  if (Object.keys(errors).length) throw new AppError('VALIDATION_FAILED', {}, errors)
  // Inside the bulk update's transaction it joins it; otherwise it is its own.
  await inTransaction(db, async (trx) => {
    const done = await trx
      .updateTable('plan_action')
      .set({
        status: input.status,
        progress: input.progress,
        ...(input.ownerEntity !== undefined ? { owner_entity: input.ownerEntity.trim().slice(0, 100) } : {}),
        version: sql`version + 1`,
        updated_at: new Date(),
      })
      .where('id', '=', a.id)
      .where('version', '=', input.version)
      .returning('id')
      .executeTakeFirst()
    if (!done) throw new AppError('PLAN_CONFLICT')
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'plan_action',
      entityId: a.id,
      summary: `${code} updated`,
      before: { status: a.status, progress: a.progress, ownerEntity: a.ownerEntity },
      after: input,
    })
  })
}

/** Replaces a proposed action's texts and mapping (the secretariat or a rapporteur of its owner). */
export async function editPlanActionTexts(
  db: Db,
  actor: Actor,
  code: string,
  input: {
    version: number
    point: string
    action: string
    sessions: string[]
    targets: string[]
    targetItems: string[]
    comments: string
  },
  sector?: string,
) {
  const plan = await writablePlan(db, actor, sector)
  const a = plan.actions.find((x) => x.code === code)
  if (!a) throw new AppError('NOT_FOUND')
  await assertEditor(db, actor, a.ownerEntity)
  const errors: Record<string, string[]> = {}
  if (!input.point.trim()) errors.point = ['required']
  if (!input.action.trim()) errors.action = ['required']
  if (input.sessions.some((x) => !['K', '1', '2', '3', '4', 'E', 'R'].includes(x)))
    errors.sessions = ['choice_invalid']
  const codes = new Set(plan.items.map((i) => i.code))
  if (input.targetItems.some((x) => !codes.has(x))) errors.targetItems = ['items_unknown']
  if (Object.keys(errors).length) throw new AppError('VALIDATION_FAILED', {}, errors)
  await inTransaction(db, async (trx) => {
    const done = await trx
      .updateTable('plan_action')
      .set({
        point: input.point.trim(),
        action: input.action.trim(),
        sessions: input.sessions,
        targets: input.targets,
        target_items: input.targetItems,
        comments: input.comments.trim() || null,
        version: sql`version + 1`,
        updated_at: new Date(),
      })
      .where('id', '=', a.id)
      .where('version', '=', input.version)
      .returning('id')
      .executeTakeFirst()
    if (!done) throw new AppError('PLAN_CONFLICT')
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'plan_action',
      entityId: a.id,
      summary: `${code}: texts edited`,
      before: {
        point: a.point,
        action: a.action,
        sessions: a.sessions,
        targets: a.targets,
        targetItems: a.targetItems,
        comments: a.comments,
      },
      after: input,
    })
  })
}

/** Renames a pillar or changes the items it covers (secretariat). */
export async function editPillar(
  db: Db,
  actor: Actor,
  code: string,
  input: { title: string; items: string[] },
  sector?: string,
) {
  assertStaff(actor, true)
  const plan = await writablePlan(db, actor, sector)
  const pillar = plan.pillars.find((p) => p.code === code)
  if (!pillar) throw new AppError('NOT_FOUND')
  const errors: Record<string, string[]> = {}
  if (!input.title.trim() || input.title.length > 200) errors.title = ['required']
  const codes = new Set(plan.items.map((i) => i.code))
  if (input.items.some((x) => !codes.has(x))) errors.items = ['items_unknown']
  if (Object.keys(errors).length) throw new AppError('VALIDATION_FAILED', {}, errors)
  await inTransaction(db, async (trx) => {
    await trx
      .updateTable('plan_pillar')
      .set({ title: input.title.trim(), items: input.items })
      .where('version_id', '=', plan.version.id)
      .where('code', '=', code)
      .execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'plan_pillar',
      entityId: `${plan.version.code}:${code}`,
      summary: `pillar ${code}`,
      before: { title: pillar.title, items: pillar.items },
      after: input,
    })
  })
}
