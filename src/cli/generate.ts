import { sql } from 'kysely'
import type { Db } from '../server/db/database.ts'
import { inTransaction } from '../server/db/transaction.ts'
import { QuestionnaireSchema } from '../server/features/consultations/questionnaire.ts'
import { ensureReferenceData } from '../server/features/directory/reference-data.ts'

/**
 * A deterministic synthetic dataset for benchmarks and scale tests (issue 9): decades of meetings with their
 * invitations, registrations and attendance, consultations with their answers, topics with their lifecycle,
 * agendas, conclusions and follow-up actions. Everything is made by set-based SQL (`generate_series`) inside
 * one transaction, so `large` takes seconds rather than hours; every random choice is a hash of the seed and
 * the row's number, and every id is derived the same way, so one scale and seed give the same data on PGlite
 * and on PostgreSQL, and a second run with the same ones adds nothing.
 */
export const SCALES = {
  small: {
    organizations: 200,
    people: 1_000,
    meetings: 20,
    years: 5,
    invited: 60,
    registered: 50,
    attended: 40,
    consultations: 10,
    targets: 80,
    answers: 60,
    topics: 200,
    conclusionsPerMeeting: 5,
    actionsPerConclusion: 4,
  },
  medium: {
    organizations: 1_000,
    people: 10_000,
    meetings: 100,
    years: 10,
    invited: 350,
    registered: 350,
    attended: 300,
    consultations: 75,
    targets: 600,
    answers: 500,
    topics: 1_250,
    conclusionsPerMeeting: 10,
    actionsPerConclusion: 5,
  },
  large: {
    organizations: 3_000,
    people: 30_000,
    meetings: 400,
    years: 20,
    invited: 350,
    registered: 350,
    attended: 300,
    consultations: 300,
    targets: 600,
    answers: 500,
    topics: 5_000,
    conclusionsPerMeeting: 10,
    actionsPerConclusion: 5,
  },
} as const
export type Scale = keyof typeof SCALES

export type GenerateResult = Record<
  | 'organizations'
  | 'people'
  | 'meetings'
  | 'invitations'
  | 'registrations'
  | 'attendance'
  | 'consultations'
  | 'targets'
  | 'answers'
  | 'topics'
  | 'topicEvents'
  | 'conclusions'
  | 'actions',
  number
>

const HOSTS: [string, string][] = [
  ['Geneva', 'CH'],
  ['Geneva', 'CH'],
  ['Geneva', 'CH'],
  ['Nairobi', 'KE'],
  ['Kigali', 'RW'],
  ['Dubai', 'AE'],
  ['Cairo', 'EG'],
  ['New Delhi', 'IN'],
  ['Hanoi', 'VN'],
  ['Busan', 'KR'],
  ['Bogotá', 'CO'],
  ['Brasília', 'BR'],
  ['Montréal', 'CA'],
  ['Madrid', 'ES'],
  ['Almaty', 'KZ'],
  ['Tunis', 'TN'],
]
const BODIES = ['SG2', 'SG3', 'SG5', 'SG9', 'SG11', 'SG12', 'SG13', 'SG15', 'SG17', 'SG20', 'TSAG']
const PATH = [
  'proposed',
  'shortlisted',
  'on_agenda',
  'discussed',
  'concluded',
  'referred',
  'work_item',
  'standard_approved',
]

const QUESTIONNAIRE = QuestionnaireSchema.parse({
  sections: [
    {
      id: 'priorities',
      title: { en: 'Priorities' },
      questions: [
        {
          id: 'theme',
          type: 'single_choice',
          text: { en: 'Which theme should the meeting address first?' },
          required: true,
          options: [
            { id: 'ai', label: { en: 'Artificial intelligence' } },
            { id: 'quantum', label: { en: 'Quantum' } },
            { id: 'green', label: { en: 'Sustainability' } },
          ],
        },
        { id: 'why', type: 'short_text', text: { en: 'Why?' } },
      ],
    },
  ],
})

