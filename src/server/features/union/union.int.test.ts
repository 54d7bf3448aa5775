import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildMeeting, buildOrganization } from '../../testing/factories.ts'
import { useHarness } from '../../testing/harness.ts'
import type { UnionView } from './union.service.ts'

const h = useHarness()

test('the Union-wide view puts the Sectors side by side, counts an organization once in the total and respects the period', async () => {
  const sectors = new Map(
    (await h.db.selectFrom('sector').select(['id', 'code']).execute()).map((s) => [s.code, s.id]),
  )
  assert.ok(sectors.has('ITU-T') && sectors.has('ITU-R') && sectors.has('ITU-D'), 'the Sectors are loaded')
  const user = await h.user([{ role: 'secretariat' }])
  const developing = await h.db
    .selectFrom('country')
    .select('code')
    .where('development_status', '=', 'developing')
    .executeTakeFirstOrThrow()
  const developed = await h.db
    .selectFrom('country')
    .select('code')
    .where('development_status', '<>', 'developing')
    .executeTakeFirstOrThrow()
  const orgA = await buildOrganization(h.db, { country_code: developing.code })
  const orgB = await buildOrganization(h.db, { country_code: developed.code })

  const meeting = async (sector: string | null, day: string, kind: string, status = 'held') => {
    const m = await buildMeeting(h.db, { starts_at: new Date(`${day}T09:00:00Z`), status, kind })
    await h.db
      .updateTable('meeting')
      .set({ sector_id: sector ? sectors.get(sector)! : null })
      .where('id', '=', m.id)
      .execute()
    return m.id
  }
  const attend = (meetingId: string, organizationId: string) =>
    h.db
      .insertInto('meeting_attendance')
      .values({
        meeting_id: meetingId,
        organization_id: organizationId,
        attended_as: 'other',
        captured_by: 'list',
      })
      .execute()

  const t1 = await meeting('ITU-T', '2021-03-01', 'cto_meeting')
  const r1 = await meeting('ITU-R', '2021-06-01', 'workshop')
  const u1 = await meeting(null, '2021-09-01', 'advisory_panel')
  await meeting('ITU-T', '2021-10-01', 'cto_meeting', 'draft') // not held: not counted
  const old = await meeting('ITU-T', '2019-05-01', 'cto_meeting') // outside the period
  await attend(t1, orgA.id)
  await attend(t1, orgB.id)
  await attend(r1, orgA.id)
  await attend(u1, orgB.id)
  await attend(old, orgA.id)

  // A consultation of ITU-R with two targets and one submitted answer.
  const consultation = await h.db
    .insertInto('consultation')
    .values({
      titles: JSON.stringify({ en: 'Views before the workshop' }),
      purpose: 'membership_agenda',
      audience: JSON.stringify({}),
      opens_at: new Date('2021-04-01T00:00:00Z'),
      closes_at: new Date('2021-05-01T00:00:00Z'),
      confidentiality: 'secretariat',
      status: 'closed',
      sector_id: sectors.get('ITU-R')!,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const targets = await h.db
    .insertInto('consultation_target')
    .values([
      { consultation_id: consultation.id, organization_id: orgA.id },
      { consultation_id: consultation.id, organization_id: orgB.id },
    ])
    .returning('id')
    .execute()
  await h.db
    .insertInto('consultation_response')
    .values({
      consultation_id: consultation.id,
      target_id: targets[0]!.id,
      answers: JSON.stringify({}),
      questionnaire_version: 1,
      state: 'submitted',
      submitted_at: new Date('2021-04-10T00:00:00Z'),
    })
    .execute()

  // Actions of the ITU-T meeting: one done, one dropped, one overdue.
  const conclusion = await h.db
    .insertInto('conclusion')
    .values({ meeting_id: t1, texts: JSON.stringify({ en: 'Study it' }), type: 'recommendation' })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (const status of ['done', 'dropped', 'open'])
    await h.db
      .insertInto('follow_up_action')
      .values({
        conclusion_id: conclusion.id,
        what: JSON.stringify({ en: status }),
        owner_body: 'TSAG',
        responsible_user_id: user.userId,
        due_date: '2021-12-31',
        status,
        sector_id: sectors.get('ITU-T')!,
        created_at: new Date('2021-03-02T00:00:00Z'),
      })
      .execute()

  // The Panel (Union-wide) gave two pieces of advice; one was implemented.
  const panel = await h.db
    .insertInto('advisory_panel')
    .values({
      code: 'IAP-1',
      names: JSON.stringify({ en: 'Industry Advisory Panel' }),
      term_starts_on: '2021-01-01',
      term_ends_on: '2022-12-31',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (const [number, status] of [
    [1, 'implemented'],
    [2, 'given'],
  ] as const)
    await h.db
      .insertInto('advisory_panel_advice')
      .values({
        panel_id: panel.id,
        number,
        given_on: '2021-09-01',
        advice: JSON.stringify({ en: `Advice ${number}` }),
        addressed_to: 'Council',
        status,
      })
      .execute()

  const res = await h.request('/api/v1/union?from=2021-01-01&to=2021-12-31')
  assert.equal(res.status, 200)
  const view = (await res.json()) as UnionView
  const col = (kind: string, sector: string | null = null) =>
    view.columns.find((c) => c.kind === kind && c.sector === sector)!.figures
  assert.deepEqual(
    view.columns.map((c) => c.sector ?? c.kind),
    ['ITU-T', 'ITU-R', 'ITU-D', 'union', 'total'],
  )
  assert.equal(col('sector', 'ITU-T').meetings, 1)
  assert.equal(col('sector', 'ITU-T').executiveMeetings, 1)
  assert.equal(col('sector', 'ITU-T').organizations, 2)
  assert.equal(col('sector', 'ITU-T').developingShare, 0.5)
  assert.equal(col('sector', 'ITU-R').workshops, 1)
  assert.equal(col('sector', 'ITU-R').organizations, 1)
  assert.equal(col('sector', 'ITU-R').consultations, 1)
  assert.equal(col('sector', 'ITU-R').responseRate, 0.5)
  assert.equal(col('sector', 'ITU-D').meetings, 0)
  assert.equal(col('sector', 'ITU-D').responseRate, null)
  assert.equal(col('union').panelMeetings, 1)
  assert.equal(col('union').advice, 2)
  assert.equal(col('union').adviceImplemented, 1)
  assert.equal(col('sector', 'ITU-T').actions, 3)
  assert.equal(col('sector', 'ITU-T').actionsDone, 1)
  assert.equal(col('sector', 'ITU-T').actionsOverdue, 1)
  assert.equal(col('sector', 'ITU-T').completionShare, 0.5)
  // The total counts each organization once, across Sectors.
  assert.equal(col('total').meetings, 3)
  assert.equal(col('total').organizations, 2)
  assert.equal(col('total').participants, 4)
  assert.equal(view.multiSectorOrganizations, 1, 'orgA met ITU-T and ITU-R')

  // The period moves the figures: 2019 holds only the old meeting.
  const y2019 = (await (await h.request('/api/v1/union?from=2019-01-01&to=2019-12-31')).json()) as UnionView
  assert.equal(y2019.columns.find((c) => c.sector === 'ITU-T')!.figures.meetings, 1)
  assert.equal(y2019.columns.find((c) => c.kind === 'total')!.figures.advice, 0)

  // The page shows the table in six languages, and the CSV carries the same figures.
  for (const lang of ['en', 'ar', 'zh']) {
    const page = await h.request(`/union?from=2021-01-01&to=2021-12-31&lang=${lang}`)
    assert.equal(page.status, 200)
    const html = await page.text()
    assert.match(html, /ITU-R/)
    // Changing the language keeps the period (the switcher carries the page's query, not its own lang).
    const switcher = html.slice(html.indexOf('class="lang-form"'), html.indexOf('id="lang-select"'))
    assert.match(switcher, /<input type="hidden" name="from" value="2021-01-01"\/>/)
    assert.match(switcher, /<input type="hidden" name="to" value="2021-12-31"\/>/)
    assert.doesNotMatch(switcher, /name="lang"/)
  }
  const csv = await (await h.request('/union?from=2021-01-01&to=2021-12-31&format=csv')).text()
  assert.match(csv, /^figure,ITU-T,ITU-R,ITU-D,union,total/m)
  assert.match(csv, /^meetings,1,1,0,1,3/m)
})

test('the Union-wide view refuses a bad period with field errors', async () => {
  const bad = await h.request('/api/v1/union?from=2021-13-01')
  assert.equal(bad.status, 422)
  const noSuchDay = await h.request('/api/v1/union?from=2021-01-01&to=2021-02-30')
  assert.equal(noSuchDay.status, 422)
  assert.deepEqual(((await noSuchDay.json()) as { errors: unknown }).errors, { to: ['date_invalid'] })
  const backwards = await h.request('/api/v1/union?from=2022-01-01&to=2021-01-01')
  assert.equal(backwards.status, 422)
  assert.match(JSON.stringify(await backwards.json()), /end_before_start/)
  const page = await h.request('/union?from=2022-01-01&to=2021-01-01')
  assert.equal(page.status, 422)
  assert.match(await page.text(), /must not be before the start/)
})
