import { sql } from 'kysely'
import type { Db } from '../../db/database.ts'
import { likePattern, localizedText } from '../../db/search.ts'
import { inTransaction } from '../../db/transaction.ts'
import { AppError } from '../../http/errors.ts'
import { type Language, type Localized, pick } from '../../i18n/i18n.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { type Actor, assertAdmin, isStaff, isUser } from '../auth/auth.policy.ts'
import type {
  Body,
  BodyInput,
  BodyQuery,
  BodyUpdate,
  RenameInput,
  Sector,
  SectorInput,
} from './structure.schema.ts'
import { BODY_KINDS } from './structure.schema.ts'

/**
 * The organization's structure, as data: Sectors and bodies, each body with its dates and its names over
 * time. Everyone may read it (it is public, like the ITU's own site); administrators change it.
 */

const today = () => new Date().toISOString().slice(0, 10)

export async function listSectors(db: Db, lang: Language): Promise<Sector[]> {
  const rows = await db.selectFrom('sector').selectAll().orderBy('position').orderBy('code').execute()
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    name: pick(r.names as Localized, lang) || r.code,
    names: r.names as Localized,
    position: r.position,
  }))
}

export async function saveSector(
  db: Db,
  actor: Actor,
  id: string | null,
  input: SectorInput,
  lang: Language,
): Promise<Sector> {
  assertAdmin(actor, true)
  const saved = await inTransaction(db, async (trx) => {
    const before = id
      ? await trx.selectFrom('sector').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
      : undefined
    if (id && !before) throw new AppError('SECTOR_NOT_FOUND')
    // A new Sector goes last unless placed: the first Sector is every new record's default.
    const last = await trx
      .selectFrom('sector')
      .select((eb) => eb.fn.max('position').as('p'))
      .executeTakeFirstOrThrow()
    const position = input.position ?? before?.position ?? Number(last.p ?? 0) + 1
    const values = { code: input.code, names: JSON.stringify(input.names), position }
    const row = id
      ? await trx
          .updateTable('sector')
          .set({ ...values, updated_at: new Date() })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow()
      : await trx.insertInto('sector').values(values).returningAll().executeTakeFirstOrThrow()
    await recordAudit(trx, actor, {
      action: id ? 'update' : 'create',
      entityType: 'sector',
      entityId: row.id,
      ...(before ? { before } : {}),
      after: row,
    })
    return row.id
  })
  const sector = (await listSectors(db, lang)).find((s) => s.id === saved)
  if (!sector) throw new AppError('SECTOR_NOT_FOUND')
  return sector
}

export type NameRow = { body_id: string; valid_from: string; code: string; names: unknown }

/** The name a body had on a day: the latest name from that day or before (its first name before it). */
export function nameOn(names: NameRow[], day: string): NameRow | undefined {
  const sorted = [...names].sort((a, b) => a.valid_from.localeCompare(b.valid_from))
  return sorted.filter((n) => n.valid_from <= day).at(-1) ?? sorted[0]
}

/** The names of bodies over time, oldest first, for naming each as it was on a given day with `nameOn`. */
export async function bodyNames(db: Db, ids: string[]): Promise<Map<string, NameRow[]>> {
  const out = new Map<string, NameRow[]>()
  if (!ids.length) return out
  const rows = await db
    .selectFrom('org_body_name')
    .select(['body_id', 'valid_from', 'code', 'names'])
    .where('body_id', 'in', [...new Set(ids)])
    .orderBy('valid_from')
    .execute()
  for (const r of rows) out.set(r.body_id, [...(out.get(r.body_id) ?? []), r])
  return out
}

function toBody(
  row: {
    id: string
    sector_id: string | null
    sector_code: string | null
    kind: string
    parent_id: string | null
    successor_id: string | null
    starts_on: string
    ends_on: string | null
    version: number
  },
  names: NameRow[],
  day: string,
  lang: Language,
): Body {
  // An ended body is shown under its last name; otherwise under the name it had on the day asked.
  const shown = nameOn(names, row.ends_on && row.ends_on < day ? row.ends_on : day)
  return {
    id: row.id,
    sectorId: row.sector_id,
    sectorCode: row.sector_code,
    kind: row.kind as Body['kind'],
    parentId: row.parent_id,
    successorId: row.successor_id,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    code: shown?.code ?? '',
    name: shown ? pick(shown.names as Localized, lang) || shown.code : '',
    names: names.map((n) => ({ validFrom: n.valid_from, code: n.code, names: n.names as Localized })),
    version: row.version,
  }
}

