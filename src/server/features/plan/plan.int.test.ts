import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { reportTables } from '../../reports/model.ts'
import { workshopReport } from '../../reports/workshop-report.ts'
import { wtsaReport } from '../../reports/wtsa-report.ts'
import { buildMeeting, buildOrganization, buildPerson } from '../../testing/factories.ts'
import { useHarness } from '../../testing/harness.ts'
import { getPlan, listIndicators, readPlanData, scorecard } from './plan.service.ts'

const h = useHarness()

async function attend(meetingId: string, country: string, as = 'principal', seniority = 'c_level') {
  const org = await buildOrganization(h.db, { country_code: country })
  const person = await buildPerson(h.db, { organization_id: org.id, seniority })
  await h.db
    .insertInto('meeting_attendance')
    .values({
      meeting_id: meetingId,
      organization_id: org.id,
      person_id: person.id,
      attended_as: as,
      captured_by: 'list',
    })
    .execute()
}

const versionOf = async (code: string) =>
  (await h.db.selectFrom('plan_item').select('version').where('code', '=', code).executeTakeFirstOrThrow())
    .version

describe('the action plan', () => {
  test('is loaded on first start from its data file: items, pillars, proposed actions, starting indicators', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const plan = await getPlan(h.db, sec.actor)
    assert.equal(plan.items.length, 16)
    assert.equal(plan.pillars.length, 4)
    assert.equal(plan.actions.length, 26)
    assert.equal(plan.items.find((i) => i.code === 'AP1.1.2')?.parentCode, 'AP1.1')
    // The loader keeps every text of the data file.
    const data = readPlanData()
    assert.deepEqual(
      plan.items.map((i) => [i.code, i.shortName, i.keyOutcomes, i.kois, i.learning]),
      data.items.map((i) => [i.code, i.shortName, i.keyOutcomes, i.kois, i.learning]),
    )
    assert.deepEqual(
      plan.actions.map((a) => [a.code, a.sessions, a.targetItems]),
      data.proposedActions
        .map((a) => [a.code, a.sessions, a.targetItems])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    )
    assert.equal((await h.db.selectFrom('indicator').select('code').execute()).length, 6)
    const page = await h.request('/plan', { as: sec })
    assert.equal(page.status, 200)
    const html = await page.text()
    assert.match(html, /AP1\.1\.3/)
    assert.match(html, /Lack of awareness/)
    const focal = await h.user([{ role: 'focal_point', countryCode: 'KE' }])
    assert.equal((await h.request('/plan/items/AP1.4', { as: focal })).status, 200, 'members read the plan')
    assert.equal((await h.request('/plan')).status, 303, 'anonymous visitors sign in first')
    const csv = await (await h.request('/plan/export?format=csv', { as: sec })).text()
    assert.match(csv.split('\n')[0]!, /^code,parent,short_name,owner,status/)
  })

  test('progress rolls up; bad values, stale versions and cycles are refused and change nothing; every change is audited', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const post = (code: string, form: Record<string, string>, as = sec) =>
      h.request(`/plan/items/${code}`, { method: 'POST', as, form })
    assert.equal(
      (
        await post('AP1.1.1', {
          version: String(await versionOf('AP1.1.1')),
          status: 'in_progress',
          progress: '60',
        })
      ).status,
      303,
    )
    assert.equal(
      (await post('AP1.1.2', { version: String(await versionOf('AP1.1.2')), status: 'done', progress: '' }))
        .status,
      303,
    )
    const plan = await getPlan(h.db, sec.actor)
    // AP1.1 = (60 + 100 + 0) / 3
    assert.equal(plan.items.find((i) => i.code === 'AP1.1')?.rolledProgress, 53)
    const v = String(await versionOf('AP1.1.3'))
    const bad = await post('AP1.1.3', { version: v, status: 'in_progress', progress: '150' })
    assert.equal(bad.status, 422)
    assert.match(await bad.text(), /whole number from 0 to 100/)
    const stale = await post('AP1.1.3', { version: '0', status: 'done' })
    assert.equal(stale.status, 422)
    assert.match(await stale.text(), /changed this meanwhile/)
    const cycle = await post('AP1', {
      version: String(await versionOf('AP1')),
      status: 'in_progress',
      parentCode: 'AP1.1.3',
      weight: '1',
      ownerEntity: '',
    })
    assert.equal(cycle.status, 422)
    assert.match(await cycle.text(), /its own ancestor/)
    const unchanged = await h.db
      .selectFrom('plan_item')
      .select(['status', 'progress', 'parent_code'])
      .where('code', 'in', ['AP1', 'AP1.1.3'])
      .execute()
    assert.ok(
      unchanged.every(
        (r) =>
          (r.status === 'not_started' && r.progress === null && r.parent_code === null) ||
          r.parent_code === 'AP1.1',
      ),
    )
    const audit = await h.db
      .selectFrom('audit_log')
      .select('summary')
      .where('entity_type', '=', 'plan_item')
      .execute()
    assert.equal(audit.length, 2)
  })

  test('a lead of the owning entity updates its progress, not its structure; others may not', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const lead = await h.user([])
    await h.db.insertInto('body_lead').values({ body: 'RG-IEM', user_id: lead.userId }).execute()
    const other = await h.user([
      { role: 'member_representative', organizationId: (await buildOrganization(h.db)).id },
    ])
    assert.equal(
      (
        await h.request('/plan/items/AP5', {
          method: 'POST',
          as: sec,
          form: {
            version: String(await versionOf('AP5')),
            status: 'not_started',
            ownerEntity: 'RG-IEM',
            weight: '1',
            parentCode: '',
          },
        })
      ).status,
      303,
    )
    assert.equal(
      (
        await h.request('/plan/items/AP5', {
          method: 'POST',
          as: lead,
          form: { version: String(await versionOf('AP5')), status: 'in_progress', progress: '30' },
        })
      ).status,
      303,
    )
    assert.equal(
      (
        await h.request('/plan/items/AP5', {
          method: 'POST',
          as: other,
          form: { version: String(await versionOf('AP5')), status: 'done' },
        })
      ).status,
      403,
    )
    const row = await h.db
      .selectFrom('plan_item')
      .select(['status', 'progress', 'owner_entity'])
      .where('code', '=', 'AP5')
      .executeTakeFirstOrThrow()
    assert.deepEqual(row, { status: 'in_progress', progress: 30, owner_entity: 'RG-IEM' })
  })
})