export async function generate(db: Db, scale: Scale, seed = 1): Promise<GenerateResult> {
  const s = SCALES[scale]
  await ensureReferenceData(db)
  // The namespace of every id and name: two scales or seeds in one database are disjoint datasets.
  const k = `${scale}.${seed}`
  // A uniform number in [0, 1) from the seed and a key; an id from the seed and a key.
  const rnd = (key: ReturnType<typeof sql>) =>
    sql`(('x' || substr(md5(${k} || ':' || ${key}), 1, 8))::bit(32)::bigint / 4294967296.0)`
  const uid = (key: ReturnType<typeof sql>) => sql`md5(${k} || ':' || ${key})::uuid`
  const count = async (table: string) =>
    Number(
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(db)).rows[0]!.n,
    )
  const firstYear = 2026 - s.years
  const gap = (s.years * 365) / s.meetings
  const past = s.meetings - 2 // the last two meetings are still to come

  await inTransaction(db, async (trx) => {
    const run = (q: ReturnType<typeof sql>) => q.execute(trx)
    await run(sql`
      INSERT INTO app_user (id, email, name)
      VALUES (${uid(sql`'user'`)}, ${`generated.${scale}.${seed}@generated.example`}, 'Generated secretariat')
      ON CONFLICT DO NOTHING`)
    await run(sql`
      INSERT INTO role_assignment (user_id, role)
      SELECT ${uid(sql`'user'`)}, 'secretariat'
      WHERE NOT EXISTS (SELECT 1 FROM role_assignment WHERE user_id = ${uid(sql`'user'`)})`)

    // Organizations: most are Sector Members, a third SMEs, spread over the countries.
    await run(sql`
      WITH c AS (SELECT array_agg(code ORDER BY code) AS codes FROM country)
      INSERT INTO organization (id, name, category, country_code, sme, segment)
      SELECT ${uid(sql`'org:' || n`)},
             'Generated ' || ${k} || '-' || lpad(n::text, 5, '0'),
             CASE WHEN ${rnd(sql`'cat:' || n`)} < 0.7 THEN 'sector_member'
                  WHEN ${rnd(sql`'cat:' || n`)} < 0.8 THEN 'academia'
                  WHEN ${rnd(sql`'cat:' || n`)} < 0.9 THEN 'associate'
                  WHEN ${rnd(sql`'cat:' || n`)} < 0.95 THEN 'member_state' ELSE 'other' END,
             c.codes[1 + floor(${rnd(sql`'country:' || n`)} * array_length(c.codes, 1))::int],
             ${rnd(sql`'sme:' || n`)} < 0.3,
             (ARRAY['operator','vendor','hyperscaler','software','semiconductor','research'])[1 + (n % 6)]
      FROM generate_series(1, ${s.organizations}::int) n, c
      ON CONFLICT DO NOTHING`)

    // People: person n works for organization ((n - 1) mod O) + 1, so person o is each organization's first.
    await run(sql`
      INSERT INTO person (id, name, organization_id, seniority, email, public_consent)
      SELECT ${uid(sql`'person:' || n`)}, 'Person ' || ${k} || '-' || n,
             ${uid(sql`'org:' || (((n - 1) % ${s.organizations}::int) + 1)`)},
             CASE WHEN ${rnd(sql`'sen:' || n`)} < 0.25 THEN 'c_level'
                  WHEN ${rnd(sql`'sen:' || n`)} < 0.6 THEN 'senior_executive'
                  WHEN ${rnd(sql`'sen:' || n`)} < 0.85 THEN 'manager' ELSE 'expert' END,
             'person.' || ${k} || '.' || n || '@generated.example',
             ${rnd(sql`'consent:' || n`)} < 0.5
      FROM generate_series(1, ${s.people}::int) n
      ON CONFLICT DO NOTHING`)

    // Two groups, each with a tenth of the organizations as members (principal and alternate named).
    await run(sql`
      INSERT INTO engagement_group (id, kind, names)
      VALUES (${uid(sql`'group:1'`)}, 'cto_group', ${JSON.stringify({ en: `CTO group (generated ${k})` })}),
             (${uid(sql`'group:2'`)}, 'cxo_group', ${JSON.stringify({ en: `CxO group (generated ${k})` })})
      ON CONFLICT DO NOTHING`)
    await run(sql`
      INSERT INTO group_membership (id, group_id, organization_id, principal_person_id, alternate_person_id, start_date)
      SELECT ${uid(sql`'membership:' || n`)}, ${uid(sql`'group:' || (1 + n % 2)`)}, ${uid(sql`'org:' || n`)},
             ${uid(sql`'person:' || n`)},
             CASE WHEN n + ${s.organizations}::int <= ${s.people}::int
                  THEN ${uid(sql`'person:' || (n + ${s.organizations}::int)`)} END,
             ${`${firstYear}-01-01`}::date
      FROM generate_series(1, ${Math.floor(s.organizations / 10)}::int) n
      ON CONFLICT DO NOTHING`)

    // Meetings: every 4th a workshop, else CTO or CxO meetings of the groups, evenly spread over the years.
    const hosts = sql.join(HOSTS.map(([city, cc]) => sql`(${city}, ${cc})`))
    await run(sql`
      WITH h AS (SELECT row_number() OVER () - 1 AS i, city, cc FROM (VALUES ${hosts}) v(city, cc))
      INSERT INTO meeting (id, kind, titles, group_id, starts_at, ends_at, time_zone, format, country_code, city,
                           seniority_policy, status)
      SELECT ${uid(sql`'meeting:' || n`)},
             CASE WHEN n % 4 = 0 THEN 'workshop' WHEN n % 4 = 3 THEN 'cxo_meeting' ELSE 'cto_meeting' END,
             jsonb_build_object('en', 'Generated meeting ' || ${k} || '-' || n),
             CASE WHEN n % 4 = 0 THEN NULL WHEN n % 4 = 3 THEN ${uid(sql`'group:2'`)} ELSE ${uid(sql`'group:1'`)} END,
             start_at, start_at + interval '8 hours', 'UTC', 'in_person', h.cc, h.city,
             CASE WHEN n % 4 = 0 THEN 'open' ELSE 'executives_preferred' END,
             CASE WHEN n <= ${past}::int THEN 'concluded' ELSE 'registration_open' END
      FROM generate_series(1, ${s.meetings}::int) n
      CROSS JOIN LATERAL (SELECT CASE WHEN n <= ${past}::int
        THEN ${`${firstYear}-01-15T08:00:00Z`}::timestamptz + ((n - 1) * ${gap}::float8) * interval '1 day'
        ELSE now() + (n - ${past}::int) * interval '60 days' END AS start_at) t
      JOIN h ON h.i = floor(${rnd(sql`'host:' || n`)} * ${HOSTS.length}::int)
      ON CONFLICT DO NOTHING`)

    // Invitations, registrations and attendance: meeting m invites organizations o(m, j), j = 1..I, each
    // through its first person; the first R register and the first A attend (a few without a known name).
    // The window moves by a tenth of the attendance a meeting, so a group's consecutive meetings (at most
    // three apart) share most of their attendees, as real series do.
    const org = sql`(((m * ${Math.ceil(s.attended / 10)}::int + j) % ${s.organizations}::int) + 1)`
    const per = sql`generate_series(1, ${s.meetings}::int) m CROSS JOIN generate_series(1, ${s.invited}::int) j`
    await run(sql`
      INSERT INTO meeting_invitation (id, meeting_id, organization_id, person_id, state, sent_at, responded_at)
      SELECT ${uid(sql`'inv:' || m || ':' || j`)}, ${uid(sql`'meeting:' || m`)}, ${uid(sql`'org:' || ${org}`)},
             ${uid(sql`'person:' || ${org}`)},
             CASE WHEN j <= ${s.registered}::int THEN 'accepted'
                  WHEN m > ${past}::int THEN 'pending' ELSE 'declined' END,
             now(), CASE WHEN m <= ${past}::int OR j <= ${s.registered}::int THEN now() END
      FROM ${per}
      ON CONFLICT DO NOTHING`)
    await run(sql`
      INSERT INTO meeting_registration (id, meeting_id, organization_id, person_id, participation, status)
      SELECT ${uid(sql`'reg:' || m || ':' || j`)}, ${uid(sql`'meeting:' || m`)}, ${uid(sql`'org:' || ${org}`)},
             ${uid(sql`'person:' || ${org}`)},
             CASE WHEN ${rnd(sql`'remote:' || m || ':' || j`)} < 0.2 THEN 'remote' ELSE 'onsite' END, 'registered'
      FROM ${per} WHERE j <= ${s.registered}::int
      ON CONFLICT DO NOTHING`)
    await run(sql`
      INSERT INTO meeting_attendance (id, meeting_id, organization_id, person_id, attended_as, captured_by)
      SELECT ${uid(sql`'att:' || m || ':' || j`)}, ${uid(sql`'meeting:' || m`)}, ${uid(sql`'org:' || ${org}`)},
             CASE WHEN ${rnd(sql`'anon:' || m || ':' || j`)} < 0.05 THEN NULL ELSE ${uid(sql`'person:' || ${org}`)} END,
             CASE WHEN ${rnd(sql`'as:' || m || ':' || j`)} < 0.6 THEN 'principal'
                  WHEN ${rnd(sql`'as:' || m || ':' || j`)} < 0.8 THEN 'alternate'
                  WHEN ${rnd(sql`'as:' || m || ':' || j`)} < 0.95 THEN 'substitute' ELSE 'other' END,
             'list'
      FROM ${per} WHERE j <= ${s.attended}::int AND m <= ${past}::int
      ON CONFLICT DO NOTHING`)

    // Consultations before meetings, spread evenly over the held meetings (any period of the history has
    // some): each asks T organizations; A of them answer.
    const consulted = sql`((((c - 1) * ${past}::int) / ${s.consultations}::int) % ${past}::int + 1)`
    await run(sql`
      INSERT INTO consultation (id, titles, purpose, meeting_id, audience, opens_at, closes_at, confidentiality, status)
      SELECT ${uid(sql`'cons:' || c`)}, jsonb_build_object('en', 'Generated consultation ' || ${k} || '-' || c),
             'membership_agenda', ${uid(sql`'meeting:' || ${consulted}`)},
             jsonb_build_object('kind', 'organizations'),
             mt.starts_at - interval '60 days', mt.starts_at - interval '10 days', 'aggregated_public', 'closed'
      FROM generate_series(1, ${s.consultations}::int) c
      JOIN meeting mt ON mt.id = ${uid(sql`'meeting:' || ${consulted}`)}
      ON CONFLICT DO NOTHING`)
    await run(sql`
      INSERT INTO questionnaire_version (consultation_id, version, definition)
      SELECT ${uid(sql`'cons:' || c`)}, 1, ${JSON.stringify(QUESTIONNAIRE)}::jsonb
      FROM generate_series(1, ${s.consultations}::int) c
      ON CONFLICT DO NOTHING`)
    const target = sql`(((c * 104729 + j) % ${s.organizations}::int) + 1)`
    await run(sql`
      INSERT INTO consultation_target (id, consultation_id, organization_id)
      SELECT ${uid(sql`'target:' || c || ':' || j`)}, ${uid(sql`'cons:' || c`)}, ${uid(sql`'org:' || ${target}`)}
      FROM generate_series(1, ${s.consultations}::int) c CROSS JOIN generate_series(1, ${s.targets}::int) j
      ON CONFLICT DO NOTHING`)
    await run(sql`
      INSERT INTO consultation_response (id, consultation_id, target_id, questionnaire_version, answers, state,
                                         submitted_at)
      SELECT ${uid(sql`'answer:' || c || ':' || j`)}, ${uid(sql`'cons:' || c`)}, ${uid(sql`'target:' || c || ':' || j`)},
             1, jsonb_build_object('theme', (ARRAY['ai','quantum','green'])[1 + (j % 3)], 'why', 'Because ' || j),
             'submitted', cs.closes_at - interval '1 day'
      FROM generate_series(1, ${s.consultations}::int) c CROSS JOIN generate_series(1, ${s.answers}::int) j
      JOIN consultation cs ON cs.id = ${uid(sql`'cons:' || c`)}
      ON CONFLICT DO NOTHING`)

    // Topics: each moved k steps along the usual path, with an event per step.
    const steps = sql`floor(${rnd(sql`'steps:' || t`)} * ${PATH.length}::int)::int`
    await run(sql`
      INSERT INTO topic (id, titles, source, state, study_groups, created_by)
      SELECT ${uid(sql`'topic:' || t`)}, jsonb_build_object('en', 'Generated topic ' || ${k} || '-' || t),
             (ARRAY['strategy_mechanism','consultation','member_proposal','secretariat'])[1 + (t % 4)],
             (${sql.val(PATH)}::text[])[1 + ${steps}],
             ARRAY[(${sql.val(BODIES)}::text[])[1 + (t % ${BODIES.length}::int)]], ${uid(sql`'user'`)}
      FROM generate_series(1, ${s.topics}::int) t
      ON CONFLICT DO NOTHING`)
    await run(sql`
      INSERT INTO topic_event (topic_id, kind, from_state, to_state, by_label, at)
      SELECT ${uid(sql`'topic:' || t`)}, 'transition', (${sql.val(PATH)}::text[])[i], (${sql.val(PATH)}::text[])[i + 1],
             'Generated secretariat',
             ${`${firstYear}-01-01T00:00:00Z`}::timestamptz + ((t * 37 + i * 90) % (${s.years}::int * 365)) * interval '1 day'
      FROM generate_series(1, ${s.topics}::int) t CROSS JOIN LATERAL generate_series(1, ${steps}) i
      WHERE NOT EXISTS (SELECT 1 FROM topic_event e WHERE e.topic_id = ${uid(sql`'topic:' || t`)})`)

    // Each held meeting: a published agenda of eight topics, conclusions on them, actions from each conclusion.
    await run(sql`
      INSERT INTO agenda (id, meeting_id, version, status, published_at)
      SELECT ${uid(sql`'agenda:' || m`)}, ${uid(sql`'meeting:' || m`)}, 1, 'published', now()
      FROM generate_series(1, ${past}::int) m
      ON CONFLICT DO NOTHING`)
    const topicOf = sql`(((m * 31 + i) % ${s.topics}::int) + 1)`
    await run(sql`
      INSERT INTO agenda_item (id, agenda_id, position, topic_id, titles)
      SELECT ${uid(sql`'item:' || m || ':' || i`)}, ${uid(sql`'agenda:' || m`)}, i, ${uid(sql`'topic:' || ${topicOf}`)},
             jsonb_build_object('en', 'Generated topic ' || ${k} || '-' || ${topicOf})
      FROM generate_series(1, ${past}::int) m CROSS JOIN generate_series(1, 8) i
      ON CONFLICT DO NOTHING`)
    // Conclusions are recorded the day after their meeting, and its actions the day after that, so a report
    // as of a past date sees the ones of its time.
    await run(sql`
      INSERT INTO conclusion (id, meeting_id, topic_id, texts, type, created_at)
      SELECT ${uid(sql`'conclusion:' || m || ':' || i`)}, ${uid(sql`'meeting:' || m`)},
             ${uid(sql`'topic:' || ${topicOf}`)}, jsonb_build_object('en', 'Conclusion ' || m || '.' || i),
             (ARRAY['recommendation','request','observation','decision'])[1 + (i % 4)],
             mt.starts_at + interval '1 day'
      FROM generate_series(1, ${past}::int) m CROSS JOIN generate_series(1, ${s.conclusionsPerMeeting}::int) i
      JOIN meeting mt ON mt.id = ${uid(sql`'meeting:' || m`)}
      ON CONFLICT DO NOTHING`)
    await run(sql`
      INSERT INTO follow_up_action (id, conclusion_id, what, owner_body, responsible_user_id, due_date, status,
                                    created_at)
      SELECT ${uid(sql`'action:' || m || ':' || i || ':' || a`)}, ${uid(sql`'conclusion:' || m || ':' || i`)},
             jsonb_build_object('en', 'Action ' || m || '.' || i || '.' || a),
             (${sql.val(BODIES)}::text[])[1 + ((m + i + a) % ${BODIES.length}::int)], ${uid(sql`'user'`)},
             (mt.starts_at + interval '180 days')::date,
             CASE WHEN ${rnd(sql`'st:' || m || ':' || i || ':' || a`)} < 0.6 THEN 'done'
                  WHEN ${rnd(sql`'st:' || m || ':' || i || ':' || a`)} < 0.7 THEN 'dropped'
                  WHEN ${rnd(sql`'st:' || m || ':' || i || ':' || a`)} < 0.85 THEN 'in_progress' ELSE 'open' END,
             mt.starts_at + interval '2 days'
      FROM generate_series(1, ${past}::int) m CROSS JOIN generate_series(1, ${s.conclusionsPerMeeting}::int) i
      CROSS JOIN generate_series(1, ${s.actionsPerConclusion}::int) a
      JOIN meeting mt ON mt.id = ${uid(sql`'meeting:' || m`)}
      ON CONFLICT DO NOTHING`)
    // Each action that is no longer open got there through one recorded change, 30 to 209 days after it was
    // created: the history reports rebuild an action's status at a date from.
    await run(sql`
      INSERT INTO action_update (action_id, at, by_label, status_from, status_to)
      SELECT f.id, f.created_at + (30 + abs(hashtext(f.id::text)) % 180) * interval '1 day', 'Generated secretariat',
             'open', f.status
      FROM follow_up_action f
      WHERE f.status <> 'open'
        AND f.id = ANY(SELECT ${uid(sql`'action:' || m || ':' || i || ':' || a`)}
                       FROM generate_series(1, ${past}::int) m
                       CROSS JOIN generate_series(1, ${s.conclusionsPerMeeting}::int) i
                       CROSS JOIN generate_series(1, ${s.actionsPerConclusion}::int) a)
        AND NOT EXISTS (SELECT 1 FROM action_update u WHERE u.action_id = f.id)`)

    // The three Sectors (issue 11): half the meetings ITU-T's, a quarter each ITU-R's and ITU-D's (by a hash of
    // the id, so the split is the same for a seed); consultations and actions take their meeting's Sector.
    await run(sql`
      UPDATE meeting m SET sector_id = s.id FROM sector s
      WHERE m.sector_id IS NULL AND m.titles->>'en' LIKE 'Generated meeting %'
        AND s.code = (ARRAY['ITU-T', 'ITU-T', 'ITU-R', 'ITU-D'])[1 + abs(hashtext(m.id::text)) % 4]`)
    await run(sql`UPDATE consultation c SET sector_id = m.sector_id FROM meeting m
      WHERE m.id = c.meeting_id AND c.sector_id IS NULL`)
    await run(sql`UPDATE follow_up_action a SET sector_id = m.sector_id
      FROM conclusion c JOIN meeting m ON m.id = c.meeting_id WHERE c.id = a.conclusion_id AND a.sector_id IS NULL`)
    await run(sql`UPDATE topic SET sector_id = (SELECT id FROM sector WHERE code = 'ITU-T')
      WHERE sector_id IS NULL AND titles->>'en' LIKE 'Generated topic %'`)
  })
  await sql`ANALYZE`.execute(db)

  return {
    organizations: await count('organization'),
    people: await count('person'),
    meetings: await count('meeting'),
    invitations: await count('meeting_invitation'),
    registrations: await count('meeting_registration'),
    attendance: await count('meeting_attendance'),
    consultations: await count('consultation'),
    targets: await count('consultation_target'),
    answers: await count('consultation_response'),
    topics: await count('topic'),
    topicEvents: await count('topic_event'),
    conclusions: await count('conclusion'),
    actions: await count('follow_up_action'),
  }
}