function bodies(db: Db) {
  return db
    .selectFrom('org_body')
    .leftJoin('sector', 'sector.id', 'org_body.sector_id')
    .select([
      'org_body.id',
      'org_body.sector_id',
      'sector.code as sector_code',
      'sector.position as sector_position',
      'org_body.kind',
      'org_body.parent_id',
      'org_body.successor_id',
      'org_body.starts_on',
      'org_body.ends_on',
      'org_body.version',
    ])
}

/**
 * Bodies, by Sector (a code, or `union` for the Union-wide ones), kind, a day (only those that existed
 * then, named as they were) and a search on any of their names, past or present.
 */
export async function listBodies(db: Db, q: BodyQuery, lang: Language): Promise<Body[]> {
  let query = bodies(db)
  if (q.sector === 'union') query = query.where('org_body.sector_id', 'is', null)
  else if (q.sector) query = query.where('sector.code', '=', q.sector)
  if (q.kind) query = query.where('org_body.kind', '=', q.kind)
  if (q.at) {
    const at = q.at
    query = query
      .where('org_body.starts_on', '<=', at)
      .where((eb) => eb.or([eb('org_body.ends_on', 'is', null), eb('org_body.ends_on', '>=', at)]))
  }
  if (q.q) {
    const like = likePattern(q.q)
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('org_body_name as n')
          .select(sql`1`.as('one'))
          .whereRef('n.body_id', '=', 'org_body.id')
          .where((w) => w.or([w('n.code', 'ilike', like), w(localizedText('n.names'), 'ilike', like)])),
      ),
    )
  }
  const rows = await query
    .orderBy('sector.position')
    .orderBy('org_body.kind')
    .orderBy('org_body.starts_on')
    .limit(1000)
    .execute()
  const names = await bodyNames(
    db,
    rows.map((r) => r.id),
  )
  const day = q.at ?? today()
  const position = new Map(rows.map((r) => [r.id, r.sector_position ?? Number.MAX_SAFE_INTEGER]))
  // By Sector (in its order; Union-wide bodies last), then kind (advisory groups first), then code.
  return rows
    .map((r) => toBody(r, names.get(r.id) ?? [], day, lang))
    .sort(
      (a, b) =>
        (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0) ||
        BODY_KINDS.indexOf(a.kind) - BODY_KINDS.indexOf(b.kind) ||
        a.code.localeCompare(b.code, 'en', { numeric: true }),
    )
}

export async function getBody(db: Db, id: string, lang: Language, day = today()): Promise<Body> {
  const row = await bodies(db).where('org_body.id', '=', id).executeTakeFirst()
  if (!row) throw new AppError('BODY_NOT_FOUND')
  return toBody(row, (await bodyNames(db, [id])).get(id) ?? [], day, lang)
}

async function assertParent(trx: Db, parentId: string | null, sectorId: string | null, selfId?: string) {
  if (!parentId) return
  if (parentId === selfId) throw new AppError('VALIDATION_FAILED', {}, { parentId: ['parent_invalid'] })
  const parent = await trx
    .selectFrom('org_body')
    .select(['sector_id'])
    .where('id', '=', parentId)
    .executeTakeFirst()
  if (!parent) throw new AppError('VALIDATION_FAILED', {}, { parentId: ['parent_invalid'] })
  if (parent.sector_id !== sectorId)
    throw new AppError('VALIDATION_FAILED', {}, { parentId: ['parent_other_sector'] })
}