describe('indicators and the scorecard', () => {
  test('a computed indicator per year from hand-counted records; a manual one with measurements, validated', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const m1 = await buildMeeting(h.db, { status: 'concluded', starts_at: new Date('1931-03-10T08:00:00Z') })
    const m2 = await buildMeeting(h.db, { status: 'concluded', starts_at: new Date('1932-03-10T08:00:00Z') })
    await attend(m1.id, 'KE')
    await attend(m1.id, 'FR')
    await attend(m2.id, 'KE')
    await attend(m2.id, 'SN')
    await attend(m2.id, 'DE')
    await attend(m2.id, 'FR', 'substitute', 'expert')
    const period = { from: '1931-01-01', to: '1932-12-31' }
    const dev = (await listIndicators(h.db, sec.actor, period, '1933-01-01')).find(
      (i) => i.code === 'developing_share',
    )!
    assert.deepEqual(
      dev.values.map((v) => v.value),
      [50, 50],
      '1931: KE of KE/FR; 1932: KE, SN of four',
    )
    assert.equal(dev.status, 'on_track', 'no target: steady counts as on track')

    const created = await h.request('/plan/indicators', {
      method: 'POST',
      as: sec,
      form: {
        code: 'circular_responses',
        name: 'Responses to circulars',
        unit: 'percent',
        direction: 'increase',
        query: '',
        itemCode: 'AP5',
      },
    })
    assert.equal(created.status, 303)
    const target = await h.request('/plan/indicators/circular_responses/target', {
      method: 'POST',
      as: sec,
      form: {
        version: '1',
        baselineValue: '20',
        baselineDate: '1930-01-01',
        targetValue: '60',
        targetDate: '1929-01-01',
      },
    })
    assert.equal(target.status, 422, 'a target date before the baseline')
    assert.match(await target.text(), /target date must come after the baseline date/)
    assert.equal(
      (
        await h.request('/plan/indicators/circular_responses/target', {
          method: 'POST',
          as: sec,
          form: {
            version: '1',
            baselineValue: '20',
            baselineDate: '1930-01-01',
            targetValue: '60',
            targetDate: '1934-01-01',
          },
        })
      ).status,
      303,
    )
    const wrongUnit = await h.request('/plan/indicators/circular_responses/measurements', {
      method: 'POST',
      as: sec,
      form: { measuredOn: '1932-01-01', value: '150', source: 'TSB Circular 1' },
    })
    assert.equal(wrongUnit.status, 422)
    assert.match(await wrongUnit.text(), /percentage must be between 0 and 100/)
    assert.equal((await h.db.selectFrom('indicator_measurement').select('id').execute()).length, 0)
    await h.request('/plan/indicators/circular_responses/measurements', {
      method: 'POST',
      as: sec,
      form: {
        measuredOn: '1932-01-01',
        value: '45',
        source: 'TSB Circular 1',
        evidence: 'https://example.org/c1',
      },
    })
    const manual = (await listIndicators(h.db, sec.actor, period, '1932-01-01')).find(
      (i) => i.code === 'circular_responses',
    )!
    // 25 of 40 points covered (62 %) after half the time (50 %): on track.
    assert.equal(manual.status, 'on_track')
    const computed = await h.request('/plan/indicators/developing_share/measurements', {
      method: 'POST',
      as: sec,
      form: { measuredOn: '1932-01-01', value: '45', source: 'x' },
    })
    assert.equal(computed.status, 422, 'a computed indicator takes no measurement by hand')
    const page = await (await h.request('/plan/indicators?from=1931-01-01&to=1932-12-31', { as: sec })).text()
    assert.match(page, /Responses to circulars/)
    assert.match(page, /On track/)
  })

  test('the scorecard counts each clause’s evidence; thresholds are settings that change the status', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const m1 = await buildMeeting(h.db, { status: 'concluded', starts_at: new Date('1921-03-10T08:00:00Z') })
    const m2 = await buildMeeting(h.db, { status: 'concluded', starts_at: new Date('1922-03-10T08:00:00Z') })
    await attend(m1.id, 'KE', 'principal', 'c_level')
    await attend(m2.id, 'FR', 'alternate', 'manager')
    await h.db
      .insertInto('consultation')
      .values({
        titles: JSON.stringify({ en: 'Before 1921' }),
        purpose: 'pre_meeting_developing_countries',
        meeting_id: m1.id,
        audience: JSON.stringify({}),
        opens_at: new Date('1921-01-10T00:00:00Z'),
        closes_at: new Date('1921-02-10T00:00:00Z'),
        confidentiality: 'secretariat',
        status: 'closed',
      })
      .execute()
    const period = { from: '1921-01-01', to: '1922-12-31' }
    const rows = new Map((await scorecard(h.db, sec.actor, period)).map((r) => [r.clause, r]))
    assert.deepEqual([rows.get('d1')!.part, rows.get('d1')!.whole], [1, 2], 'one executive of two people')
    assert.deepEqual(
      [rows.get('d2')!.part, rows.get('d2')!.whole, rows.get('d2')!.status],
      [1, 2, 'partly_met'],
    )
    assert.equal(rows.get('d12')!.status, 'not_met', 'no report to WTSA issued')
    assert.equal(rows.get('d7')!.status, 'no_data', 'no published agenda')
    const changed = await h.request('/plan/scorecard/d2', {
      method: 'POST',
      as: sec,
      form: { met: '0.5', partly: '0.25' },
    })
    assert.equal(changed.status, 303)
    const after = new Map((await scorecard(h.db, sec.actor, period)).map((r) => [r.clause, r]))
    assert.equal(after.get('d2')!.status, 'met')
    const bad = await h.request('/plan/scorecard/d2', {
      method: 'POST',
      as: sec,
      form: { met: '0.2', partly: '0.5' },
    })
    assert.equal(bad.status, 422)
    const page = await (
      await h.request(`/plan/scorecard?from=${period.from}&to=${period.to}`, { as: sec })
    ).text()
    assert.match(page, /Resolves 2/)
    const focal = await h.user([{ role: 'focal_point', countryCode: 'KE' }])
    assert.equal(
      (await h.request('/plan/scorecard/d2', { method: 'POST', as: focal, form: { met: '1', partly: '0' } }))
        .status,
      403,
    )
  })

  test('the WTSA report holds the plan, its indicators and the scorecard; the workshop report the actions it feeds', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const w = await buildMeeting(h.db, {
      status: 'concluded',
      starts_at: new Date('1911-09-10T08:00:00Z'),
      kind: 'workshop',
    })
    const bad = await h.request('/plan/actions', {
      method: 'POST',
      as: sec,
      form: {
        code: 'W11-01',
        meetingId: w.id,
        sessions: '1, R',
        point: 'Too slow',
        action: 'Study agile methods',
        targets: 'RG-IEM',
        targetItems: 'AP9',
      },
    })
    assert.equal(bad.status, 422)
    assert.match(await bad.text(), /not in the plan/)
    const ok = await h.request('/plan/actions', {
      method: 'POST',
      as: sec,
      form: {
        code: 'W11-01',
        meetingId: w.id,
        sessions: '1, R',
        point: 'Too slow',
        action: 'Study agile methods',
        targets: 'RG-IEM, TSB',
        targetItems: 'ap1.4',
      },
    })
    assert.equal(ok.status, 303)
    const workshop = await workshopReport(h.db, sec.actor, w.id, 'en', new Date('1912-01-01'))
    assert.deepEqual(reportTables(workshop).find((t) => t.id === 'plan_actions')!.rows, [
      ['W11-01: Too slow', '1, R', 'Study agile methods', 'RG-IEM, TSB', 'AP1.4'],
    ])
    const report = await wtsaReport(
      h.db,
      sec.actor,
      { from: '1911-01-01', to: '1912-12-31' },
      'en',
      new Date('1913-01-01'),
    )
    const ids = reportTables(report).map((t) => t.id)
    for (const id of ['plan_items', 'indicators', 'scorecard']) assert.ok(ids.includes(id), id)
    assert.equal(reportTables(report).find((t) => t.id === 'scorecard')!.rows.length, 17)
    const findings = report.blocks.find((b) => b.kind === 'findings') as { paragraphs: string[] }
    assert.ok(findings.paragraphs.some((p) => /clauses of Resolution 68 as met/.test(p)))
  })
})
