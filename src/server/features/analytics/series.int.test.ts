import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildGroup, buildMeeting, buildOrganization, buildPerson } from '../../testing/factories.ts'
import { useHarness } from '../../testing/harness.ts'
import { parseCsv } from '../directory/import/csv.ts'
import type { Series } from './series.ts'

const h = useHarness()

async function attend(meetingId: string, organizationId: string, personId: string | null, as: string) {
  await h.db
    .insertInto('meeting_attendance')
    .values({
      meeting_id: meetingId,
      organization_id: organizationId,
      person_id: personId,
      attended_as: as,
      captured_by: 'list',
    })
    .execute()
}

/**
 * Three held meetings of one group (and a draft that must not count):
 * M1: A (KE, SME) by its principal a1 (C-level); B (FR) by its alternate b1 (senior executive); C (JP) by
 *     a substitute whose name is not known.
 * M2: A by a1 (principal, C-level) and a2 (alternate, manager); D (SN) by d1 (other, C-level).
 * M3: nobody recorded.
 */
async function fixture() {
  const group = await buildGroup(h.db, {
    kind: 'cto_group',
    names: { en: 'Series test group', fr: 'Groupe de la série' },
  })
  const [A, B, C, D] = await Promise.all([
    buildOrganization(h.db, { country_code: 'KE', sme: true }),
    buildOrganization(h.db, { country_code: 'FR' }),
    buildOrganization(h.db, { country_code: 'JP' }),
    buildOrganization(h.db, { country_code: 'SN' }),
  ])
  const a1 = await buildPerson(h.db, { organization_id: A.id, seniority: 'c_level' })
  const a2 = await buildPerson(h.db, { organization_id: A.id, seniority: 'manager' })
  const b1 = await buildPerson(h.db, { organization_id: B.id, seniority: 'senior_executive' })
  const d1 = await buildPerson(h.db, { organization_id: D.id, seniority: 'c_level' })
  const at = (d: string) => new Date(`${d}T08:00:00Z`)
  const m1 = await buildMeeting(h.db, {
    group_id: group.id,
    status: 'concluded',
    starts_at: at('2001-03-10'),
  })
  const m2 = await buildMeeting(h.db, { group_id: group.id, status: 'held', starts_at: at('2001-10-10') })
  const m3 = await buildMeeting(h.db, {
    group_id: group.id,
    status: 'concluded',
    starts_at: at('2002-03-10'),
  })
  const draft = await buildMeeting(h.db, { group_id: group.id, status: 'draft', starts_at: at('2002-06-10') })
  await attend(m1.id, A.id, a1.id, 'principal')
  await attend(m1.id, B.id, b1.id, 'alternate')
  await attend(m1.id, C.id, null, 'substitute')
  await attend(m2.id, A.id, a1.id, 'principal')
  await attend(m2.id, A.id, a2.id, 'alternate')
  await attend(m2.id, D.id, d1.id, 'other')
  await attend(draft.id, B.id, b1.id, 'principal')
  return { group, m1, m2, m3 }
}

