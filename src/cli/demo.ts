import { randomUUID } from 'node:crypto'
import { type Insertable, sql } from 'kysely'
import type { Db } from '../server/db/database.ts'
import type { DB } from '../server/db/schema.ts'
import { recordAudit } from '../server/features/audit/audit.service.ts'
import { digest, newSecret } from '../server/features/auth/auth.crypto.ts'
import { COMMAND_LINE } from '../server/features/auth/auth.policy.ts'
import {
  type Answers,
  type Questionnaire,
  QuestionnaireSchema,
  type TopicProposal,
} from '../server/features/consultations/questionnaire.ts'
import { SEGMENTS, SENIORITIES } from '../server/features/directory/directory.schema.ts'
import { canMove, type TransitionRules } from '../server/features/topics/lifecycle.ts'
import type { TopicState } from '../server/features/topics/topics.schema.ts'
import { transitionRules } from '../server/features/topics/topics.service.ts'

/** A small seeded PRNG (mulberry32): the same seed always gives the same dataset. */
export function rng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
    chance: (p: number) => next() < p,
  }
}

const FIRST = [
  'Amina',
  'Kwame',
  'Li',
  'Wei',
  'Sofia',
  'Mateo',
  'Olga',
  'Dmitri',
  'Fatima',
  'Omar',
  'Priya',
  'Arjun',
  'Yuki',
  'Hiroshi',
  'Chloé',
  'Lucas',
  'Ana',
  'João',
  'Nadia',
  'Tariq',
  'Grace',
  'Samuel',
  'Leila',
  'Karim',
  'Ingrid',
  'Lars',
  'Mei',
  'Jin',
  'Zainab',
  'Musa',
  'Elena',
  'Pablo',
  'Aisha',
  'Youssef',
  'Anya',
  'Ivan',
  'Nia',
  'Kofi',
  'Lucía',
  'Tomás',
]
const LAST = [
  'Okafor',
  'Mensah',
  'Zhang',
  'Wang',
  'García',
  'Rodríguez',
  'Ivanova',
  'Petrov',
  'Haddad',
  'Mansour',
  'Sharma',
  'Patel',
  'Tanaka',
  'Sato',
  'Dubois',
  'Martin',
  'Silva',
  'Santos',
  'Benali',
  'Rahman',
  'Njoroge',
  'Mwangi',
  'Hosseini',
  'Farouk',
  'Johansson',
  'Nielsen',
  'Chen',
  'Kim',
  'Abubakar',
  'Diallo',
  'Kuznetsova',
  'López',
  'Al-Sayed',
  'El Amrani',
  'Sokolova',
  'Volkov',
  'Asante',
  'Boateng',
  'Fernández',
  'Herrera',
]
const STEMS = [
  'Nimbus',
  'Aster',
  'Kestrel',
  'Lumen',
  'Orbit',
  'Quanta',
  'Helix',
  'Vertex',
  'Solace',
  'Meridian',
  'Zephyr',
  'Cobalt',
  'Tessera',
  'Nova',
  'Sahel',
  'Andes',
  'Baobab',
  'Lotus',
  'Taiga',
  'Atlas',
  'Coral',
  'Delta',
  'Ember',
  'Fjord',
  'Granite',
  'Harbor',
  'Iris',
  'Juniper',
  'Kilimanjaro',
  'Lagoon',
]
const SUFFIX: Record<string, string[]> = {
  operator: ['Telecom', 'Mobile', 'Networks'],
  vendor: ['Systems', 'Equipment', 'Technologies'],
  hyperscaler: ['Cloud', 'Compute'],
  software: ['Software', 'Labs'],
  semiconductor: ['Semiconductors', 'Silicon'],
  iot: ['IoT', 'Sensors'],
  automotive: ['Motors', 'Mobility'],
  finance: ['Pay', 'Fintech'],
  media: ['Media', 'Broadcasting'],
  energy: ['Energy', 'Grid'],
  health: ['Health', 'MedTech'],
  research: ['Research Institute'],
  consultancy: ['Advisory', 'Consulting'],
  government: ['Agency'],
  other: ['Group', 'Holdings'],
}
const TITLES: Record<string, string[]> = {
  c_level: [
    'Chief Technology Officer',
    'Chief Executive Officer',
    'Chief Innovation Officer',
    'Chief Digital Officer',
    'Chief Strategy Officer',
  ],
  senior_executive: [
    'Vice-President, Standards',
    'Head of Research',
    'Director of Technology Strategy',
    'Senior Vice-President, Networks',
  ],
  manager: ['Standards Manager', 'Programme Manager', 'Regulatory Affairs Manager'],
  expert: ['Senior Researcher', 'Principal Engineer', 'Standards Expert', 'Rapporteur'],
}
const DEMO_MARK = '(demo)'

type DemoPerson = {
  id: string
  organization_id: string
  seniority: string
  name: string
  email: string | null
  preferred_language: string | null
}