export async function createBody(db: Db, actor: Actor, input: BodyInput, lang: Language): Promise<Body> {
  assertAdmin(actor, true)
  const id = await inTransaction(db, async (trx) => {
    if (input.sectorId) {
      const sector = await trx
        .selectFrom('sector')
        .select('id')
        .where('id', '=', input.sectorId)
        .executeTakeFirst()
      if (!sector) throw new AppError('VALIDATION_FAILED', {}, { sectorId: ['sector_unknown'] })
    }
    await assertParent(trx, input.parentId, input.sectorId)
    const row = await trx
      .insertInto('org_body')
      .values({
        sector_id: input.sectorId,
        kind: input.kind,
        parent_id: input.parentId,
        starts_on: input.startsOn,
        ends_on: input.endsOn,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('org_body_name')
      .values({
        body_id: row.id,
        valid_from: input.startsOn,
        code: input.code,
        names: JSON.stringify(input.names),
      })
      .execute()
    await recordAudit(trx, actor, {
      action: 'create',
      entityType: 'org_body',
      entityId: row.id,
      after: input,
    })
    return row.id
  })
  return getBody(db, id, lang)
}

/** Dates, place in the structure and successor; a stale version is refused (409) so no edit is lost. */
export async function updateBody(
  db: Db,
  actor: Actor,
  id: string,
  input: BodyUpdate,
  lang: Language,
): Promise<Body> {
  assertAdmin(actor, true)
  await inTransaction(db, async (trx) => {
    const before = await trx
      .selectFrom('org_body')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst()
    if (!before) throw new AppError('BODY_NOT_FOUND')
    if (before.version !== input.version) throw new AppError('BODY_CONFLICT', { version: before.version })
    await assertParent(trx, input.parentId, before.sector_id, id)
    if (input.successorId) {
      if (input.successorId === id)
        throw new AppError('VALIDATION_FAILED', {}, { successorId: ['successor_invalid'] })
      const successor = await trx
        .selectFrom('org_body')
        .select('id')
        .where('id', '=', input.successorId)
        .executeTakeFirst()
      if (!successor) throw new AppError('VALIDATION_FAILED', {}, { successorId: ['successor_invalid'] })
    }
    const span = await trx
      .selectFrom('org_body_name')
      .select((eb) => [eb.fn.min('valid_from').as('first'), eb.fn.max('valid_from').as('last')])
      .where('body_id', '=', id)
      .executeTakeFirstOrThrow()
    // The first name starts with the body; no name may start after its end.
    if (input.endsOn && span.last && String(span.last) > input.endsOn)
      throw new AppError('VALIDATION_FAILED', {}, { endsOn: ['before_last_name'] })
    if (span.first && String(span.first) !== input.startsOn)
      await trx
        .updateTable('org_body_name')
        .set({ valid_from: input.startsOn })
        .where('body_id', '=', id)
        .where('valid_from', '=', String(span.first))
        .execute()
    const after = await trx
      .updateTable('org_body')
      .set({
        starts_on: input.startsOn,
        ends_on: input.endsOn,
        parent_id: input.parentId,
        successor_id: input.successorId,
        version: before.version + 1,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, actor, { action: 'update', entityType: 'org_body', entityId: id, before, after })
  })
  return getBody(db, id, lang)
}

/**
 * A new name from a day on. Records made before that day keep the name the body had then; the day must
 * fall within the body's life and after its current name's first day.
 */
export async function renameBody(
  db: Db,
  actor: Actor,
  id: string,
  input: RenameInput,
  lang: Language,
): Promise<Body> {
  assertAdmin(actor, true)
  await inTransaction(db, async (trx) => {
    const body = await trx
      .selectFrom('org_body')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst()
    if (!body) throw new AppError('BODY_NOT_FOUND')
    if (input.validFrom < body.starts_on || (body.ends_on && input.validFrom > body.ends_on))
      throw new AppError(
        'BODY_NOT_IN_PERIOD',
        { startsOn: body.starts_on, endsOn: body.ends_on },
        { validFrom: ['outside_body_period'] },
      )
    const latest = await trx
      .selectFrom('org_body_name')
      .select((eb) => eb.fn.max('valid_from').as('last'))
      .where('body_id', '=', id)
      .executeTakeFirstOrThrow()
    if (latest.last && input.validFrom <= String(latest.last))
      throw new AppError('VALIDATION_FAILED', {}, { validFrom: ['after_current_name'] })
    await trx
      .insertInto('org_body_name')
      .values({
        body_id: id,
        valid_from: input.validFrom,
        code: input.code,
        names: JSON.stringify(input.names),
      })
      .execute()
    await trx
      .updateTable('org_body')
      .set({ version: body.version + 1, updated_at: new Date() })
      .where('id', '=', id)
      .execute()
    await recordAudit(trx, actor, {
      action: 'update',
      entityType: 'org_body',
      entityId: id,
      summary: 'renamed',
      after: input,
    })
  })
  return getBody(db, id, lang)
}

/**
 * A body a record is attached to on a day: it must exist and be active that day, else the refusal gives
 * the body's dates (a study group used outside its study period). Returns the name it had that day.
 */
export async function assertBodyActiveOn(
  db: Db,
  id: string,
  day: string,
): Promise<{ sectorId: string | null; code: string; names: Localized }> {
  const body = await db.selectFrom('org_body').selectAll().where('id', '=', id).executeTakeFirst()
  if (!body) throw new AppError('BODY_NOT_FOUND')
  if (day < body.starts_on || (body.ends_on && day > body.ends_on))
    throw new AppError('BODY_NOT_IN_PERIOD', { startsOn: body.starts_on, endsOn: body.ends_on, day })
  const name = nameOn((await bodyNames(db, [id])).get(id) ?? [], day)
  return { sectorId: body.sector_id, code: name?.code ?? '', names: (name?.names ?? {}) as Localized }
}

/** The shipped structure of the ITU, loaded on first start (administrators then keep it up to date). */
export async function ensureStructure(db: Db): Promise<void> {
  const existing = await db
    .selectFrom('sector')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  if (Number(existing.n) > 0) return
  await db.transaction().execute(async (trx) => {
    const sectors = await trx
      .insertInto('sector')
      .values(ITU_SECTORS.map((s, i) => ({ code: s.code, names: JSON.stringify(s.names), position: i + 1 })))
      .returning(['id', 'code'])
      .execute()
    const sectorId = (code: string | null) =>
      code ? (sectors.find((s) => s.code === code)?.id ?? null) : null
    for (const b of ITU_BODIES) {
      const row = await trx
        .insertInto('org_body')
        .values({ sector_id: sectorId(b.sector), kind: b.kind, starts_on: b.startsOn })
        .returning('id')
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('org_body_name')
        .values({ body_id: row.id, valid_from: b.startsOn, code: b.code, names: JSON.stringify(b.names) })
        .execute()
    }
  })
}

const ITU_SECTORS: { code: string; names: Localized }[] = [
  {
    code: 'ITU-T',
    names: {
      en: 'Telecommunication Standardization Sector',
      fr: 'Secteur de la normalisation des télécommunications',
      es: 'Sector de Normalización de las Telecomunicaciones',
      ru: 'Сектор стандартизации электросвязи',
      zh: '电信标准化部门',
      ar: 'قطاع تقييس الاتصالات',
    },
  },
  {
    code: 'ITU-R',
    names: {
      en: 'Radiocommunication Sector',
      fr: 'Secteur des radiocommunications',
      es: 'Sector de Radiocomunicaciones',
      ru: 'Сектор радиосвязи',
      zh: '无线电通信部门',
      ar: 'قطاع الاتصالات الراديوية',
    },
  },
  {
    code: 'ITU-D',
    names: {
      en: 'Telecommunication Development Sector',
      fr: 'Secteur du développement des télécommunications',
      es: 'Sector de Desarrollo de las Telecomunicaciones',
      ru: 'Сектор развития электросвязи',
      zh: '电信发展部门',
      ar: 'قطاع تنمية الاتصالات',
    },
  },
]

/** A start before any record Engage holds; administrators may give each body its historical dates. */
const SEED_START = '2000-01-01'

const ITU_BODIES: {
  sector: string | null
  kind: string
  code: string
  startsOn: string
  names: Localized
}[] = [
  {
    sector: 'ITU-T',
    kind: 'advisory_group',
    code: 'TSAG',
    startsOn: SEED_START,
    names: {
      en: 'Telecommunication Standardization Advisory Group',
      fr: 'Groupe consultatif de la normalisation des télécommunications',
      es: 'Grupo Asesor de Normalización de las Telecomunicaciones',
      ru: 'Консультативная группа по стандартизации электросвязи',
      zh: '电信标准化顾问组',
      ar: 'الفريق الاستشاري لتقييس الاتصالات',
    },
  },
  {
    sector: 'ITU-R',
    kind: 'advisory_group',
    code: 'RAG',
    startsOn: SEED_START,
    names: {
      en: 'Radiocommunication Advisory Group',
      fr: 'Groupe consultatif des radiocommunications',
      es: 'Grupo Asesor de Radiocomunicaciones',
      ru: 'Консультативная группа по радиосвязи',
      zh: '无线电通信顾问组',
      ar: 'الفريق الاستشاري للاتصالات الراديوية',
    },
  },
  {
    sector: 'ITU-D',
    kind: 'advisory_group',
    code: 'TDAG',
    startsOn: SEED_START,
    names: {
      en: 'Telecommunication Development Advisory Group',
      fr: 'Groupe consultatif pour le développement des télécommunications',
      es: 'Grupo Asesor de Desarrollo de las Telecomunicaciones',
      ru: 'Консультативная группа по развитию электросвязи',
      zh: '电信发展顾问组',
      ar: 'الفريق الاستشاري لتنمية الاتصالات',
    },
  },
  {
    sector: 'ITU-T',
    kind: 'bureau',
    code: 'TSB',
    startsOn: SEED_START,
    names: {
      en: 'Telecommunication Standardization Bureau',
      fr: 'Bureau de la normalisation des télécommunications',
      es: 'Oficina de Normalización de las Telecomunicaciones',
      ru: 'Бюро стандартизации электросвязи',
      zh: '电信标准化局',
      ar: 'مكتب تقييس الاتصالات',
    },
  },
  {
    sector: 'ITU-R',
    kind: 'bureau',
    code: 'BR',
    startsOn: SEED_START,
    names: {
      en: 'Radiocommunication Bureau',
      fr: 'Bureau des radiocommunications',
      es: 'Oficina de Radiocomunicaciones',
      ru: 'Бюро радиосвязи',
      zh: '无线电通信局',
      ar: 'مكتب الاتصالات الراديوية',
    },
  },
  {
    sector: 'ITU-D',
    kind: 'bureau',
    code: 'BDT',
    startsOn: SEED_START,
    names: {
      en: 'Telecommunication Development Bureau',
      fr: 'Bureau de développement des télécommunications',
      es: 'Oficina de Desarrollo de las Telecomunicaciones',
      ru: 'Бюро развития электросвязи',
      zh: '电信发展局',
      ar: 'مكتب تنمية الاتصالات',
    },
  },
  {
    sector: null,
    kind: 'council',
    code: 'Council',
    startsOn: SEED_START,
    names: {
      en: 'ITU Council',
      fr: "Conseil de l'UIT",
      es: 'Consejo de la UIT',
      ru: 'Совет МСЭ',
      zh: '国际电联理事会',
      ar: 'مجلس الاتحاد',
    },
  },
]

/**
 * The body an addressee names, on a day: a code of the structure (`SG13`, or `ITU-T SG13` where the code
 * exists in several Sectors), matched without regard to case against the names bodies had that day. A
 * code the structure does not know (the CTO group, say) is not a body of it: undefined, and the record
 * keeps the text. A body that exists but not that day is refused with its dates.
 */
export async function resolveAddressee(
  db: Db,
  text: string,
  day: string,
): Promise<{ id: string; code: string; sectorId: string | null } | undefined> {
  const trimmed = text.trim()
  const prefixed = /^(\S+)\s+(.+)$/.exec(trimmed)
  const candidates = await db
    .selectFrom('org_body_name as n')
    .innerJoin('org_body as b', 'b.id', 'n.body_id')
    .leftJoin('sector as s', 's.id', 'b.sector_id')
    .select([
      'b.id',
      'b.sector_id',
      'b.starts_on',
      'b.ends_on',
      's.code as sector_code',
      'n.code',
      'n.valid_from',
    ])
    .where((eb) =>
      eb.or([
        eb(sql`lower(n.code)`, '=', trimmed.toLowerCase()),
        ...(prefixed
          ? [
              eb.and([
                eb(sql`lower(s.code)`, '=', prefixed[1]!.toLowerCase()),
                eb(sql`lower(n.code)`, '=', prefixed[2]!.toLowerCase()),
              ]),
            ]
          : []),
      ]),
    )
    .execute()
  if (!candidates.length) return undefined
  // Any name a body ever had finds it (an old code still means that body); it must exist on the day.
  const bodies = [...new Map(candidates.map((c) => [c.id, c])).values()]
  const active = bodies.filter((c) => c.starts_on <= day && (!c.ends_on || c.ends_on >= day))
  if (active.length > 1) throw new AppError('VALIDATION_FAILED', {}, { ownerBody: ['body_ambiguous'] })
  if (active.length === 1) {
    const c = active[0]!
    const names = await bodyNames(db, [c.id])
    return { id: c.id, code: nameOn(names.get(c.id) ?? [], day)?.code ?? c.code, sectorId: c.sector_id }
  }
  // Known to the structure, but not on that day: refused with the dates of the latest such body.
  const latest = [...bodies].sort((a, b) => b.starts_on.localeCompare(a.starts_on))[0]!
  throw new AppError(
    'BODY_NOT_IN_PERIOD',
    { startsOn: latest.starts_on, endsOn: latest.ends_on, day },
    { ownerBody: ['outside_body_period'] },
  )
}

export type AddressedItems = {
  actions: { id: string; what: string; code: string; status: string; dueDate: string }[]
  actionCount: number
  advice: {
    id: string
    panelId: string
    panelCode: string
    number: number
    givenOn: string
    status: string
  }[]
  adviceCount: number
  /** Issued reports addressed to the body: for staff and the body's leads, else null. */
  reports: { id: string; title: string; documentNumber: string; issuedAt: Date }[] | null
  reportCount: number
}

/**
 * What was addressed to a body (issue 11, item 3): follow-up actions, the Industry Advisory Panel's advice and
 * issued reports — by the body's id, so records made under an earlier name are found. Signed-in users see
 * actions and advice (as on the follow-up pages); reports staff and the body's leads. The latest ten of each, and the counts.
 */
export async function addressedTo(
  db: Db,
  actor: Actor,
  bodyId: string,
  lang: Language,
): Promise<AddressedItems | null> {
  if (!isUser(actor) && actor.kind !== 'system') return null
  // Reports are the secretariat's, and those addressed to a body are also its leads'.
  const staff = isStaff(actor) || (await leadsBodyById(db, actor, bodyId))
  const [actions, actionCount, advice, adviceCount, reports, reportCount] = await Promise.all([
    db
      .selectFrom('follow_up_action')
      .select(['id', 'what', 'owner_body', 'status', 'due_date'])
      .where('owner_body_id', '=', bodyId)
      .orderBy('due_date', 'desc')
      .orderBy('id')
      .limit(10)
      .execute(),
    db
      .selectFrom('follow_up_action')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('owner_body_id', '=', bodyId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('advisory_panel_advice as a')
      .innerJoin('advisory_panel as p', 'p.id', 'a.panel_id')
      .select(['a.id', 'a.panel_id', 'p.code', 'a.number', 'a.given_on', 'a.status'])
      .where('a.addressed_to_body_id', '=', bodyId)
      .orderBy('a.given_on', 'desc')
      .orderBy('a.number', 'desc')
      .limit(10)
      .execute(),
    db
      .selectFrom('advisory_panel_advice')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('addressed_to_body_id', '=', bodyId)
      .executeTakeFirstOrThrow(),
    staff
      ? db
          .selectFrom('report_issue')
          .select(['id', 'title', 'document_number', 'issued_at'])
          .where('addressed_to_body_id', '=', bodyId)
          .orderBy('issued_at', 'desc')
          .limit(10)
          .execute()
      : Promise.resolve(null),
    staff
      ? db
          .selectFrom('report_issue')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('addressed_to_body_id', '=', bodyId)
          .executeTakeFirstOrThrow()
      : Promise.resolve({ n: 0 }),
  ])
  return {
    actions: actions.map((a) => ({
      id: a.id,
      what: pick(a.what as Localized, lang),
      code: a.owner_body,
      status: a.status,
      dueDate: a.due_date,
    })),
    actionCount: Number(actionCount.n),
    advice: advice.map((a) => ({
      id: a.id,
      panelId: a.panel_id,
      panelCode: a.code,
      number: a.number,
      givenOn: a.given_on,
      status: a.status,
    })),
    adviceCount: Number(adviceCount.n),
    reports: reports
      ? reports.map((r) => ({
          id: r.id,
          title: r.title,
          documentNumber: r.document_number,
          issuedAt: r.issued_at,
        }))
      : null,
    reportCount: Number(reportCount.n),
  }
}

/**
 * The bodies of the structure some codes name: any name a body ever had, with or without its Sector's code
 * in front (`SG21`, `ITU-T SG21`), without regard to case. A code several bodies have had (SG9 of two
 * Sectors, say) names none of them: it keeps matching as text only, so that the lead of one body never
 * becomes the lead of another.
 */
export async function bodiesNamed(db: Db, codes: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(codes.map((c) => c.trim().toLowerCase()).filter(Boolean))]
  const out = new Map<string, string>()
  if (!wanted.length) return out
  const rows = await db
    .selectFrom('org_body_name as n')
    .innerJoin('org_body as b', 'b.id', 'n.body_id')
    .leftJoin('sector as s', 's.id', 'b.sector_id')
    .select(['b.id', 'n.code', 's.code as sector_code'])
    .where((eb) =>
      eb.or([
        eb(sql<string>`lower(n.code)`, 'in', wanted),
        eb(sql<string>`lower(s.code || ' ' || n.code)`, 'in', wanted),
      ]),
    )
    .execute()
  for (const code of codes) {
    const lc = code.trim().toLowerCase()
    const ids = new Set(
      rows
        .filter(
          (r) =>
            r.code.toLowerCase() === lc ||
            (r.sector_code && `${r.sector_code} ${r.code}`.toLowerCase() === lc),
        )
        .map((r) => r.id),
    )
    if (ids.size === 1) out.set(code, [...ids][0]!)
  }
  return out
}

/** The body of the structure one code names (see bodiesNamed). */
export async function bodyNamed(db: Db, code: string): Promise<string | undefined> {
  return (await bodiesNamed(db, [code])).get(code)
}

/**
 * Does the user lead this body (issue 11, "each body sees its own"): one of their body_lead codes names it —
 * any name it had, with or without its Sector in front — and names no other body.
 */
export async function leadsBodyById(db: Db, actor: Actor, bodyId: string): Promise<boolean> {
  if (!isUser(actor)) return false
  const codes = (
    await db.selectFrom('body_lead').select('body').where('user_id', '=', actor.userId).execute()
  ).map((r) => r.body)
  if (!codes.length) return false
  return [...(await bodiesNamed(db, codes)).values()].includes(bodyId)
}

/**
 * The body of a kind a Sector (null: the Union) has on a day — its advisory group, its Bureau, the Council —
 * the latest formed if several; undefined when there is none that day.
 */
export async function bodyOfKindOn(
  db: Db,
  kind: (typeof BODY_KINDS)[number],
  sectorId: string | null,
  day: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('org_body')
    .select('id')
    .where('kind', '=', kind)
    .where((eb) => (sectorId === null ? eb('sector_id', 'is', null) : eb('sector_id', '=', sectorId)))
    .where('starts_on', '<=', day)
    .where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>=', day)]))
    .orderBy('starts_on', 'desc')
    .executeTakeFirst()
  return row?.id
}
