import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { useHarness } from '../../testing/harness.ts'
import { getPlan } from './plan.service.ts'

const h = useHarness()

function csvForm(csv: string, csrf: string, cookie: string) {
  const body = new FormData()
  body.set('_csrf', csrf)
  body.set('file', new File([csv], 'plan.csv', { type: 'text/csv' }))
  return { method: 'POST', body, headers: { Cookie: cookie } }
}

describe('plan versions, structure, milestones and the bulk update', () => {
  test('a new version copies the current one; changes to it show in the difference view; the earlier one stays', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const bad = await h.request('/plan/versions', {
      method: 'POST',
      as: sec,
      form: { code: '2024', title: 'Again' },
    })
    assert.equal(bad.status, 422)
    assert.match(await bad.text(), /another version has this code/)
    assert.equal(
      (
        await h.request('/plan/versions', {
          method: 'POST',
          as: sec,
          form: { code: '2025', title: 'After the 2025 workshop' },
        })
      ).status,
      303,
    )
    const added = await h.request('/plan/items', {
      method: 'POST',
      as: sec,
      form: {
        code: 'AP7',
        parentCode: '',
        shortName: 'Next generation',
        text: 'Attract the next generation of engineers.',
      },
    })
    assert.equal(added.status, 303)
    const dup = await h.request('/plan/items', { method: 'POST', as: sec, form: { code: 'AP7', text: 'x' } })
    assert.equal(dup.status, 422)
    const item = (await getPlan(h.db, sec.actor)).items.find((i) => i.code === 'AP1.4')!
    await h.request('/plan/items/AP1.4', {
      method: 'POST',
      as: sec,
      form: { version: String(item.version), status: 'in_progress', progress: '20' },
    })
    const page = await (await h.request('/plan/versions?a=2024&b=2025', { as: sec })).text()
    assert.match(page, /AP7<\/td><td>Added/)
    assert.match(page, /AP1\.4<\/td><td>Changed/)
    assert.match(page, /Not started → In progress|not_started → in_progress/)
    const old = await getPlan(h.db, sec.actor, '2024')
    assert.equal(
      old.items.find((i) => i.code === 'AP1.4')!.status,
      'not_started',
      'the earlier version is unchanged',
    )
    assert.equal((await getPlan(h.db, sec.actor)).version.code, '2025')
  })

  test('milestones are added and ticked off on the item page', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    assert.equal(
      (
        await h.request('/plan/items/AP2/milestones', {
          method: 'POST',
          as: sec,
          form: { title: 'Second workshop held', dueDate: '2026-09-30' },
        })
      ).status,
      303,
    )
    const page = await (await h.request('/plan/items/AP2', { as: sec })).text()
    assert.match(page, /Second workshop held/)
    const id = /action="\/plan\/milestones\/([0-9a-f-]{36})"/.exec(page)![1]!
    await h.request(`/plan/milestones/${id}`, {
      method: 'POST',
      as: sec,
      form: { done: 'true', back: '/plan/items/AP2' },
    })
    const row = await h.db
      .selectFrom('plan_milestone')
      .select('done_on')
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    assert.ok(row.done_on)
  })

  test('the bulk update is all or nothing, with every bad row named', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const badCsv =
      'code,status,progress\nAP1.2,in_progress,30\nAP99,done,\nAP1.3,finished,120\nAP1,in_progress,10\n'
    const bad = await h.app.request('/plan/bulk', csvForm(badCsv, sec.csrf, sec.cookie))
    assert.equal(bad.status, 422)
    const text = await bad.text()
    assert.match(text, /Row 3/)
    assert.match(text, /Row 4/)
    assert.match(text, /Row 5/, 'AP1 has sub-items: its progress is rolled up, not entered')
    // (The first test started version 2025, a copy: only the current version's items count here.)
    const current = () =>
      h.db
        .selectFrom('plan_item as i')
        .innerJoin('plan_version as v', 'v.id', 'i.version_id')
        .where('v.current', '=', true)
    const untouched = await current()
      .select('i.status')
      .where('i.code', '=', 'AP1.2')
      .executeTakeFirstOrThrow()
    assert.equal(untouched.status, 'not_started', 'nothing changed')
    const ok = await h.app.request(
      '/plan/bulk',
      csvForm(
        'code,status,progress\nAP1.2,in_progress,30\nAP1.3,done,\nIWX-02,on_hold,10\n',
        sec.csrf,
        sec.cookie,
      ),
    )
    assert.equal(ok.status, 200)
    assert.match(await ok.text(), /3 items updated/)
    const iwx = (await getPlan(h.db, sec.actor)).actions.find((a) => a.code === 'IWX-02')!
    assert.deepEqual([iwx.status, iwx.progress], ['on_hold', 10], 'proposed actions too')
    const rows = await current()
      .select(['i.code', 'i.status', 'i.progress'])
      .where('i.code', 'in', ['AP1.2', 'AP1.3'])
      .orderBy('i.code')
      .execute()
    assert.deepEqual(rows, [
      { code: 'AP1.2', status: 'in_progress', progress: 30 },
      { code: 'AP1.3', status: 'done', progress: null },
    ])
    const focal = await h.user([{ role: 'focal_point', countryCode: 'KE' }])
    assert.equal(
      (await h.app.request('/plan/bulk', csvForm('code,status,progress\n', focal.csrf, focal.cookie))).status,
      403,
    )
  })

  test('texts are edited by the secretariat or the owner’s rapporteur, with history; proposed actions are updated', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const lead = await h.user([])
    await h.db.insertInto('body_lead').values({ body: 'RG-WM', user_id: lead.userId }).execute()
    const version = async (code: string) =>
      (await getPlan(h.db, sec.actor)).items.find((i) => i.code === code)!.version
    await h.request('/plan/items/AP1.6', {
      method: 'POST',
      as: sec,
      form: {
        version: String(await version('AP1.6')),
        status: 'not_started',
        ownerEntity: 'RG-WM',
        weight: '1',
        parentCode: 'AP1',
      },
    })
    const page = await (await h.request('/plan/items/AP1.6', { as: lead })).text()
    assert.match(page, /Edit the texts/, 'the rapporteur sees the form')
    const form = {
      version: String(await version('AP1.6')),
      shortName: 'Dialogue',
      text: 'Identify how members can contribute to a dialogue.',
      keyOutcomes: 'Outcome one\nOutcome two\n',
      kois: 'KOI one',
      objective: '',
      strategies: '',
      enablers: '',
      services: '',
      learning: '',
    }
    assert.equal((await h.request('/plan/items/AP1.6/texts', { method: 'POST', as: lead, form })).status, 303)
    const item = (await getPlan(h.db, sec.actor)).items.find((i) => i.code === 'AP1.6')!
    assert.deepEqual(item.keyOutcomes, ['Outcome one', 'Outcome two'])
    assert.equal(item.objective, null)
    const stale = await h.request('/plan/items/AP1.6/texts', { method: 'POST', as: lead, form })
    assert.match(stale.headers.get('location') ?? '', /plan_conflict/, 'an old version is refused')
    const retire = await h.request('/plan/items/AP1.6/texts', {
      method: 'POST',
      as: lead,
      form: { ...form, version: String(item.version), retired: 'true' },
    })
    assert.equal(retire.status, 403, 'retiring is the secretariat’s')
    const other = await h.user([])
    assert.equal(
      (await h.request('/plan/items/AP1.6/texts', { method: 'POST', as: other, form })).status,
      403,
    )
    const history = await h.db
      .selectFrom('audit_log')
      .select('summary')
      .where('entity_id', '=', item.id)
      .execute()
    assert.ok(history.some((x) => /texts edited/.test(x.summary ?? '')))

    const action = (await getPlan(h.db, sec.actor)).actions.find((a) => a.code === 'IWX-01')!
    const bad = await h.request('/plan/actions/IWX-01', {
      method: 'POST',
      as: sec,
      form: { version: String(action.version), status: 'in_progress', progress: '140' },
    })
    assert.equal(bad.status, 422)
    assert.equal(
      (
        await h.request('/plan/actions/IWX-01', {
          method: 'POST',
          as: sec,
          form: {
            version: String(action.version),
            status: 'in_progress',
            progress: '40',
            ownerEntity: 'RG-IEM',
          },
        })
      ).status,
      303,
    )
    assert.equal(
      (
        await h.request('/plan/actions/IWX-01/milestones', {
          method: 'POST',
          as: sec,
          form: { title: 'Study presented to TSAG', dueDate: '2027-01-31' },
        })
      ).status,
      303,
    )
    const current = (await getPlan(h.db, sec.actor)).actions.find((x) => x.code === 'IWX-01')!
    const texts = {
      version: String(current.version),
      point: current.point,
      action: 'Investigate agile methods (revised)',
      sessions: '1, 3, R',
      targets: 'RG-IEM, TSB',
      targetItems: 'AP1.4, AP9',
      comments: '',
    }
    const unknown = await h.request('/plan/actions/IWX-01/texts', { method: 'POST', as: sec, form: texts })
    assert.equal(unknown.status, 422, 'AP9 is not in the plan')
    assert.equal(
      (
        await h.request('/plan/actions/IWX-01/texts', {
          method: 'POST',
          as: sec,
          form: { ...texts, targetItems: 'AP1.4, ap1.7' },
        })
      ).status,
      303,
    )
    const edited = (await getPlan(h.db, sec.actor)).actions.find((x) => x.code === 'IWX-01')!
    assert.deepEqual(
      [edited.action, edited.targetItems],
      ['Investigate agile methods (revised)', ['AP1.4', 'AP1.7']],
    )
    const pillar = await h.request('/plan/pillars/adding_value', {
      method: 'POST',
      as: sec,
      form: { title: 'Adding value', items: 'AP1.2, AP1.3, AP1.6, AP2' },
    })
    assert.equal(pillar.status, 303)
    assert.deepEqual((await getPlan(h.db, sec.actor)).pillars.find((p) => p.code === 'adding_value')!.items, [
      'AP1.2',
      'AP1.3',
      'AP1.6',
      'AP2',
    ])
    const badPillar = await h.request('/plan/pillars/adding_value', {
      method: 'POST',
      as: sec,
      form: { title: '', items: 'AP1.2' },
    })
    assert.match(badPillar.headers.get('location') ?? '', /pillar_invalid/)
    assert.equal(
      (
        await h.request('/plan/pillars/adding_value', {
          method: 'POST',
          as: lead,
          form: { title: 'x', items: '' },
        })
      ).status,
      403,
    )
    const actionPage = await (await h.request('/plan/actions/IWX-01', { as: sec })).text()
    assert.match(actionPage, /Study presented to TSAG/)
    assert.match(actionPage, /In progress \(40 %\) — RG-IEM/)
  })
})