describe('the figures of a series of meetings', () => {
  test('per meeting and across the series, from hand-counted records; open to all', async () => {
    const { group, m1, m2, m3 } = await fixture()
    const res = await h.request(`/api/v1/metrics/meetings?group=${encodeURIComponent('series TEST group')}`)
    assert.equal(res.status, 200, 'no sign-in needed: aggregates only')
    const s = (await res.json()) as Series
    assert.deepEqual(
      s.meetings.map((m) => m.id),
      [m1.id, m2.id, m3.id],
      'in date order; the draft is left out',
    )
    const [one, two, three] = s.meetings
    assert.deepEqual(
      {
        organizations: one!.organizations,
        participants: one!.participants,
        byRegion: one!.byRegion,
        developingShare: one!.developingShare,
        smeShare: one!.smeShare,
        executiveShare: one!.executiveShare,
        principalOrAlternateShare: one!.principalOrAlternateShare,
        jaccardPrevious: one!.jaccardPrevious,
        newcomers: one!.newcomers,
        retainedNext: one!.retainedNext,
      },
      {
        organizations: 3,
        participants: 3, // a1, b1, and C counted once without a name
        byRegion: { africa: 1, europe: 1, asia_pacific: 1 },
        developingShare: 1 / 3,
        smeShare: 1 / 3,
        executiveShare: 1 / 2, // a1 of a1 and b1
        principalOrAlternateShare: 2 / 3,
        jaccardPrevious: null,
        newcomers: 3,
        retainedNext: 1 / 3, // only A came back
      },
    )
    assert.deepEqual(
      [
        two!.organizations,
        two!.participants,
        two!.developingShare,
        two!.executiveShare,
        two!.principalOrAlternateShare,
      ],
      [2, 3, 1, 2 / 3, 1 / 2],
    )
    assert.deepEqual([two!.jaccardPrevious, two!.newcomers, two!.retainedNext], [1 / 4, 1, 0])
    assert.deepEqual(
      [
        three!.organizations,
        three!.participants,
        three!.developingShare,
        three!.jaccardPrevious,
        three!.retainedNext,
      ],
      [0, 0, null, 0, null],
      'an empty meeting: no shares, and nothing in common with the one before',
    )
    assert.deepEqual(s.summary, {
      meetings: 3,
      hostCountries: 1,
      hostRegions: 1,
      distinctOrganizations: 4,
      coreOrganizations: 1, // A attended two of three meetings
      medianOrganizationsPerMeeting: 2,
      awayFromHeadquartersShare: 0, // all three in Geneva
      consultedShare: 0,
      medianConsultationLeadDays: null,
      consultationResponseRate: null,
      topicsDiscussed: 0,
      topicsToStandardization: 0,
      actions: 0,
      actionsDone: 0,
      actionsOverdue: 0,
      completionShare: null,
    })
    const byId = (await (
      await h.request(`/api/v1/metrics/meetings?group=${group.id}&from=2001-06-01`)
    ).json()) as Series
    assert.deepEqual(
      byId.meetings.map((m) => m.id),
      [m2.id, m3.id],
    )
    assert.equal(byId.meetings[0]!.newcomers, 2, 'within the result, M2 is the first meeting')
  })

  test('bad filters are refused with the field named; an empty period is an empty, valid answer', async () => {
    await fixture()
    for (const [query, field] of [
      ['from=2001-13-45x', 'from'],
      ['from=2002-01-01&to=2001-01-01', 'to'],
      ['kind=cto_meeting,tea_party', 'kind'],
      ['group=No such group', 'group'],
    ] as const) {
      const res = await h.request(`/api/v1/metrics/meetings?${query}`)
      assert.equal(res.status, 422, query)
      const body = (await res.json()) as { errors: Record<string, string[]> }
      assert.ok(body.errors[field], `${query}: ${JSON.stringify(body.errors)}`)
    }
    const empty = (await (
      await h.request('/api/v1/metrics/meetings?from=1900-01-01&to=1900-12-31')
    ).json()) as Series
    assert.deepEqual(empty, {
      meetings: [],
      summary: {
        meetings: 0,
        hostCountries: 0,
        hostRegions: 0,
        distinctOrganizations: 0,
        coreOrganizations: 0,
        medianOrganizationsPerMeeting: null,
        awayFromHeadquartersShare: null,
        consultedShare: null,
        medianConsultationLeadDays: null,
        consultationResponseRate: null,
        topicsDiscussed: 0,
        topicsToStandardization: 0,
        actions: 0,
        actionsDone: 0,
        actionsOverdue: 0,
        completionShare: null,
      },
    })
  })

  test('the analysis page and its CSV show the same numbers as the API', async () => {
    const { group } = await fixture()
    const page = await h.request(`/analytics?group=${group.id}&to=2002-12-31`)
    assert.equal(page.status, 200, 'public: aggregates only')
    const html = await page.text()
    assert.match(html, /Engagement analytics/)
    assert.match(html, /<dt>Organizations that took part<\/dt><dd>4<\/dd>/)
    assert.match(html, /<dt>Median organizations per meeting<\/dt><dd>2<\/dd>/)
    const csv = await (await h.request(`/analytics?group=${group.id}&to=2002-12-31&format=csv`)).text()
    const [header, first] = csv.trim().split('\n')
    assert.match(header!, /^date,kind,meeting,city,country,region,organizations,participants,developingShare/)
    assert.match(first!, /^2001-03-10,cto_meeting,.*,3,3,0\.333/)
    const bad = await h.request('/analytics?from=yesterday')
    assert.equal(bad.status, 422)
    assert.match(await bad.text(), /must be a date/)
  })
})