export async function loadDemo(
  db: Db,
  seed = 68,
): Promise<{
  organizations: number
  people: number
  groups: number
  memberships: number
  meetings: number
  attendance: number
  topics: number
  conclusions: number
  actions: number
  consultations: number
}> {
  const existing = await db
    .selectFrom('organization')
    .select('id')
    .where('name', 'like', `%${DEMO_MARK}`)
    .limit(1)
    .executeTakeFirst()
  if (existing) throw new Error('The demo data is already loaded.')
  const r = rng(seed)
  const countries = await db
    .selectFrom('country')
    .select(['code', 'itu_region', 'development_status', 'ldc', 'sids'])
    .where('un_member', '=', true)
    .where('itu_region', 'is not', null)
    .orderBy('code')
    .execute()
  const byRegion = new Map<string, typeof countries>()
  for (const c of countries) byRegion.set(c.itu_region!, [...(byRegion.get(c.itu_region!) ?? []), c])
  // Weighted so every region and development status is present, with Europe and Asia-Pacific larger as in real membership.
  const regionWeights: [string, number][] = [
    ['europe', 0.26],
    ['asia_pacific', 0.26],
    ['americas', 0.16],
    ['africa', 0.14],
    ['arab_states', 0.1],
    ['cis', 0.08],
  ]
  const pickRegion = () => {
    let x = r.next()
    for (const [region, w] of regionWeights) {
      x -= w
      if (x <= 0) return region
    }
    return 'europe'
  }
  return db.transaction().execute(async (trx) => {
    // Rows are built with their ids here and written in batches: one statement per row is slow on PGlite.
    const orgs: { id: string; name: string; country_code: string; category: string }[] = []
    const orgRows: Insertable<DB['organization']>[] = []
    const usedNames = new Set<string>()
    // Member States first: one per region at least, so focal-point scopes have something to hold.
    const memberStates = [...byRegion.values()].flatMap((list) => [
      r.pick(list),
      r.pick(list),
      r.pick(list),
      r.pick(list),
      r.pick(list),
    ])
    for (const c of memberStates) {
      const name = `Government of ${c.code} ${DEMO_MARK}`
      if (usedNames.has(name)) continue
      usedNames.add(name)
      const org = { id: randomUUID(), name, category: 'member_state', country_code: c.code }
      orgs.push(org)
      orgRows.push({ ...org, segment: 'government' })
    }
    while (orgs.length < 200) {
      const region = pickRegion()
      const c = r.pick(byRegion.get(region)!)
      const category = r.chance(0.72) ? 'sector_member' : r.chance(0.5) ? 'academia' : 'associate'
      const segment =
        category === 'academia'
          ? 'research'
          : r.pick(SEGMENTS.filter((s) => s !== 'government' && s !== 'research'))
      const name =
        category === 'academia'
          ? `${r.pick(STEMS)} University of Technology, ${c.code} ${DEMO_MARK}`
          : `${r.pick(STEMS)} ${r.pick(SUFFIX[segment]!)} ${DEMO_MARK}`
      if (usedNames.has(`${name}|${c.code}`)) continue
      usedNames.add(`${name}|${c.code}`)
      const start = `${r.int(1995, 2023)}-${String(r.int(1, 12)).padStart(2, '0')}-01`
      const org = { id: randomUUID(), name, category, country_code: c.code }
      orgs.push(org)
      orgRows.push({
        ...org,
        segment,
        sme: category === 'sector_member' || category === 'associate' ? r.chance(0.3) : false,
        roa: segment === 'operator' && r.chance(0.7),
        sio: segment !== 'operator' && category === 'sector_member' && r.chance(0.4),
        website: `https://${name.split(' ')[0]!.toLowerCase()}-${c.code.toLowerCase()}.example`,
        membership_start: start,
      })
    }
    for (const part of chunks(orgRows)) await trx.insertInto('organization').values(part).execute()
    const people: DemoPerson[] = []
    const personRows: Insertable<DB['person']>[] = []
    let n = 0
    for (const org of orgs) {
      const count = 3
      for (let i = 0; i < count; i++) {
        const seniority =
          i === 0
            ? 'c_level'
            : i === 1
              ? r.pick(['senior_executive', 'c_level'] as const)
              : r.pick(SENIORITIES)
        const first = r.pick(FIRST)
        const last = r.pick(LAST)
        n++
        const person = {
          id: randomUUID(),
          organization_id: org.id,
          name: `${first} ${last}`,
          seniority,
          email: `${first}.${last}.${n}@demo.example`
            .toLowerCase()
            .normalize('NFD')
            .replace(/[^\x20-\x7e]/g, '')
            .replace(/[\s']/g, ''),
        }
        const title = r.pick(TITLES[seniority]!)
        const language = r.pick(['en', 'en', 'fr', 'es', 'ar', 'ru', 'zh'] as const)
        people.push({ ...person, preferred_language: language })
        personRows.push({ ...person, title, preferred_language: language, public_consent: r.chance(0.5) })
      }
    }
    for (const part of chunks(personRows)) await trx.insertInto('person').values(part).execute()
    const groupSpecs = [
      {
        kind: 'cto_group',
        names: {
          en: 'CTO group (demo)',
          fr: 'Groupe des CTO (démo)',
          es: 'Grupo de CTO (demo)',
          ru: 'Группа CTO (демо)',
          zh: 'CTO小组（演示）',
          ar: 'فريق كبار المسؤولين التقنيين (عرض)',
        },
        size: 40,
      },
      { kind: 'cxo_group', names: { en: 'CxO group (demo)', fr: 'Groupe des CxO (démo)' }, size: 25 },
      {
        kind: 'industry_advisory_panel',
        names: { en: 'Industry Advisory Panel (demo)', fr: 'Groupe consultatif de l’industrie (démo)' },
        size: 12,
      },
      { kind: 'steering_committee', names: { en: 'Workshop steering committee (demo)' }, size: 8 },
    ]
    const industry = orgs.filter((o) => o.category === 'sector_member')
    const membershipRows: Insertable<DB['group_membership']>[] = []
    const groupIds: Record<string, string> = {}
    for (const spec of groupSpecs) {
      const g = await trx
        .insertInto('engagement_group')
        .values({ kind: spec.kind, names: JSON.stringify(spec.names) })
        .returning('id')
        .executeTakeFirstOrThrow()
      groupIds[spec.kind] = g.id
      const members = new Set<string>()
      while (members.size < spec.size) members.add(r.pick(industry).id)
      for (const orgId of members) {
        const staff = people.filter((p) => p.organization_id === orgId)
        const principal = staff[0]!
        const alternate = staff[1]!
        const start = `${r.int(2017, 2022)}-${String(r.int(1, 12)).padStart(2, '0')}-01`
        // About one member in four changed its principal once: history for the composition-stability view.
        if (r.chance(0.25)) {
          const changed = `${r.int(2023, 2025)}-${String(r.int(1, 12)).padStart(2, '0')}-01`
          const prevEnd = new Date(Date.parse(`${changed}T00:00:00Z`) - 86400_000).toISOString().slice(0, 10)
          membershipRows.push(
            {
              group_id: g.id,
              organization_id: orgId,
              principal_person_id: staff[2]!.id,
              alternate_person_id: alternate.id,
              start_date: start,
              end_date: prevEnd,
            },
            {
              group_id: g.id,
              organization_id: orgId,
              principal_person_id: principal.id,
              alternate_person_id: alternate.id,
              start_date: changed,
            },
          )
        } else {
          membershipRows.push({
            group_id: g.id,
            organization_id: orgId,
            principal_person_id: principal.id,
            alternate_person_id: alternate.id,
            start_date: start,
          })
        }
      }
    }
    for (const part of chunks(membershipRows)) await trx.insertInto('group_membership').values(part).execute()
    const { held, ...history } = await loadMeetingHistory(trx, r, groupIds, people)
    const story = await loadStory(trx, r, { held, groupIds, orgs, people, countries })
    await loadSectorsAndPanel(trx, groupIds)
    const result = {
      organizations: orgs.length,
      people: people.length,
      groups: groupSpecs.length,
      memberships: membershipRows.length,
      ...history,
      ...story,
    }
    await recordAudit(trx, COMMAND_LINE, {
      action: 'import',
      entityType: 'demo',
      entityId: 'demo',
      summary: JSON.stringify(result),
    })
    return result
  })
}

// Venues for the history: diverse regions, near centres of expertise (Resolution 68, resolves 5).
const VENUES: [city: string, country: string, timeZone: string][] = [
  ['Geneva', 'CH', 'Europe/Zurich'],
  ['Shenzhen', 'CN', 'Asia/Shanghai'],
  ['Nairobi', 'KE', 'Africa/Nairobi'],
  ['São Paulo', 'BR', 'America/Sao_Paulo'],
  ['Dubai', 'AE', 'Asia/Dubai'],
  ['Bengaluru', 'IN', 'Asia/Kolkata'],
  ['Busan', 'KR', 'Asia/Seoul'],
  ['Kigali', 'RW', 'Africa/Kigali'],
  ['Bogotá', 'CO', 'America/Bogota'],
  ['Tunis', 'TN', 'Africa/Tunis'],
  ['Almaty', 'KZ', 'Asia/Almaty'],
  ['Hanoi', 'VN', 'Asia/Ho_Chi_Minh'],
  ['Madrid', 'ES', 'Europe/Madrid'],
  ['Cairo', 'EG', 'Africa/Cairo'],
  ['Montréal', 'CA', 'America/Toronto'],
  ['New Delhi', 'IN', 'Asia/Kolkata'],
]

type Rng = ReturnType<typeof rng>

/**
 * Issue 11: what the story made is ITU-T's (Resolution 68), except the meetings made for the other Sectors and
 * the Panel (Union-wide); consultations and actions take their meeting's Sector. Then the Industry Advisory
 * Panel of 2026-2028: the demo panel group's principals and alternates as members, its meeting, and advice
 * addressed to the advisory groups and the Council at each stage of its follow-up.
 */
async function loadSectorsAndPanel(trx: Db, groupIds: Record<string, string>) {
  const itut = (await trx.selectFrom('sector').select('id').where('code', '=', 'ITU-T').executeTakeFirst())
    ?.id
  if (!itut) return
  await sql`UPDATE meeting SET sector_id = ${itut} WHERE sector_id IS NULL AND kind <> 'advisory_panel'`.execute(
    trx,
  )
  await sql`UPDATE consultation c SET sector_id = m.sector_id FROM meeting m WHERE m.id = c.meeting_id`.execute(
    trx,
  )
  await sql`UPDATE consultation SET sector_id = ${itut} WHERE meeting_id IS NULL`.execute(trx)
  await sql`UPDATE follow_up_action a SET sector_id = m.sector_id
    FROM conclusion c JOIN meeting m ON m.id = c.meeting_id WHERE c.id = a.conclusion_id`.execute(trx)
  await sql`UPDATE topic SET sector_id = ${itut} WHERE sector_id IS NULL`.execute(trx)
  // Actions addressed to a body of the structure are linked to it, as the service links new ones.
  await sql`UPDATE follow_up_action a SET owner_body_id = n.body_id
    FROM org_body_name n JOIN org_body b ON b.id = n.body_id
    WHERE a.owner_body_id IS NULL AND lower(n.code) = lower(a.owner_body)
      AND b.starts_on <= a.created_at::date AND (b.ends_on IS NULL OR b.ends_on >= a.created_at::date)
      AND (SELECT count(DISTINCT n2.body_id) FROM org_body_name n2 WHERE lower(n2.code) = lower(a.owner_body)) = 1`.execute(
    trx,
  )
  await sql`UPDATE plan_version SET sector_id = ${itut} WHERE sector_id IS NULL`.execute(trx)

  const bodyId = async (code: string) =>
    (
      await trx
        .selectFrom('org_body_name')
        .select('body_id')
        .where('code', '=', code)
        .orderBy('valid_from', 'desc')
        .executeTakeFirst()
    )?.body_id ?? null
  const council = await bodyId('Council')
  const panel = await trx
    .insertInto('advisory_panel')
    .values({
      code: 'IAP-2026',
      names: JSON.stringify({
        en: 'Industry Advisory Panel 2026-2028 (demo)',
        fr: 'Groupe consultatif de l’industrie 2026-2028 (démo)',
        es: 'Grupo Asesor de la Industria 2026-2028 (demo)',
        ru: 'Консультативная группа отрасли 2026-2028 (демо)',
        zh: '行业咨询小组 2026-2028（演示）',
        ar: 'الفريق الاستشاري للصناعة 2026-2028 (عرض)',
      }),
      reports_to_body_id: council,
      term_starts_on: '2026-01-01',
      term_ends_on: '2028-12-31',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const seats = groupIds.industry_advisory_panel
    ? await trx
        .selectFrom('group_membership')
        .select(['principal_person_id', 'alternate_person_id'])
        .where('group_id', '=', groupIds.industry_advisory_panel)
        .where('end_date', 'is', null)
        .where('principal_person_id', 'is not', null)
        .limit(10)
        .execute()
    : []
  for (const seat of seats) {
    const principal = await trx
      .insertInto('advisory_panel_member')
      .values({
        panel_id: panel.id,
        person_id: seat.principal_person_id!,
        role: 'principal',
        starts_on: '2026-01-01',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    if (seat.alternate_person_id && seat.alternate_person_id !== seat.principal_person_id)
      await trx
        .insertInto('advisory_panel_member')
        .values({
          panel_id: panel.id,
          person_id: seat.alternate_person_id,
          role: 'alternate',
          alternate_for: principal.id,
          starts_on: '2026-01-01',
        })
        .onConflict((oc) => oc.doNothing())
        .execute()
  }
  const meeting = await trx
    .selectFrom('meeting')
    .select(['id', 'starts_at'])
    .where('kind', '=', 'advisory_panel')
    .orderBy('starts_at')
    .executeTakeFirst()
  if (meeting)
    await trx.updateTable('meeting').set({ panel_id: panel.id }).where('id', '=', meeting.id).execute()
  const given = meeting ? meeting.starts_at.toISOString().slice(0, 10) : '2026-03-15'
  const advice: [string, string, string, string | null, string | null][] = [
    [
      'TSAG',
      'Open a fast track for industry-led pre-standardization on AI agents, with a report at each TSAG meeting.',
      'implemented',
      'TSAG welcomed the advice and created a correspondence group.',
      'A correspondence group on AI agents reports to every TSAG meeting since June 2026.',
    ],
    [
      'RAG',
      'Consult industry on spectrum needs of non-terrestrial networks before the next World Radiocommunication Conference preparations.',
      'accepted',
      'RAG agreed and asked the Bureau to prepare a consultation.',
      null,
    ],
    [
      'TDAG',
      'Pair each regional development forum with an industry session on skills for 6G and AI.',
      'under_consideration',
      null,
      null,
    ],
    [
      'Council',
      'Lower the entry fee of small and medium-sized enterprises from developing countries joining as Associates.',
      'partly_accepted',
      'Council reduced the fee for SMEs of least developed countries only.',
      null,
    ],
    ['TSAG', 'Publish a yearly map of industry contributions by study group.', 'given', null, null],
  ]
  for (const [i, [to, text, status, response, done]] of advice.entries()) {
    const row = await trx
      .insertInto('advisory_panel_advice')
      .values({
        panel_id: panel.id,
        number: i + 1,
        meeting_id: meeting?.id ?? null,
        given_on: given,
        advice: JSON.stringify({ en: text }),
        addressed_to: to,
        addressed_to_body_id: await bodyId(to),
        status,
        response,
        responded_on: response ? '2026-06-30' : null,
        action_taken: done,
        due_date: '2026-12-31',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('advisory_panel_advice_update')
      .values({
        advice_id: row.id,
        status: 'given',
        note: 'Advice recorded at the Panel’s meeting.',
        author_label: 'secretariat (demo)',
        created_at: new Date(`${given}T17:00:00Z`),
      })
      .execute()
    if (status !== 'given')
      await trx
        .insertInto('advisory_panel_advice_update')
        .values({
          advice_id: row.id,
          status,
          note: response ?? `${to} has put the advice on the agenda of its next meeting.`,
          author_label: 'secretariat (demo)',
          created_at: new Date('2026-06-30T12:00:00Z'),
        })
        .execute()
  }
}

/**
 * Sixteen CTO meetings (2017-2025), CxO meetings and workshops, each concluded with attendance drawn
 * from the group's composition on that day: most members come, usually through their principal, some
 * through the alternate or a substitute. One upcoming CTO meeting is open for registration.
 */
async function loadMeetingHistory(
  trx: Db,
  r: Rng,
  groupIds: Record<string, string>,
  people: { id: string; organization_id: string }[],
) {
  let meetings = 0
  const attendance: Insertable<DB['meeting_attendance']>[] = []
  const held: HeldMeeting[] = []
  const plan: {
    kind: string
    group: string
    year: number
    month: number
    venue: number
    attendRate: number
    /** Another Sector's code, or null for a Union-wide meeting; absent: ITU-T (set after the story). */
    sector?: string | null
  }[] = []
  for (let i = 0; i < 16; i++) {
    plan.push({
      kind: 'cto_meeting',
      group: 'cto_group',
      year: 2017 + Math.floor(i / 2),
      month: i % 2 === 0 ? 3 : 10,
      venue: i,
      attendRate: 0.55 + r.next() * 0.3,
    })
  }
  for (const [i, year] of [2021, 2023, 2025].entries()) {
    plan.push({
      kind: 'cxo_meeting',
      group: 'cxo_group',
      year,
      month: 6,
      venue: (i * 5 + 2) % VENUES.length,
      attendRate: 0.6,
    })
  }
  for (const [i, year] of [2022, 2024].entries()) {
    plan.push({
      kind: 'workshop',
      group: 'steering_committee',
      year,
      month: 9,
      venue: (i * 7 + 4) % VENUES.length,
      attendRate: 0.8,
    })
  }
  // Issue 11: industry engagement of the other Sectors, and the Industry Advisory Panel (Union-wide).
  plan.push(
    {
      kind: 'workshop',
      group: 'steering_committee',
      year: 2023,
      month: 5,
      venue: 6,
      attendRate: 0.7,
      sector: 'ITU-R',
    },
    {
      kind: 'workshop',
      group: 'steering_committee',
      year: 2024,
      month: 4,
      venue: 7,
      attendRate: 0.7,
      sector: 'ITU-D',
    },
    {
      kind: 'workshop',
      group: 'steering_committee',
      year: 2025,
      month: 11,
      venue: 9,
      attendRate: 0.7,
      sector: 'ITU-D',
    },
    {
      kind: 'advisory_panel',
      group: 'industry_advisory_panel',
      year: 2026,
      month: 3,
      venue: 0,
      attendRate: 0.9,
      sector: null,
    },
  )
  const sectorIds = new Map(
    (await trx.selectFrom('sector').select(['id', 'code']).execute()).map((s) => [s.code, s.id]),
  )
  const staffOf = new Map<string, string[]>()
  for (const p of people) staffOf.set(p.organization_id, [...(staffOf.get(p.organization_id) ?? []), p.id])
  for (const item of plan) {
    const [city, country, timeZone] = VENUES[item.venue]!
    const day = `${item.year}-${String(item.month).padStart(2, '0')}-${String(10 + r.int(0, 15)).padStart(2, '0')}`
    const starts = new Date(`${day}T07:00:00Z`)
    const label =
      item.kind === 'cto_meeting'
        ? 'CTO meeting'
        : item.kind === 'cxo_meeting'
          ? 'CxO meeting'
          : item.kind === 'advisory_panel'
            ? 'Industry Advisory Panel meeting'
            : item.sector
              ? `${item.sector} industry workshop`
              : 'Industry engagement workshop'
    const meeting = await trx
      .insertInto('meeting')
      .values({
        kind: item.kind,
        titles: JSON.stringify({ en: `${label}, ${city} ${item.year} (demo)` }),
        group_id: groupIds[item.group] ?? null,
        starts_at: starts,
        ends_at: new Date(starts.getTime() + 9 * 3600_000),
        time_zone: timeZone,
        format: item.year === 2020 || item.year === 2021 ? 'online' : 'in_person',
        city,
        country_code: country,
        seniority_policy: item.kind === 'workshop' ? 'open' : 'executives_only',
        status: 'concluded',
        ...(item.sector !== undefined
          ? { sector_id: item.sector ? (sectorIds.get(item.sector) ?? null) : null }
          : {}),
      })
      .returning(['id', 'titles', 'starts_at', 'ends_at'])
      .executeTakeFirstOrThrow()
    meetings++
    held.push({
      id: meeting.id,
      kind: item.kind,
      title: (meeting.titles as { en: string }).en,
      startsAt: meeting.starts_at,
      endsAt: meeting.ends_at,
    })
    const members = await trx
      .selectFrom('group_membership')
      .select(['organization_id', 'principal_person_id', 'alternate_person_id'])
      .where('group_id', '=', groupIds[item.group]!)
      .where('start_date', '<=', day)
      .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', day)]))
      .execute()
    for (const m of members) {
      if (!r.chance(item.attendRate)) continue
      const roll = r.next()
      const [attendedAs, personId] =
        roll < 0.6 && m.principal_person_id
          ? (['principal', m.principal_person_id] as const)
          : roll < 0.88 && m.alternate_person_id
            ? (['alternate', m.alternate_person_id] as const)
            : ([
                'substitute',
                (staffOf.get(m.organization_id) ?? []).find(
                  (id) => id !== m.principal_person_id && id !== m.alternate_person_id,
                ) ?? null,
              ] as const)
      attendance.push({
        meeting_id: meeting.id,
        organization_id: m.organization_id,
        person_id: personId,
        attended_as: attendedAs,
        captured_by: 'list',
        captured_at: starts,
      })
    }
  }
  for (const part of chunks(attendance)) await trx.insertInto('meeting_attendance').values(part).execute()
  const next = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 2, 16, 7))
  const upcoming = await trx
    .insertInto('meeting')
    .values({
      kind: 'cto_meeting',
      titles: JSON.stringify({
        en: `CTO meeting, Geneva ${next.getUTCFullYear()} (demo)`,
        fr: `Réunion des CTO, Genève ${next.getUTCFullYear()} (démo)`,
      }),
      group_id: groupIds.cto_group ?? null,
      starts_at: next,
      ends_at: new Date(next.getTime() + 9 * 3600_000),
      time_zone: 'Europe/Zurich',
      format: 'hybrid',
      city: 'Geneva',
      country_code: 'CH',
      capacity: 60,
      seniority_policy: 'executives_only',
      registration_deadline: new Date(next.getTime() - 14 * 86400_000),
      status: 'registration_open',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  meetings++
  const current = await trx
    .selectFrom('group_membership')
    .select(['organization_id', 'principal_person_id', 'alternate_person_id'])
    .where('group_id', '=', groupIds.cto_group!)
    .where('end_date', 'is', null)
    .execute()
  const invitations = current.flatMap((m) =>
    (
      [
        [m.principal_person_id, 'principal'],
        [m.alternate_person_id, 'alternate'],
      ] as const
    ).flatMap(([personId, role]) =>
      personId
        ? [
            {
              meeting_id: upcoming.id,
              organization_id: m.organization_id,
              person_id: personId,
              group_role: role,
            },
          ]
        : [],
    ),
  )
  for (const part of chunks(invitations)) await trx.insertInto('meeting_invitation').values(part).execute()
  held.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())
  return { meetings, attendance: attendance.length, held }
}

// ---------------------------------------------------------------- topics, conclusions, follow-up, consultations

type HeldMeeting = { id: string; kind: string; title: string; startsAt: Date; endsAt: Date }

/**
 * The day the demo's story is told from: action statuses, overdue actions and the latest proposals are as
 * they stood then, so the same seed always gives the same history whenever it is loaded.
 */
const DEMO_TODAY = new Date('2026-11-23T12:00:00Z')
const DAY = 86400_000
const addDays = (d: Date, days: number) => new Date(d.getTime() + days * DAY)
const addMonths = (d: Date, months: number) => {
  const x = new Date(d)
  x.setUTCMonth(x.getUTCMonth() + months)
  return x
}
/** A moment between two others, as a fraction of the way. */
const between = (a: Date, b: Date, f: number) => new Date(a.getTime() + (b.getTime() - a.getTime()) * f)

function chunks<T>(rows: T[], size = 500): T[][] {
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}

function shuffle<T>(r: Rng, list: readonly T[]): T[] {
  const out = [...list]
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(0, i)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** Bodies a follow-up action can be owned by. */
const OWNER_BODIES = [
  'TSAG',
  'SG2',
  'SG3',
  'SG5',
  'SG11',
  'SG12',
  'SG13',
  'SG15',
  'SG16',
  'SG17',
  'SG20',
  'TSB',
]

type PriorityKey = 'ai' | 'quantum' | 'green' | 'trust' | 'inclusion'
const PRIORITIES: {
  key: PriorityKey
  en: string
  fr: string
  about: string
  kind: 'strategic_priority' | 'emerging_technology'
  weight: number
  start: string
  end: string | null
}[] = [
  {
    key: 'ai',
    en: 'Artificial intelligence in networks and services',
    fr: 'Intelligence artificielle dans les réseaux et services',
    about: 'Machine learning, autonomous operation and trustworthy AI across ITU-T study groups.',
    kind: 'emerging_technology',
    weight: 5,
    start: '2017-01-01',
    end: null,
  },
  {
    key: 'quantum',
    en: 'Quantum information technologies',
    fr: 'Technologies de l’information quantique',
    about: 'Quantum key distribution, quantum-safe cryptography and quantum networking.',
    kind: 'emerging_technology',
    weight: 3,
    start: '2019-01-01',
    end: null,
  },
  {
    key: 'green',
    en: 'Environmental sustainability and energy efficiency',
    fr: 'Durabilité environnementale et efficacité énergétique',
    about: 'Net-zero ICT, energy-efficient networks and data centres, the circular economy.',
    kind: 'strategic_priority',
    weight: 4,
    start: '2017-01-01',
    end: null,
  },
  {
    key: 'trust',
    en: 'Security, trust and resilience',
    fr: 'Sécurité, confiance et résilience',
    about: 'Building confidence and security in the use of ICTs, from cryptography to infrastructure.',
    kind: 'strategic_priority',
    weight: 4,
    start: '2017-01-01',
    end: null,
  },
  {
    key: 'inclusion',
    en: 'Bridging the standardization gap',
    fr: 'Réduire l’écart en matière de normalisation',
    about: 'Participation of developing countries and digital inclusion (Resolution 44).',
    kind: 'strategic_priority',
    weight: 5,
    start: '2017-01-01',
    end: '2024-10-24',
  },
]

/** Where a topic's story goes, as the states it passes through after "proposed". */
const FATES = {
  approved: ['on_agenda', 'discussed', 'concluded', 'work_item', 'standard_approved'],
  approved_referred: [
    'shortlisted',
    'on_agenda',
    'discussed',
    'concluded',
    'referred',
    'work_item',
    'standard_approved',
  ],
  approved_monitored: ['on_agenda', 'discussed', 'concluded', 'work_item', 'standard_approved', 'monitoring'],
  work_item: ['on_agenda', 'discussed', 'concluded', 'work_item'],
  referred_work_item: ['on_agenda', 'discussed', 'concluded', 'referred', 'work_item'],
  referred: ['on_agenda', 'discussed', 'concluded', 'referred'],
  monitoring: ['on_agenda', 'discussed', 'concluded', 'monitoring'],
  concluded: ['on_agenda', 'discussed', 'concluded'],
  discussed: ['shortlisted', 'on_agenda', 'discussed'],
  dropped: ['on_agenda', 'discussed', 'closed'],
  dropped_shortlisted: ['shortlisted', 'closed'],
  dropped_concluded: ['on_agenda', 'discussed', 'concluded', 'closed'],
  shortlisted: ['shortlisted'],
  proposed: [],
} as const satisfies Record<string, readonly TopicState[]>
type Fate = keyof typeof FATES
type TopicSource = 'strategy_mechanism' | 'consultation' | 'member_proposal' | 'carried_over' | 'secretariat'

type TopicSpec = {
  en: string
  fr?: string
  about: string
  keywords: string[]
  sgs: string[]
  priorities: PriorityKey[]
  source: TopicSource
  fate: Fate
  /** The year the topic first came up. */
  since: number
}

// New and emerging technologies as they came up over the years; where each one ends is plausible, not real.
const TOPICS: TopicSpec[] = [
  {
    en: 'Machine learning for future networks',
    fr: 'Apprentissage automatique pour les réseaux futurs',
    about: 'Architectural framework for machine learning in networks, including IMT-2020.',
    keywords: ['AI', 'machine learning', 'IMT-2020'],
    sgs: ['SG13'],
    priorities: ['ai'],
    source: 'strategy_mechanism',
    fate: 'approved_monitored',
    since: 2017,
  },
  {
    en: 'Internet of Things and smart sustainable cities',
    fr: 'Internet des objets et villes intelligentes et durables',
    about: 'IoT platforms, key performance indicators and data frameworks for smart sustainable cities.',
    keywords: ['IoT', 'smart cities', 'KPI'],
    sgs: ['SG20'],
    priorities: ['green', 'inclusion'],
    source: 'carried_over',
    fate: 'approved_monitored',
    since: 2017,
  },
  {
    en: 'Quantum key distribution networks',
    fr: 'Réseaux de distribution quantique de clés',
    about: 'Functional architecture, key management and security of QKD networks.',
    keywords: ['QKD', 'quantum', 'key management'],
    sgs: ['SG13', 'SG17'],
    priorities: ['quantum', 'trust'],
    source: 'strategy_mechanism',
    fate: 'approved',
    since: 2017,
  },
  {
    en: 'Distributed ledger technologies for telecommunications',
    about: 'Reference architecture and security requirements for DLT-based services.',
    keywords: ['DLT', 'blockchain'],
    sgs: ['SG16', 'SG17'],
    priorities: ['trust'],
    source: 'member_proposal',
    fate: 'approved',
    since: 2017,
  },
  {
    en: 'Network slicing for vertical industries',
    about: 'End-to-end slicing of IMT-2020 networks for automotive, manufacturing and health.',
    keywords: ['network slicing', '5G', 'verticals'],
    sgs: ['SG13', 'SG11'],
    priorities: [],
    source: 'member_proposal',
    fate: 'work_item',
    since: 2017,
  },
  {
    en: 'Energy efficiency of data centres and networks',
    fr: 'Efficacité énergétique des centres de données et des réseaux',
    about: 'Metrics, measurement methods and best practices to reduce the energy use of ICT infrastructure.',
    keywords: ['energy efficiency', 'data centres', 'sustainability'],
    sgs: ['SG5'],
    priorities: ['green'],
    source: 'strategy_mechanism',
    fate: 'approved_referred',
    since: 2017,
  },
  {
    en: 'Security of software-defined networking',
    about: 'Threats to SDN controllers and their mitigation.',
    keywords: ['SDN', 'security'],
    sgs: ['SG17'],
    priorities: ['trust'],
    source: 'secretariat',
    fate: 'dropped_concluded',
    since: 2017,
  },
  {
    en: 'Security of digital financial services',
    about: 'Security assurance of mobile money and digital payment platforms.',
    keywords: ['DFS', 'mobile money', 'fintech'],
    sgs: ['SG17', 'SG3'],
    priorities: ['trust', 'inclusion'],
    source: 'member_proposal',
    fate: 'referred_work_item',
    since: 2018,
  },
  {
    en: 'E-waste and the circular economy for ICT equipment',
    about: 'Extending equipment life, recycling and take-back schemes for ICT goods.',
    keywords: ['e-waste', 'circular economy'],
    sgs: ['SG5'],
    priorities: ['green'],
    source: 'consultation',
    fate: 'referred',
    since: 2018,
  },
  {
    en: 'Connected vehicles and intelligent transport systems',
    about: 'Vehicle communication gateways, software updates over the air and ITS security.',
    keywords: ['ITS', 'automotive', 'V2X'],
    sgs: ['SG16', 'SG17'],
    priorities: [],
    source: 'member_proposal',
    fate: 'work_item',
    since: 2018,
  },
  {
    en: 'Big data and data-driven network operations',
    about: 'Data collection, quality and governance for network analytics.',
    keywords: ['big data', 'analytics'],
    sgs: ['SG13'],
    priorities: ['ai'],
    source: 'secretariat',
    fate: 'monitoring',
    since: 2018,
  },
  {
    en: 'AI for health',
    fr: 'IA pour la santé',
    about: 'Benchmarking and assessment of AI-based medical applications, with WHO.',
    keywords: ['AI', 'digital health'],
    sgs: ['SG16'],
    priorities: ['ai', 'inclusion'],
    source: 'member_proposal',
    fate: 'monitoring',
    since: 2018,
  },
  {
    en: 'Cloud and edge computing interoperability',
    about: 'Multi-cloud management, edge computing requirements and data portability.',
    keywords: ['cloud', 'edge computing'],
    sgs: ['SG13'],
    priorities: [],
    source: 'secretariat',
    fate: 'work_item',
    since: 2019,
  },
  {
    en: 'Affordable broadband access for rural areas',
    fr: 'Accès abordable au large bande dans les zones rurales',
    about: 'Low-cost access technologies and infrastructure sharing for underserved areas.',
    keywords: ['rural', 'broadband', 'affordability'],
    sgs: ['SG15', 'SG5'],
    priorities: ['inclusion'],
    source: 'consultation',
    fate: 'referred',
    since: 2019,
  },
  {
    en: 'Network 2030 and future network services',
    about: 'Capabilities of networks for 2030 and beyond: holographic media, time-engineered services.',
    keywords: ['Network 2030', 'future networks'],
    sgs: ['SG13'],
    priorities: ['ai'],
    source: 'strategy_mechanism',
    fate: 'work_item',
    since: 2019,
  },
  {
    en: 'Migration to quantum-safe cryptography',
    fr: 'Migration vers une cryptographie résistante au quantique',
    about: 'Roadmap, inventory and crypto-agility for the transition to post-quantum algorithms.',
    keywords: ['post-quantum', 'cryptography', 'crypto-agility'],
    sgs: ['SG17'],
    priorities: ['quantum', 'trust'],
    source: 'strategy_mechanism',
    fate: 'referred_work_item',
    since: 2019,
  },
  {
    en: 'Digital identity and verifiable credentials',
    about: 'Interoperable digital identity for access to services.',
    keywords: ['digital identity', 'credentials'],
    sgs: ['SG17'],
    priorities: ['trust', 'inclusion'],
    source: 'member_proposal',
    fate: 'dropped_shortlisted',
    since: 2019,
  },
  {
    en: 'Trustworthy and explainable AI',
    about: 'Transparency, robustness and accountability of AI systems used in ICT services.',
    keywords: ['trustworthy AI', 'explainability'],
    sgs: ['SG16', 'SG17'],
    priorities: ['ai', 'trust'],
    source: 'member_proposal',
    fate: 'concluded',
    since: 2020,
  },
  {
    en: 'Network resilience in pandemics and remote working',
    about: 'Capacity planning and quality of service under sudden traffic shifts.',
    keywords: ['resilience', 'COVID-19', 'QoS'],
    sgs: ['SG2', 'SG12'],
    priorities: ['inclusion'],
    source: 'consultation',
    fate: 'dropped',
    since: 2020,
  },
  {
    en: 'Digital twins of networks',
    fr: 'Jumeaux numériques des réseaux',
    about: 'Requirements and architecture of network digital twins for planning and operation.',
    keywords: ['digital twin', 'simulation'],
    sgs: ['SG13'],
    priorities: ['ai'],
    source: 'member_proposal',
    fate: 'approved',
    since: 2020,
  },
  {
    en: 'Quality of experience for immersive media',
    about: 'Subjective and objective assessment of VR, AR and cloud gaming.',
    keywords: ['QoE', 'VR', 'cloud gaming'],
    sgs: ['SG12'],
    priorities: [],
    source: 'secretariat',
    fate: 'work_item',
    since: 2020,
  },
  {
    en: 'Open RAN interoperability and testing',
    about: 'Testing and certification of multi-vendor radio access networks.',
    keywords: ['Open RAN', 'testing'],
    sgs: ['SG11'],
    priorities: [],
    source: 'member_proposal',
    fate: 'dropped',
    since: 2021,
  },
  {
    en: 'Autonomous networks',
    about: 'Closed-loop automation and intent-based management towards zero-touch operation.',
    keywords: ['autonomous networks', 'intent', 'automation'],
    sgs: ['SG13'],
    priorities: ['ai'],
    source: 'strategy_mechanism',
    fate: 'work_item',
    since: 2021,
  },
  {
    en: 'Net-zero ICT and sustainable digital transformation',
    about: 'Science-based targets and greenhouse-gas accounting for the ICT sector.',
    keywords: ['net zero', 'climate', 'GHG'],
    sgs: ['SG5'],
    priorities: ['green'],
    source: 'strategy_mechanism',
    fate: 'monitoring',
    since: 2021,
  },
  {
    en: 'Cybersecurity capacity building for developing countries',
    fr: 'Renforcement des capacités en cybersécurité pour les pays en développement',
    about: 'National CIRTs, skills and standards-based security baselines.',
    keywords: ['cybersecurity', 'capacity building', 'CIRT'],
    sgs: ['SG17'],
    priorities: ['trust', 'inclusion'],
    source: 'consultation',
    fate: 'referred',
    since: 2021,
  },
  {
    en: 'Holographic-type communications',
    about: 'Network requirements of holographic and multi-sensory communication.',
    keywords: ['holography', 'multi-sensory'],
    sgs: ['SG13', 'SG16'],
    priorities: [],
    source: 'secretariat',
    fate: 'dropped',
    since: 2021,
  },
  {
    en: 'Metaverse and immersive services',
    fr: 'Métavers et services immersifs',
    about: 'Definitions, use cases and interoperability of metaverse platforms.',
    keywords: ['metaverse', 'XR', 'virtual worlds'],
    sgs: ['SG16'],
    priorities: [],
    source: 'strategy_mechanism',
    fate: 'referred',
    since: 2022,
  },
  {
    en: 'Digital public infrastructure',
    fr: 'Infrastructure publique numérique',
    about: 'Interoperable building blocks for identity, payments and data exchange in the public interest.',
    keywords: ['DPI', 'GovStack', 'interoperability'],
    sgs: ['SG20', 'SG17'],
    priorities: ['inclusion'],
    source: 'consultation',
    fate: 'concluded',
    since: 2022,
  },
  {
    en: '6G and IMT-2030 network architecture',
    fr: 'Architecture des réseaux 6G et IMT-2030',
    about: 'Network requirements and architecture for IMT-2030, aligned with ITU-R.',
    keywords: ['6G', 'IMT-2030'],
    sgs: ['SG13', 'SG11'],
    priorities: ['ai'],
    source: 'strategy_mechanism',
    fate: 'concluded',
    since: 2022,
  },
  {
    en: 'Satellite and non-terrestrial network integration',
    about: 'Integration of satellite constellations with terrestrial networks for universal coverage.',
    keywords: ['satellite', 'NTN', 'LEO'],
    sgs: ['SG13', 'SG11'],
    priorities: ['inclusion'],
    source: 'member_proposal',
    fate: 'discussed',
    since: 2022,
  },
  {
    en: 'Generative AI and large language models in network operations',
    about: 'Use of foundation models for network management, customer care and software development.',
    keywords: ['generative AI', 'LLM'],
    sgs: ['SG13', 'SG16'],
    priorities: ['ai'],
    source: 'member_proposal',
    fate: 'concluded',
    since: 2023,
  },
  {
    en: 'AI watermarking and multimedia authenticity',
    about: 'Detecting deepfakes and labelling AI-generated content.',
    keywords: ['deepfakes', 'watermarking', 'authenticity'],
    sgs: ['SG16', 'SG17'],
    priorities: ['ai', 'trust'],
    source: 'strategy_mechanism',
    fate: 'discussed',
    since: 2023,
  },
  {
    en: 'Quantum networking and the quantum internet',
    about: 'Entanglement distribution, quantum repeaters and their management.',
    keywords: ['quantum internet', 'entanglement'],
    sgs: ['SG13'],
    priorities: ['quantum'],
    source: 'strategy_mechanism',
    fate: 'discussed',
    since: 2023,
  },
  {
    en: 'Energy use of AI workloads',
    about: 'Measuring and reducing the energy and water footprint of AI training and inference.',
    keywords: ['AI', 'energy', 'data centres'],
    sgs: ['SG5'],
    priorities: ['green', 'ai'],
    source: 'consultation',
    fate: 'discussed',
    since: 2024,
  },
  {
    en: 'Resilience of submarine cables',
    about: 'Protection, monitoring and fast repair of submarine telecommunication cables.',
    keywords: ['submarine cables', 'resilience'],
    sgs: ['SG15'],
    priorities: ['trust'],
    source: 'member_proposal',
    fate: 'concluded',
    since: 2024,
  },
  {
    en: 'Child online protection by design',
    about: 'Age-appropriate design and safety requirements for online services.',
    keywords: ['child online protection', 'safety by design'],
    sgs: ['SG17'],
    priorities: ['trust'],
    source: 'consultation',
    fate: 'shortlisted',
    since: 2024,
  },
  {
    en: 'AI for disaster management and early warning',
    fr: 'IA pour la gestion des catastrophes et l’alerte précoce',
    about: 'AI-based detection and multi-channel alerting, with the Early Warnings for All initiative.',
    keywords: ['early warning', 'disaster management', 'AI'],
    sgs: ['SG2', 'SG20'],
    priorities: ['ai', 'inclusion'],
    source: 'consultation',
    fate: 'shortlisted',
    since: 2024,
  },
  {
    en: 'Digital agriculture and rural IoT',
    about: 'Low-power sensing and data platforms for smallholder farming.',
    keywords: ['agriculture', 'IoT', 'rural'],
    sgs: ['SG20'],
    priorities: ['inclusion'],
    source: 'member_proposal',
    fate: 'shortlisted',
    since: 2025,
  },
  {
    en: 'Interoperability of agentic AI systems',
    about: 'Protocols and trust frameworks for AI agents acting across operators and platforms.',
    keywords: ['AI agents', 'interoperability'],
    sgs: ['SG13', 'SG16'],
    priorities: ['ai'],
    source: 'strategy_mechanism',
    fate: 'proposed',
    since: 2026,
  },
  {
    en: 'Ambient IoT and zero-energy devices',
    about: 'Battery-less devices powered by energy harvesting, and their connectivity.',
    keywords: ['ambient IoT', 'energy harvesting'],
    sgs: ['SG20'],
    priorities: ['green'],
    source: 'member_proposal',
    fate: 'proposed',
    since: 2026,
  },
  {
    en: 'Neurotechnology and brain-computer interfaces',
    about: 'Data protection and interoperability of consumer neurotechnology.',
    keywords: ['neurotechnology', 'BCI'],
    sgs: ['SG16'],
    priorities: ['trust'],
    source: 'member_proposal',
    fate: 'proposed',
    since: 2026,
  },
]

/** The choices of the pre-meeting questionnaires (and the themes respondents pick). */
const THEMES: [id: string, en: string, fr: string][] = [
  [
    'ai',
    'Artificial intelligence and machine learning',
    'Intelligence artificielle et apprentissage automatique',
  ],
  ['quantum', 'Quantum technologies', 'Technologies quantiques'],
  ['green', 'Energy efficiency and sustainability', 'Efficacité énergétique et durabilité'],
  ['trust', 'Security, trust and resilience', 'Sécurité, confiance et résilience'],
  [
    'inclusion',
    'Digital inclusion and the standardization gap',
    'Inclusion numérique et écart de normalisation',
  ],
  ['networks', 'Future networks: IMT-2030, satellites', 'Réseaux futurs : IMT-2030, satellites'],
  ['immersive', 'Immersive media and the metaverse', 'Médias immersifs et métavers'],
  [
    'verticals',
    'Verticals: health, transport, finance, agriculture',
    'Secteurs : santé, transport, finance, agriculture',
  ],
]

const NEEDS: Record<'countries' | 'organizations', string[]> = {
  countries: [
    'Capacity building so that national experts can contribute to standards on emerging technologies.',
    'Affordable, standards-compliant equipment for rural and remote connectivity.',
    'Guidance for regulators on frameworks for AI and data governance.',
    'Fellowships and remote participation so that local industry can attend executive meetings.',
    'Case studies from developing countries on deploying digital public infrastructure.',
    'Regional test labs and conformity assessment for imported ICT equipment.',
    'Cybersecurity skills and support to set up a national incident response team.',
  ],
  organizations: [
    'A clearer path from the meeting’s conclusions to study group work items, with timelines.',
    'More time on the agenda for interoperability testing and alignment with open source.',
    'Closer coordination with other standards bodies to avoid duplicated work.',
    'Pre-reading circulated two weeks ahead, and a shorter meeting.',
    'Regular updates on what happened to earlier conclusions.',
  ],
}

function questionnaire(audience: 'countries' | 'organizations'): Questionnaire {
  const countries = audience === 'countries'
  return QuestionnaireSchema.parse({
    sections: [
      {
        id: 'priorities',
        title: { en: 'Priorities', fr: 'Priorités' },
        questions: [
          {
            id: 'themes',
            type: 'multiple_choice',
            text: {
              en: 'Which themes should the meeting address? Choose up to three.',
              fr: 'Quels thèmes la réunion devrait-elle aborder ? Trois au plus.',
            },
            required: true,
            maxSelections: 3,
            options: THEMES.map(([id, en, fr]) => ({ id, label: { en, fr } })),
          },
          {
            id: 'relevance',
            type: 'likert',
            points: 5,
            text: {
              en: countries
                ? 'How relevant to your country were the outcomes of the previous meeting?'
                : 'How useful to your organization were the outcomes of the previous meeting?',
            },
          },
        ],
      },
      {
        id: 'proposals',
        title: { en: 'Proposals', fr: 'Propositions' },
        questions: [
          { id: 'topics', type: 'topic_proposal', text: { en: 'Propose topics for the agenda.' } },
          {
            id: 'needs',
            type: 'long_text',
            text: {
              en: countries
                ? 'Which needs of your country should the meeting take into account?'
                : 'What should the meeting do differently or discuss in depth?',
            },
          },
        ],
      },
    ],
  })
}

type StoryContext = {
  held: HeldMeeting[]
  groupIds: Record<string, string>
  orgs: { id: string; name: string; country_code: string; category: string }[]
  people: DemoPerson[]
  countries: { code: string; development_status: string }[]
}

type Staff = { id: string; name: string }
const STAFF = { email: 'secretariat@demo.example', name: 'Sara Haile (TSB, demo)' }

/** The secretariat officer who records the demo's topics and conclusions and answers for its actions. */
async function demoStaff(trx: Db): Promise<Staff> {
  const user =
    (await trx
      .selectFrom('app_user')
      .select(['id', 'name'])
      .where('email', '=', STAFF.email)
      .executeTakeFirst()) ??
    (await trx
      .insertInto('app_user')
      .values({ email: STAFF.email, name: STAFF.name, preferred_language: 'en' })
      .returning(['id', 'name'])
      .executeTakeFirstOrThrow())
  await trx
    .insertInto('role_assignment')
    .values({ user_id: user.id, role: 'secretariat' })
    .onConflict((oc) => oc.doNothing())
    .execute()
  return user
}

/** The strategic priorities topics are linked to: the existing ones, or five demo ones when there are none. */
async function demoPriorities(trx: Db): Promise<(key: PriorityKey) => string> {
  const existing = await trx
    .selectFrom('strategic_priority')
    .select('id')
    .where('archived_at', 'is', null)
    .orderBy('weight', 'desc')
    .orderBy('id')
    .execute()
  if (existing.length) {
    const keys = PRIORITIES.map((p) => p.key)
    return (key) => existing[keys.indexOf(key) % existing.length]!.id
  }
  const ids = new Map(PRIORITIES.map((p) => [p.key, randomUUID()]))
  await trx
    .insertInto('strategic_priority')
    .values(
      PRIORITIES.map((p) => ({
        id: ids.get(p.key)!,
        titles: JSON.stringify({ en: `${p.en} ${DEMO_MARK}`, fr: `${p.fr} (démo)` }),
        descriptions: JSON.stringify({ en: p.about }),
        kind: p.kind,
        weight: p.weight,
        period_start: p.start,
        period_end: p.end,
      })),
    )
    .execute()
  return (key) => ids.get(key)!
}

type PlannedResponse = {
  id: string
  consultationId: string
  closesAt: Date
  targetId: string
  userId: string
  countryCode: string | null
  organizationId: string | null
  answers: Answers
  state: 'draft' | 'submitted'
  at: Date
}

/**
 * Consultations before about two thirds of the CTO meetings from 2018 on: every one asks the developing
 * countries among the demo Member States (through their focal points); from 2021 another asks the CTO
 * group's members (through their principals). Each was opened about six weeks before the meeting and
 * closed two weeks before, with invitations, one reminder to those who had not answered, and 30-70 %
 * of targets responding. Focal points and representatives get accounts (no password: they answered by link).
 */
async function loadConsultations(trx: Db, r: Rng, ctx: StoryContext) {
  const development = new Map(ctx.countries.map((c) => [c.code, c.development_status]))
  const staffOf = new Map<string, DemoPerson[]>()
  for (const p of ctx.people) staffOf.set(p.organization_id, [...(staffOf.get(p.organization_id) ?? []), p])
  const personById = new Map(ctx.people.map((p) => [p.id, p]))
  const developing = ctx.orgs
    .filter((o) => o.category === 'member_state' && development.get(o.country_code) === 'developing')
    .sort((a, b) => a.country_code.localeCompare(b.country_code))
  const ctoMemberships = await trx
    .selectFrom('group_membership')
    .select(['organization_id', 'principal_person_id', 'start_date', 'end_date'])
    .where('group_id', '=', ctx.groupIds.cto_group!)
    .orderBy('organization_id')
    .orderBy('start_date')
    .execute()

  const users = new Map<string, Insertable<DB['app_user']> & { id: string }>()
  const roles: Insertable<DB['role_assignment']>[] = []
  const account = (person: DemoPerson, role: { country_code: string } | { organization_id: string }) => {
    let user = users.get(person.id)
    if (!user) {
      user = {
        id: randomUUID(),
        email: person.email ?? `person.${person.id}@demo.example`,
        name: person.name,
        preferred_language: person.preferred_language,
      }
      users.set(person.id, user)
      roles.push(
        'country_code' in role
          ? { user_id: user.id, role: 'focal_point', country_code: role.country_code }
          : { user_id: user.id, role: 'member_representative', organization_id: role.organization_id },
      )
    }
    return user.id
  }

  const consultations: Insertable<DB['consultation']>[] = []
  const versions: Insertable<DB['questionnaire_version']>[] = []
  const targets: Insertable<DB['consultation_target']>[] = []
  const invitations: Insertable<DB['consultation_invitation']>[] = []
  const responses: PlannedResponse[] = []
  const byMeeting = new Map<string, PlannedResponse[]>()
  const definitions = { countries: questionnaire('countries'), organizations: questionnaire('organizations') }

  const cto = ctx.held.filter((m) => m.kind === 'cto_meeting')
  // Consultation became the rule over the years: the meetings without one are early ones.
  const skipped = new Set(
    shuffle(
      r,
      cto.slice(2).filter((m) => m.startsAt.getUTCFullYear() < 2022),
    ).slice(0, 3),
  )
  for (const meeting of cto.slice(2).filter((m) => !skipped.has(m))) {
    const opens = addDays(meeting.startsAt, -42 + r.int(-3, 3))
    const closes = addDays(meeting.startsAt, -14)
    const day = opens.toISOString().slice(0, 10)
    const name = meeting.title.replace(` ${DEMO_MARK}`, '')
    const asks: {
      audience: 'countries' | 'organizations'
      purpose: string
      titles: Record<string, string>
      json: Record<string, unknown>
      confidentiality: string
      whom: { countryCode: string | null; organizationId: string | null; userId: string }[]
    }[] = [
      {
        audience: 'countries',
        purpose: 'pre_meeting_developing_countries',
        titles: {
          en: `Consultation of developing countries before the ${name} ${DEMO_MARK}`,
          fr: `Consultation des pays en développement avant la réunion (${name}) (démo)`,
        },
        json: { kind: 'countries', countries: developing.map((o) => o.country_code) },
        confidentiality: 'own',
        whom: developing.flatMap((o) => {
          const person = staffOf.get(o.id)?.[1]
          return person
            ? [
                {
                  countryCode: o.country_code,
                  organizationId: null,
                  userId: account(person, { country_code: o.country_code }),
                },
              ]
            : []
        }),
      },
    ]
    if (meeting.startsAt.getUTCFullYear() >= 2021)
      asks.push({
        audience: 'organizations',
        purpose: 'membership_agenda',
        titles: { en: `Agenda consultation of the CTO group: ${name} ${DEMO_MARK}` },
        json: { kind: 'organizations', groupId: ctx.groupIds.cto_group },
        confidentiality: 'aggregated_public',
        whom: ctoMemberships
          .filter((m) => m.start_date <= day && (!m.end_date || m.end_date >= day) && m.principal_person_id)
          .map((m) => ({
            countryCode: null,
            organizationId: m.organization_id,
            userId: account(personById.get(m.principal_person_id!)!, { organization_id: m.organization_id }),
          })),
      })
    for (const ask of asks) {
      const consultationId = randomUUID()
      const created = addDays(opens, -r.int(5, 12))
      consultations.push({
        id: consultationId,
        titles: JSON.stringify(ask.titles),
        purpose: ask.purpose,
        meeting_id: meeting.id,
        audience: JSON.stringify(ask.json),
        opens_at: opens,
        closes_at: closes,
        confidentiality: ask.confidentiality,
        status: 'closed',
        created_at: created,
        updated_at: closes,
      })
      versions.push({
        consultation_id: consultationId,
        version: 1,
        definition: JSON.stringify(definitions[ask.audience]),
        created_at: created,
      })
      const rate = 0.3 + r.next() * 0.4
      const answering = new Set(
        shuffle(r, ask.whom).slice(0, Math.max(1, Math.round(rate * ask.whom.length))),
      )
      const reminder = addDays(closes, -3)
      for (const who of ask.whom) {
        const targetId = randomUUID()
        targets.push({
          id: targetId,
          consultation_id: consultationId,
          country_code: who.countryCode,
          organization_id: who.organizationId,
          created_at: opens,
        })
        const sent = new Date(opens.getTime() + r.int(1, 30) * 60_000)
        const linkExpires = new Date(Math.min(addDays(sent, 14).getTime(), closes.getTime()))
        const answers: Answers = {
          themes: shuffle(
            r,
            THEMES.map(([id]) => id),
          ).slice(0, r.int(1, 3)),
        }
        if (r.chance(0.9)) answers.relevance = r.pick([2, 3, 3, 4, 4, 4, 5, 5])
        if (r.chance(ask.audience === 'countries' ? 0.6 : 0.35)) answers.needs = r.pick(NEEDS[ask.audience])
        let at = between(sent, closes, 0.05 + r.next() * 0.9)
        let used: Date | null = null
        let reminded: Date | null = null
        let state: PlannedResponse['state'] | null = null
        if (answering.has(who)) {
          state = 'submitted'
          // Who answered after the first link expired was reminded and answered through the fresh link.
          if (at > linkExpires) {
            reminded = reminder
            at = between(reminder, closes, 0.1 + r.next() * 0.8)
          }
          used = new Date(at.getTime() - 20 * 60_000)
        } else {
          reminded = reminder
          if (r.chance(0.12)) {
            state = 'draft'
            delete answers.needs
          }
        }
        invitations.push({
          consultation_id: consultationId,
          target_id: targetId,
          user_id: who.userId,
          token_hash: digest(newSecret()),
          sent_at: sent,
          expires_at: reminded ? closes : linkExpires,
          used_at: used,
          reminded_at: reminded,
        })
        if (!state) continue
        const response: PlannedResponse = {
          id: randomUUID(),
          consultationId,
          closesAt: closes,
          targetId,
          userId: who.userId,
          countryCode: who.countryCode,
          organizationId: who.organizationId,
          answers,
          state,
          at,
        }
        responses.push(response)
        if (state === 'submitted') byMeeting.set(meeting.id, [...(byMeeting.get(meeting.id) ?? []), response])
      }
    }
  }

  // Accounts: one per person, reusing any that already exists with the same e-mail.
  const ids = new Map<string, string>()
  for (const part of chunks([...users.values()])) {
    const saved = await trx
      .insertInto('app_user')
      .values(part)
      .onConflict((oc) =>
        oc.column('email').doUpdateSet((eb) => ({ updated_at: eb.ref('app_user.updated_at') })),
      )
      .returning(['id', 'email'])
      .execute()
    const planned = new Map(part.map((u) => [u.email, u.id]))
    for (const s of saved) ids.set(planned.get(s.email)!, s.id)
  }
  const uid = (id: string) => ids.get(id) ?? id
  for (const part of chunks(roles.map((x) => ({ ...x, user_id: uid(x.user_id) }))))
    await trx
      .insertInto('role_assignment')
      .values(part)
      .onConflict((oc) => oc.doNothing())
      .execute()

  return {
    count: consultations.length,
    byMeeting,
    /** Writes the consultations, once topics proposed in them have been added to the answers. */
    write: async () => {
      for (const part of chunks(consultations)) await trx.insertInto('consultation').values(part).execute()
      for (const part of chunks(versions))
        await trx.insertInto('questionnaire_version').values(part).execute()
      for (const part of chunks(targets)) await trx.insertInto('consultation_target').values(part).execute()
      for (const part of chunks(invitations.map((x) => ({ ...x, user_id: uid(x.user_id) }))))
        await trx.insertInto('consultation_invitation').values(part).execute()
      for (const part of chunks(responses)) {
        await trx
          .insertInto('consultation_response')
          .values(
            part.map((x) => ({
              id: x.id,
              consultation_id: x.consultationId,
              target_id: x.targetId,
              questionnaire_version: 1,
              answers: JSON.stringify(x.answers),
              state: x.state,
              submitted_at: x.state === 'submitted' ? x.at : null,
              updated_at: x.at,
              updated_by: uid(x.userId),
            })),
          )
          .execute()
        await trx
          .insertInto('consultation_response_change')
          .values(
            part.map((x) => ({
              response_id: x.id,
              changed_by: uid(x.userId),
              changed_at: x.at,
              state: x.state,
              answers: JSON.stringify(x.answers),
            })),
          )
          .execute()
      }
    },
  }
}

/** The steps from one state to another the rules allow: the move itself, else the shortest way round. */
function route(rules: TransitionRules, from: TopicState, to: TopicState): TopicState[] | null {
  if (from === to) return []
  if (canMove(rules, from, to)) return [to]
  const previous = new Map<TopicState, TopicState>([[from, from]])
  const queue = [from]
  while (queue.length) {
    const state = queue.shift()!
    for (const next of rules.get(state) ?? []) {
      // Closing and reopening is never a way round.
      if (previous.has(next) || (next === 'closed' && to !== 'closed')) continue
      previous.set(next, state)
      if (next === to) {
        const path = [next]
        for (let s = state; s !== from; s = previous.get(s)!) path.unshift(s)
        return path
      }
      queue.push(next)
    }
  }
  return null
}

type Outcome = TopicState | 'carried_over' | 'general'
type ConclusionType = 'recommendation' | 'request' | 'observation' | 'decision'

const CONCLUSION_TYPE: Partial<Record<Outcome, ConclusionType>> = {
  shortlisted: 'decision',
  concluded: 'recommendation',
  referred: 'request',
  work_item: 'decision',
  monitoring: 'decision',
  closed: 'decision',
}

const CONCLUSION_TEXTS: Partial<Record<Outcome, string[]>> = {
  shortlisted: ['The meeting shortlisted {topic} for a future agenda and invited members to prepare inputs.'],
  discussed: [
    'The meeting exchanged views on {topic} and noted the need to analyse industry requirements further.',
    'Executives shared deployment experience with {topic}; the meeting will revisit it once use cases mature.',
  ],
  carried_over: [
    'The meeting continued its discussion of {topic} and agreed to carry it over to its next session.',
    'Views on {topic} still differ; the meeting asked members for contributions before its next session.',
  ],
  concluded: [
    'The meeting recommended that ITU-T give priority to {topic}, with attention to interoperability and to the needs of developing countries.',
    'The meeting concluded that {topic} needs international standards within two years and recommended that TSAG consider it in the strategy on new and emerging technologies.',
  ],
  referred: [
    'The meeting requested {body} to consider {topic} in its work programme and to report back.',
    'The meeting invited {body} to study {topic}, possibly through a focus group open to non-members.',
  ],
  work_item: [
    'The meeting welcomed the new work item on {topic} in {body} and encouraged members to contribute.',
    'The meeting noted that {body} has started work on {topic} and asked for a timeline to its next session.',
  ],
  standard_approved: [
    'The meeting noted the approval of the ITU-T Recommendation on {topic} by {body} and encouraged its implementation.',
  ],
  monitoring: [
    'The meeting agreed to monitor developments on {topic} and to revisit it when a standards need emerges.',
  ],
  closed: [
    'The meeting agreed not to pursue {topic} further, as it is adequately addressed elsewhere.',
    'Finding no industry demand for standards on {topic}, the meeting agreed to close it.',
  ],
}

const GENERAL_CONCLUSIONS: [ConclusionType, string][] = [
  [
    'observation',
    'The meeting welcomed executives from all ITU regions and encouraged members to name alternates for continuity.',
  ],
  [
    'recommendation',
    'The meeting recommended that agendas build on the pre-meeting consultation of developing countries.',
  ],
  ['decision', 'The meeting agreed to hold its next session back-to-back with a regional industry workshop.'],
  ['request', 'The meeting requested TSB to publish a communiqué summarizing its conclusions.'],
]

/** What a conclusion asks, by the body that owns it ("SG" is the topic's study group). */
const ACTION_TEXTS: Record<Outcome, [body: string, what: string][]> = {
  proposed: [],
  on_agenda: [],
  shortlisted: [['TSB', 'Prepare a background note on {topic} for the next agenda']],
  discussed: [
    ['TSB', 'Compile industry case studies on {topic} for the next meeting'],
    ['SG', 'Brief the next meeting on ongoing work related to {topic}'],
  ],
  carried_over: [['TSB', 'Collect member contributions on {topic} before the next meeting']],
  concluded: [
    ['TSAG', 'Consider {topic} in the strategy on new and emerging technologies (Resolution 22)'],
    ['SG', 'Carry out a gap analysis on {topic} and identify candidate work items'],
  ],
  referred: [['SG', 'Study {topic} and report to the next meeting on possible work items']],
  work_item: [['SG', 'Progress the work item on {topic} and report its timeline to TSAG']],
  standard_approved: [
    ['TSB', 'Promote the new Recommendation on {topic} through regional workshops'],
    ['SG', 'Develop an implementers’ guide for the Recommendation on {topic}'],
  ],
  monitoring: [['TSB', 'Follow market developments on {topic} and report when a standards need emerges']],
  closed: [['TSB', 'Inform the proposers of the decision on {topic}']],
  general: [
    ['TSB', 'Publish the summary of conclusions of the meeting'],
    ['TSB', 'Share the outcomes with developing-country focal points by circular'],
    ['TSAG', 'Review the working methods of the executive meetings'],
  ],
}

const ACTION_CHANCE: Record<ConclusionType, number> = {
  request: 0.85,
  recommendation: 0.7,
  decision: 0.45,
  observation: 0.25,
}

const PROGRESS_NOTES = [
  'Rapporteur appointed; first draft under discussion.',
  'Contributions received from members; editing meeting scheduled.',
  'Liaison statement sent to the other standards bodies concerned.',
  'Discussed at the last study group meeting; a draft is in preparation.',
]
const OPEN_NOTES = [
  'Awaiting contributions from members.',
  'Scheduled for the next meeting of the body.',
  'Reminder sent to the body’s leadership.',
]
const DONE_NOTES = [
  'Completed; the output was presented to TSAG.',
  'Done: document published and circulated to the membership.',
  'Completed; see the evidence for the approved text.',
]
const DROP_NOTES = [
  'Dropped: superseded by work in another body.',
  'Dropped at the request of the proposers; no contributions received.',
  'Dropped: the topic was merged into a broader work item.',
]

function evidenceFor(r: Rng, body: string): string {
  const n = r.int(100, 1999)
  if (body === 'TSB')
    return r.chance(0.5) ? `TSB Circular ${r.int(50, 250)}` : `https://docs.demo.example/tsb/${n}`
  if (body === 'TSAG') return `TSAG-TD${n}`
  return r.chance(0.6) ? `TD ${n}-R${r.int(1, 3)}` : `https://docs.demo.example/${body.toLowerCase()}/td${n}`
}

type TopicRun = {
  spec: TopicSpec
  id: string
  birth: number
  createdAt: Date
  path: readonly TopicState[]
  pos: number
  state: TopicState
  rediscussed: boolean
  stuck: boolean
  version: number
  updatedAt: Date
  organizationId: string | null
  countryCode: string | null
  response: PlannedResponse | null
  proposalIndex: number | null
}

/** States where a topic rests after a meeting (it is on an agenda only on its way to being discussed). */
const restsLeft = (t: TopicRun) => t.path.slice(t.pos).filter((s) => s !== 'on_agenda').length

/**
 * Topics with their lifecycle, the meetings' conclusions on them and the follow-up actions they asked for.
 * Meeting by meeting, the topics most behind on their way are discussed; each moves only as the transition
 * rules allow, every move recorded with the meeting, and a conclusion says where it went.
 */
async function loadStory(trx: Db, r: Rng, ctx: StoryContext) {
  const rules = await transitionRules(trx)
  const staff = await demoStaff(trx)
  const consultations = await loadConsultations(trx, r, ctx)
  const priorityId = await demoPriorities(trx)
  const { held } = ctx
  const industry = ctx.orgs.filter((o) => o.category === 'sector_member')
  const firstFrom = (year: number) => {
    const i = held.findIndex((m) => m.startsAt.getUTCFullYear() >= year)
    return i < 0 ? held.length : i
  }

  const runs: TopicRun[] = TOPICS.map((spec) => {
    const path = FATES[spec.fate]
    const rests = path.filter((s) => s !== 'on_agenda').length
    let birth =
      spec.fate === 'proposed'
        ? held.length
        : Math.min(firstFrom(spec.since) + r.int(0, 1), held.length - Math.max(rests, 1))
    let source = spec.source
    let response: PlannedResponse | null = null
    let proposalIndex: number | null = null
    if (source === 'consultation') {
      // Proposed in the consultation before the meeting it first came to (the nearest one that had answers).
      const order = [
        ...[...held.keys()].filter((i) => i >= birth),
        ...[...held.keys()].filter((i) => i < birth).reverse(),
      ]
      const at = order.find((i) => i < held.length && consultations.byMeeting.has(held[i]!.id))
      const answers = at === undefined ? [] : consultations.byMeeting.get(held[at]!.id)!
      const open = answers.filter((x) => ((x.answers.topics as TopicProposal[] | undefined)?.length ?? 0) < 5)
      if (at !== undefined && open.length) {
        birth = at
        response = r.pick(open)
        const proposals = (response.answers.topics ?? []) as TopicProposal[]
        proposalIndex = proposals.length
        response.answers.topics = [...proposals, { title: spec.en, description: spec.about }]
      } else source = 'member_proposal'
    }
    const organizationId =
      response?.organizationId ?? (source === 'member_proposal' ? r.pick(industry).id : null)
    const first = held[birth]?.startsAt ?? DEMO_TODAY
    const createdAt = response
      ? new Date(response.closesAt.getTime() + 2 * 3600_000)
      : spec.fate === 'proposed'
        ? addDays(DEMO_TODAY, -r.int(15, 300))
        : source === 'carried_over'
          ? addDays(held[0]!.startsAt, -r.int(60, 120))
          : addDays(first, -r.int(20, 120))
    return {
      spec: { ...spec, source },
      id: randomUUID(),
      birth,
      createdAt,
      path,
      pos: 0,
      state: 'proposed',
      rediscussed: false,
      stuck: false,
      version: 1,
      updatedAt: createdAt,
      organizationId,
      countryCode: response?.countryCode ?? null,
      response,
      proposalIndex,
    }
  })

  const by = { by_user: staff.id, by_label: staff.name }
  const events: Insertable<DB['topic_event']>[] = runs.map((t) => ({
    topic_id: t.id,
    kind: 'created',
    to_state: 'proposed',
    reason: t.response ? 'consultation' : null,
    organization_id: t.organizationId,
    at: t.createdAt,
    ...by,
  }))
  const conclusions: Insertable<DB['conclusion']>[] = []
  const actions: Insertable<DB['follow_up_action']>[] = []
  const updates: Insertable<DB['action_update']>[] = []

  const addAction = (
    conclusionId: string,
    topic: TopicRun | null,
    outcome: Outcome,
    meeting: HeldMeeting,
  ) => {
    const sg = topic?.spec.sgs.find((s) => OWNER_BODIES.includes(s)) ?? 'TSAG'
    const [owner, template] = r.pick(ACTION_TEXTS[outcome])
    const body = owner === 'SG' ? sg : owner
    const created = meeting.endsAt
    const due = addMonths(created, r.int(3, 12))
    const end = due < DEMO_TODAY ? due : DEMO_TODAY
    // Older actions are mostly settled; those from the last two years mostly still open.
    const roll = r.next()
    const status =
      created >= new Date('2024-01-01T00:00:00Z')
        ? roll < 0.3
          ? 'done'
          : roll < 0.35
            ? 'dropped'
            : roll < 0.75
              ? 'in_progress'
              : 'open'
        : roll < 0.75
          ? 'done'
          : roll < 0.9
            ? 'dropped'
            : roll < 0.95
              ? 'in_progress'
              : 'open'
    const id = randomUUID()
    const mine: Insertable<DB['action_update']>[] = [
      { action_id: id, at: created, status_from: null, status_to: 'open', ...by },
    ]
    let at = created
    let last = 'open'
    const move = (to: string | null, from: number, span: number, note: string, evidence = '') => {
      at = between(at, end, from + r.next() * span)
      mine.push({ action_id: id, at, status_from: last, status_to: to, note, evidence, ...by })
      if (to) last = to
    }
    if (status === 'in_progress' || status === 'done')
      move('in_progress', 0.15, 0.35, r.pick(PROGRESS_NOTES), r.chance(0.3) ? evidenceFor(r, body) : '')
    if (status === 'done') move('done', 0.3, 0.65, r.pick(DONE_NOTES), evidenceFor(r, body))
    if (status === 'dropped') move('dropped', 0.3, 0.6, r.pick(DROP_NOTES))
    if ((status === 'open' || status === 'in_progress') && r.chance(0.4))
      move(null, 0.3, 0.5, r.pick(status === 'open' ? OPEN_NOTES : PROGRESS_NOTES))
    const dueDate = due.toISOString().slice(0, 10)
    const reminder = addDays(new Date(`${dueDate}T06:00:00Z`), -7)
    const settledAt = status === 'done' || status === 'dropped' ? at : null
    actions.push({
      id,
      conclusion_id: conclusionId,
      topic_id: topic?.id ?? null,
      what: JSON.stringify({ en: template.replace('{topic}', `“${topic?.spec.en ?? ''}”`) }),
      owner_body: body,
      responsible_user_id: staff.id,
      due_date: dueDate,
      status,
      version: mine.length,
      // The reminder went a week before the due date to actions still open then.
      reminded_at: reminder <= DEMO_TODAY && (!settledAt || settledAt > reminder) ? reminder : null,
      created_at: created,
      updated_at: at,
    })
    updates.push(...mine)
  }

  const conclude = (
    meeting: HeldMeeting,
    topic: TopicRun | null,
    type: ConclusionType,
    text: string,
    outcome: Outcome,
  ) => {
    const id = randomUUID()
    conclusions.push({
      id,
      meeting_id: meeting.id,
      topic_id: topic?.id ?? null,
      texts: JSON.stringify({ en: text }),
      type,
      created_by: staff.id,
      created_at: meeting.endsAt,
      updated_at: meeting.endsAt,
    })
    if (r.chance(ACTION_CHANCE[type])) addAction(id, topic, outcome, meeting)
  }

  for (const [i, meeting] of held.entries()) {
    const left = held.length - i
    const ranked = runs
      .filter((t) => t.birth <= i && !t.stuck && restsLeft(t) > 0)
      .map((t) => ({ t, score: restsLeft(t) / left + (t.birth === i ? 0.6 : 0) + r.next() * 0.5 }))
      .sort((a, b) => b.score - a.score)
    const wanted = r.int(3, 6)
    const chosen = ranked.slice(0, wanted).map((x) => x.t)
    for (const t of chosen) {
      const moves: [TopicState, TopicState][] = []
      const go = (to: TopicState) => {
        const steps = route(rules, t.state, to)
        if (!steps) return false
        for (const s of steps) {
          moves.push([t.state, s])
          t.state = s
        }
        return true
      }
      let outcome: Outcome
      if (t.state === 'discussed' && t.path[t.pos] === 'concluded' && !t.rediscussed && r.chance(0.3)) {
        // Discussed again without concluding: carried over to the next session.
        t.rediscussed = true
        outcome = go('on_agenda') && go('discussed') ? 'carried_over' : t.state
      } else {
        while (t.pos < t.path.length) {
          const next = t.path[t.pos]!
          if (!go(next)) {
            t.stuck = true
            break
          }
          t.pos++
          if (next !== 'on_agenda') break
        }
        // Often discussed and concluded at the same meeting.
        if (!t.stuck && t.state === 'discussed' && t.path[t.pos] === 'concluded' && r.chance(0.5)) {
          if (go('concluded')) t.pos++
        }
        outcome = t.state
      }
      if (!moves.length) continue
      const type = CONCLUSION_TYPE[outcome] ?? 'observation'
      const sg = t.spec.sgs.find((s) => OWNER_BODIES.includes(s)) ?? 'TSAG'
      for (const [from, to] of moves)
        events.push({
          topic_id: t.id,
          kind: 'transition',
          from_state: from,
          to_state: to,
          reason: `@conclusion:${type}`,
          meeting_id: meeting.id,
          evidence_url:
            to === 'work_item' || to === 'standard_approved'
              ? `https://docs.demo.example/${sg.toLowerCase()}/${to.replace('_', '-')}/${t.id.slice(0, 8)}`
              : null,
          at: meeting.endsAt,
          ...by,
        })
      t.version += moves.length
      t.updatedAt = meeting.endsAt
      const text = r
        .pick(CONCLUSION_TEXTS[outcome] ?? CONCLUSION_TEXTS.discussed!)
        .replace('{topic}', `“${t.spec.en}”`)
        .replace('{body}', sg)
      conclude(meeting, t, type, text, outcome)
    }
    // A meeting concludes at least three things, some on the process itself.
    const general = Math.max(3 - chosen.length, chosen.length < 6 && r.chance(0.3) ? 1 : 0)
    for (const [type, text] of shuffle(r, GENERAL_CONCLUSIONS).slice(0, general))
      conclude(meeting, null, type, text, 'general')
  }

  await consultations.write()
  for (const part of chunks(runs))
    await trx
      .insertInto('topic')
      .values(
        part.map((t) => ({
          id: t.id,
          titles: JSON.stringify({
            en: `${t.spec.en} ${DEMO_MARK}`,
            ...(t.spec.fr ? { fr: `${t.spec.fr} (démo)` } : {}),
          }),
          descriptions: JSON.stringify({ en: t.spec.about }),
          keywords: t.spec.keywords,
          study_groups: t.spec.sgs,
          source: t.spec.source,
          state: t.state,
          proposed_by_organization_id: t.organizationId,
          proposed_by_country_code: t.countryCode,
          consultation_id: t.response?.consultationId ?? null,
          consultation_response_id: t.response?.id ?? null,
          consultation_proposal_index: t.proposalIndex,
          created_by: staff.id,
          created_at: t.createdAt,
          updated_at: t.updatedAt,
          version: t.version,
        })),
      )
      .execute()
  const links = runs.flatMap((t) =>
    [...new Set(t.spec.priorities.map(priorityId))].map((priority_id) => ({ topic_id: t.id, priority_id })),
  )
  for (const part of chunks(links)) await trx.insertInto('topic_priority').values(part).execute()
  // In time order, so that the events' ids follow the story.
  events.sort((a, b) => (a.at as Date).getTime() - (b.at as Date).getTime())
  for (const part of chunks(events)) await trx.insertInto('topic_event').values(part).execute()
  for (const part of chunks(conclusions)) await trx.insertInto('conclusion').values(part).execute()
  for (const part of chunks(actions)) await trx.insertInto('follow_up_action').values(part).execute()
  for (const part of chunks(updates)) await trx.insertInto('action_update').values(part).execute()
  return {
    topics: runs.length,
    conclusions: conclusions.length,
    actions: actions.length,
    consultations: consultations.count,
  }
}