describe('the plan API', () => {
  test('reads the plan, updates an item and a proposed action, records a measurement, compares versions', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const plan = (await (await h.request('/api/v1/plan', { as: sec })).json()) as {
      items: { code: string; version: number }[]
    }
    const ap2 = plan.items.find((i) => i.code === 'AP2')!
    const patched = await h.request('/api/v1/plan/items/AP2', {
      method: 'PATCH',
      as: sec,
      json: { version: ap2.version, status: 'in_progress', progress: 25 },
    })
    assert.equal(patched.status, 200)
    assert.equal(((await patched.json()) as { rolledProgress: number }).rolledProgress, 25)
    const over = await h.request('/api/v1/plan/items/AP2', {
      method: 'PATCH',
      as: sec,
      json: { version: ap2.version + 1, progress: 101 },
    })
    assert.equal(over.status, 422)
    const created = await h.request('/api/v1/plan/indicators', {
      method: 'POST',
      as: sec,
      json: {
        code: 'api_manual',
        name: 'Manual by API',
        unit: 'count',
        direction: 'increase',
        targetValue: 10,
      },
    })
    assert.equal(created.status, 201)
    const measured = await h.request('/api/v1/plan/indicators/api_manual/measurements', {
      method: 'POST',
      as: sec,
      json: { measuredOn: '2026-06-01', value: 12, source: 'count by hand' },
    })
    assert.equal(measured.status, 201)
    const list = (await (
      await h.request('/api/v1/plan/indicators?from=2026-01-01&to=2026-12-31', { as: sec })
    ).json()) as {
      code: string
      status: string
    }[]
    assert.equal(list.find((i) => i.code === 'api_manual')!.status, 'achieved')
    const score = (await (
      await h.request('/api/v1/plan/scorecard?from=2026-01-01&to=2026-12-31', { as: sec })
    ).json()) as unknown[]
    assert.equal(score.length, 17)
    const member = await h.user([{ role: 'focal_point', countryCode: 'KE' }])
    assert.equal(
      (
        await h.request('/api/v1/plan/items/AP2', {
          method: 'PATCH',
          as: member,
          json: { version: 1, status: 'done' },
        })
      ).status,
      403,
    )
    assert.equal((await h.request('/api/v1/plan')).status, 401)
  })
})
