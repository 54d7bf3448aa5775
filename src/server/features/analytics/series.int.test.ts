import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildGroup, buildMeeting, buildOrganization, buildPerson } from '../../testing/factories.ts'
import { useHarness } from '../../testing/harness.ts'
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