/**
 * The cycle around a series: M1 (Geneva) consulted twice beforehand, M2 (Nairobi) with only an evaluation
 * afterwards, M3 online with nothing.
 * - Attendance: M1 A (sector member; a1 C-level) and B (academia; b1 expert); M2 A (a1).
 * - Consultations of M1: C1 opened 60 days before (3 targets, 1 submitted, 1 draft answer), C0 opened later
 *   (1 target, submitted). M2's evaluation closes after the meeting; a draft consultation never counts.
 * - Topics: M1's published agenda has Ta and Tb (its draft agenda has Tc); M2 concluded on Ta and Tc.
 *   Ta reached a work item.
 * - Actions from M1's conclusions: done, dropped, overdue open, in progress not due.
 */
async function cycleFixture() {
  const group = await buildGroup(h.db, { names: { en: 'Cycle test group' } })
  const staff = await h.db
    .insertInto('app_user')
    .values({ email: `${crypto.randomUUID()}@example.org`, name: 'Staff' })
    .returning('id')
    .executeTakeFirstOrThrow()
  const A = await buildOrganization(h.db, { category: 'sector_member', country_code: 'KE' })
  const B = await buildOrganization(h.db, { category: 'academia', country_code: 'FR' })
  const a1 = await buildPerson(h.db, { organization_id: A.id, seniority: 'c_level' })
  const b1 = await buildPerson(h.db, { organization_id: B.id, seniority: 'expert' })
  const at = (d: string) => new Date(`${d}T08:00:00Z`)
  const m1 = await buildMeeting(h.db, {
    group_id: group.id,
    status: 'concluded',
    starts_at: at('2003-03-10'),
  })
  const m2 = await buildMeeting(h.db, {
    group_id: group.id,
    status: 'concluded',
    starts_at: at('2003-10-10'),
  })
  const m3 = await buildMeeting(h.db, { group_id: group.id, status: 'held', starts_at: at('2004-03-10') })
  await h.db
    .updateTable('meeting')
    .set({ country_code: 'KE', city: 'Nairobi' })
    .where('id', '=', m2.id)
    .execute()
  await h.db
    .updateTable('meeting')
    .set({ country_code: null, city: null, format: 'online' })
    .where('id', '=', m3.id)
    .execute()
  await attend(m1.id, A.id, a1.id, 'principal')
  await attend(m1.id, B.id, b1.id, 'principal')
  await attend(m2.id, A.id, a1.id, 'principal')

  const consultation = async (
    meetingId: string,
    opens: string,
    closes: string,
    status: string,
    answers: (string | null)[],
  ) => {
    const c = await h.db
      .insertInto('consultation')
      .values({
        meeting_id: meetingId,
        titles: JSON.stringify({ en: 'Consultation' }),
        purpose: 'membership_agenda',
        audience: JSON.stringify({}),
        opens_at: new Date(`${opens}T00:00:00Z`),
        closes_at: new Date(`${closes}T00:00:00Z`),
        confidentiality: 'secretariat',
        status,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (const state of answers) {
      const target = await h.db
        .insertInto('consultation_target')
        .values({ consultation_id: c.id, organization_id: (await buildOrganization(h.db)).id })
        .returning('id')
        .executeTakeFirstOrThrow()
      if (state)
        await h.db
          .insertInto('consultation_response')
          .values({
            consultation_id: c.id,
            target_id: target.id,
            questionnaire_version: 1,
            answers: JSON.stringify({}),
            state,
            submitted_at: state === 'submitted' ? new Date(`${closes}T00:00:00Z`) : null,
          })
          .execute()
    }
  }
  await consultation(m1.id, '2003-01-09', '2003-02-28', 'closed', ['submitted', 'draft', null])
  await consultation(m1.id, '2003-02-01', '2003-03-01', 'closed', ['submitted'])
  await consultation(m1.id, '2002-12-01', '2003-02-01', 'draft', [null])
  await consultation(m2.id, '2003-10-11', '2003-10-20', 'closed', ['submitted'])

  const topic = async () =>
    h.db
      .insertInto('topic')
      .values({ titles: JSON.stringify({ en: 'Topic' }), source: 'secretariat', state: 'discussed' })
      .returning('id')
      .executeTakeFirstOrThrow()
  const [Ta, Tb, Tc] = [await topic(), await topic(), await topic()]
  await h.db
    .insertInto('topic_event')
    .values({
      topic_id: Ta.id,
      kind: 'transition',
      from_state: 'concluded',
      to_state: 'work_item',
      by_label: 'SG',
    })
    .execute()
  for (const [status, version, topics] of [
    ['published', 1, [Ta, Tb]],
    ['draft', 2, [Tc]],
  ] as const) {
    const agenda = await h.db
      .insertInto('agenda')
      .values({ meeting_id: m1.id, status, version })
      .returning('id')
      .executeTakeFirstOrThrow()
    let position = 1
    for (const tp of topics)
      await h.db
        .insertInto('agenda_item')
        .values({ agenda_id: agenda.id, position: position++, topic_id: tp.id })
        .execute()
  }
  const conclude = async (meetingId: string, topicId: string | null) =>
    h.db
      .insertInto('conclusion')
      .values({
        meeting_id: meetingId,
        topic_id: topicId,
        texts: JSON.stringify({ en: 'C' }),
        type: 'decision',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  await conclude(m2.id, Ta.id)
  await conclude(m2.id, Tc.id)
  const c1 = await conclude(m1.id, null)
  for (const [status, due] of [
    ['done', '2003-06-01'],
    ['dropped', '2003-06-01'],
    ['open', '2003-06-01'],
    ['in_progress', '2999-01-01'],
  ] as const)
    await h.db
      .insertInto('follow_up_action')
      .values({
        conclusion_id: c1.id,
        what: JSON.stringify({ en: 'Do' }),
        owner_body: 'SG13',
        responsible_user_id: staff.id,
        due_date: due,
        status,
      })
      .execute()
  return { group, m1, m2, m3 }
}

describe('the cycle around a series of meetings', () => {
  test('composition, hosts, consultations, topics and follow-up, from hand-counted records', async () => {
    const { group } = await cycleFixture()
    const s = (await (await h.request(`/api/v1/metrics/meetings?group=${group.id}`)).json()) as Series
    const pick = (m: Series['meetings'][number]) => ({
      returningPrevious: m.returningPrevious,
      byCategory: m.byCategory,
      bySeniority: m.bySeniority,
      awayFromHeadquarters: m.awayFromHeadquarters,
      consulted: m.consulted,
      consultationLeadDays: m.consultationLeadDays,
      consultationTargets: m.consultationTargets,
      consultationResponses: m.consultationResponses,
      consultationResponseRate: m.consultationResponseRate,
      topicsDiscussed: m.topicsDiscussed,
      topicsCarried: m.topicsCarried,
      topicsToStandardization: m.topicsToStandardization,
      actions: m.actions,
      actionsDone: m.actionsDone,
      actionsDropped: m.actionsDropped,
      actionsOverdue: m.actionsOverdue,
      completionShare: m.completionShare,
    })
    assert.deepEqual(s.meetings.map(pick), [
      {
        returningPrevious: null,
        byCategory: { sector_member: 1, academia: 1 },
        bySeniority: { c_level: 1, expert: 1 },
        awayFromHeadquarters: false,
        consulted: true,
        consultationLeadDays: 60, // from C1's opening (60 days and 8 hours)
        consultationTargets: 4,
        consultationResponses: 2, // a draft answer is not a response
        consultationResponseRate: 0.5,
        topicsDiscussed: 2, // the draft agenda's topic does not count
        topicsCarried: 0,
        topicsToStandardization: 1,
        actions: 4,
        actionsDone: 1,
        actionsDropped: 1,
        actionsOverdue: 1,
        completionShare: 1 / 3, // dropped actions are left out
      },
      {
        returningPrevious: 1,
        byCategory: { sector_member: 1 },
        bySeniority: { c_level: 1 },
        awayFromHeadquarters: true,
        consulted: false, // its only consultation closed after it
        consultationLeadDays: null,
        consultationTargets: 0,
        consultationResponses: 0,
        consultationResponseRate: null,
        topicsDiscussed: 2,
        topicsCarried: 1, // Ta, on M1's agenda
        topicsToStandardization: 1,
        actions: 0,
        actionsDone: 0,
        actionsDropped: 0,
        actionsOverdue: 0,
        completionShare: null,
      },
      {
        returningPrevious: null, // nobody attended
        byCategory: {},
        bySeniority: {},
        awayFromHeadquarters: null, // online
        consulted: false,
        consultationLeadDays: null,
        consultationTargets: 0,
        consultationResponses: 0,
        consultationResponseRate: null,
        topicsDiscussed: 0,
        topicsCarried: 0,
        topicsToStandardization: 0,
        actions: 0,
        actionsDone: 0,
        actionsDropped: 0,
        actionsOverdue: 0,
        completionShare: null,
      },
    ])
    const { summary } = s
    assert.deepEqual(
      {
        awayFromHeadquartersShare: summary.awayFromHeadquartersShare,
        consultedShare: summary.consultedShare,
        medianConsultationLeadDays: summary.medianConsultationLeadDays,
        consultationResponseRate: summary.consultationResponseRate,
        topicsDiscussed: summary.topicsDiscussed,
        topicsToStandardization: summary.topicsToStandardization,
        actions: summary.actions,
        actionsDone: summary.actionsDone,
        actionsOverdue: summary.actionsOverdue,
        completionShare: summary.completionShare,
      },
      {
        awayFromHeadquartersShare: 0.5, // of the two meetings with a place
        consultedShare: 1 / 3,
        medianConsultationLeadDays: 60,
        consultationResponseRate: 0.5,
        topicsDiscussed: 3,
        topicsToStandardization: 1,
        actions: 4,
        actionsDone: 1,
        actionsOverdue: 1,
        completionShare: 1 / 3,
      },
    )

    const html = await (await h.request(`/analytics?group=${group.id}`)).text()
    assert.match(html, /<dt>Meetings away from headquarters<\/dt><dd>50%<\/dd>/)
    assert.match(html, /<dt>Median consultation lead time<\/dt><dd>60 days<\/dd>/)
    assert.match(html, /<dt>Follow-up actions done<\/dt><dd>1 of 4<\/dd>/)
    assert.match(html, /<th scope="row">Kenya<\/th><td>Africa<\/td><td>1<\/td>/)
    const csv = await (await h.request(`/analytics?group=${group.id}&format=csv`)).text()
    const row = parseCsv(csv).rows[0]!
    assert.equal(row.category_academia, '1')
    assert.equal(row.consultationleaddays, '60', 'the parser lowers the header')
    assert.equal(row.completionshare, String(1 / 3))
  })
})
