import type { Db } from '../server/db/database.ts'
import { recordAudit } from '../server/features/audit/audit.service.ts'
import { COMMAND_LINE } from '../server/features/auth/auth.policy.ts'
import { SEGMENTS, SENIORITIES } from '../server/features/directory/directory.schema.ts'

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
    const orgs: { id: string; name: string; country_code: string; category: string }[] = []
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
      orgs.push(
        await trx
          .insertInto('organization')
          .values({ name, category: 'member_state', country_code: c.code, segment: 'government' })
          .returning(['id', 'name', 'country_code', 'category'])
          .executeTakeFirstOrThrow(),
      )
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
      orgs.push(
        await trx
          .insertInto('organization')
          .values({
            name,
            category,
            country_code: c.code,
            segment,
            sme: category === 'sector_member' || category === 'associate' ? r.chance(0.3) : false,
            roa: segment === 'operator' && r.chance(0.7),
            sio: segment !== 'operator' && category === 'sector_member' && r.chance(0.4),
            website: `https://${name.split(' ')[0]!.toLowerCase()}-${c.code.toLowerCase()}.example`,
            membership_start: start,
          })
          .returning(['id', 'name', 'country_code', 'category'])
          .executeTakeFirstOrThrow(),
      )
    }
    const people: { id: string; organization_id: string; seniority: string }[] = []
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
        people.push(
          await trx
            .insertInto('person')
            .values({
              organization_id: org.id,
              name: `${first} ${last}`,
              title: r.pick(TITLES[seniority]!),
              seniority,
              email: `${first}.${last}.${n}@demo.example`
                .toLowerCase()
                .normalize('NFD')
                .replace(/[^\x20-\x7e]/g, '')
                .replace(/[\s']/g, ''),
              preferred_language: r.pick(['en', 'en', 'fr', 'es', 'ar', 'ru', 'zh'] as const),
              public_consent: r.chance(0.5),
            })
            .returning(['id', 'organization_id', 'seniority'])
            .executeTakeFirstOrThrow(),
        )
      }
    }
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
    let memberships = 0
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
          await trx
            .insertInto('group_membership')
            .values({
              group_id: g.id,
              organization_id: orgId,
              principal_person_id: staff[2]!.id,
              alternate_person_id: alternate.id,
              start_date: start,
              end_date: prevEnd,
            })
            .execute()
          await trx
            .insertInto('group_membership')
            .values({
              group_id: g.id,
              organization_id: orgId,
              principal_person_id: principal.id,
              alternate_person_id: alternate.id,
              start_date: changed,
            })
            .execute()
          memberships += 2
        } else {
          await trx
            .insertInto('group_membership')
            .values({
              group_id: g.id,
              organization_id: orgId,
              principal_person_id: principal.id,
              alternate_person_id: alternate.id,
              start_date: start,
            })
            .execute()
          memberships++
        }
      }
    }
    const history = await loadMeetingHistory(trx, r, groupIds, people)
    const result = {
      organizations: orgs.length,
      people: people.length,
      groups: groupSpecs.length,
      memberships,
      ...history,
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
  let attendance = 0
  const plan: {
    kind: string
    group: string
    year: number
    month: number
    venue: number
    attendRate: number
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
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    meetings++
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
      await trx
        .insertInto('meeting_attendance')
        .values({
          meeting_id: meeting.id,
          organization_id: m.organization_id,
          person_id: personId,
          attended_as: attendedAs,
          captured_by: 'list',
          captured_at: starts,
        })
        .execute()
      attendance++
    }
  }
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
  for (const m of current) {
    for (const [personId, role] of [
      [m.principal_person_id, 'principal'],
      [m.alternate_person_id, 'alternate'],
    ] as const) {
      if (!personId) continue
      await trx
        .insertInto('meeting_invitation')
        .values({
          meeting_id: upcoming.id,
          organization_id: m.organization_id,
          person_id: personId,
          group_role: role,
        })
        .execute()
    }
  }
  return { meetings, attendance }
}
