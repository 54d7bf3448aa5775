import assert from 'node:assert/strict'
import { before, describe, test } from 'node:test'
import { buildMeeting } from '../../testing/factories.ts'
import { type TestUser, useHarness } from '../../testing/harness.ts'
import { getPlan, listVersions, scorecard } from './plan.service.ts'

const h = useHarness()

/** The Sectors of the shipped structure, by code. */
let S: Record<'ITU-T' | 'ITU-R' | 'ITU-D', string>
let sec: TestUser

const itemOf = async (sector: string | undefined, code: string) =>
  (await getPlan(h.db, sec.actor, undefined, sector)).items.find((i) => i.code === code)!

const actionOf = async (sector: string | undefined, code: string) =>
  (await getPlan(h.db, sec.actor, undefined, sector)).actions.find((a) => a.code === code)!

const currentPlans = async () =>
  (
    await h.db
      .selectFrom('plan_version as v')
      .leftJoin('sector as s', 's.id', 'v.sector_id')
      .select(['v.code', 's.code as sector'])
      .where('v.current', '=', true)
      .execute()
  )
    .map((r) => `${r.sector ?? 'union'}:${r.code}`)
    .sort()

describe('action plans per Sector (issue 11)', () => {
  before(async () => {
    const rows = await h.db.selectFrom('sector').select(['id', 'code']).execute()
    S = Object.fromEntries(rows.map((r) => [r.code, r.id])) as typeof S
    sec = await h.user([{ role: 'secretariat' }])
  })

  test('the shipped plan is the first Sector’s; each Sector and the Union get their own current plan', async () => {
    assert.ok(S['ITU-T'] && S['ITU-R'] && S['ITU-D'], 'the shipped structure has the three Sectors')
    const shipped = await h.db
      .selectFrom('plan_version')
      .select('sector_id')
      .where('code', '=', '2024')
      .executeTakeFirstOrThrow()
    assert.equal(shipped.sector_id, S['ITU-T'], 'TSAG’s plan is ITU-T’s')
    assert.deepEqual(await currentPlans(), ['ITU-T:2024'])

    // ITU-R starts from ITU-T's plan as a template; the Union starts empty (it has no plan to copy).
    const ap3 = await itemOf('ITU-T', 'AP3')
    await h.request('/plan/items/AP3', {
      method: 'POST',
      as: sec,
      form: { version: String(ap3.version), status: 'in_progress', progress: '40', ownerEntity: 'RG-WM' },
    })
    const r = await h.request('/plan/versions', {
      method: 'POST',
      as: sec,
      form: { code: 'R-2025', title: 'ITU-R industry engagement plan', sector: 'ITU-R', basedOn: '2024' },
    })
    assert.equal(r.status, 303)
    assert.match(r.headers.get('location') ?? '', /sector=ITU-R/)
    const u = await h.request('/api/v1/plan/versions', {
      method: 'POST',
      as: sec,
      json: { code: 'U-2026', title: 'Union-wide plan', sector: 'union' },
    })
    assert.equal(u.status, 201)
    assert.deepEqual(await u.json(), { code: 'U-2026', sector: null })
    assert.deepEqual(await currentPlans(), ['ITU-R:R-2025', 'ITU-T:2024', 'union:U-2026'])

    const tPlan = await getPlan(h.db, sec.actor)
    assert.equal(tPlan.version.code, '2024', 'without a Sector: the first Sector’s plan, as before')
    assert.equal(tPlan.version.sector, 'ITU-T')
    const rPlan = await getPlan(h.db, sec.actor, undefined, 'itu-r')
    assert.deepEqual([rPlan.version.code, rPlan.version.sector], ['R-2025', 'ITU-R'])
    assert.deepEqual(
      rPlan.items.map((i) => [i.code, i.text]),
      tPlan.items.map((i) => [i.code, i.text]),
      'ITU-T’s items as a template',
    )
    assert.notEqual(rPlan.items[0]!.id, tPlan.items[0]!.id)
    assert.equal(rPlan.pillars.length, tPlan.pillars.length)
    const rAp3 = rPlan.items.find((i) => i.code === 'AP3')!
    assert.deepEqual(
      [rAp3.status, rAp3.progress, rAp3.ownerEntity],
      ['not_started', null, ''],
      'not ITU-T’s progress nor its owners',
    )
    assert.equal(rPlan.actions.length, 0, 'nor the proposed actions of ITU-T’s workshops')
    assert.equal(tPlan.items.find((i) => i.code === 'AP3')!.progress, 40)
    const uPlan = await getPlan(h.db, sec.actor, undefined, 'union')
    assert.deepEqual([uPlan.version.sector, uPlan.items.length, uPlan.pillars.length], [null, 0, 0])
    assert.deepEqual(
      rPlan.versions.map((v) => [v.code, v.sector, v.current]),
      [
        ['2024', 'ITU-T', true],
        ['R-2025', 'ITU-R', true],
        ['U-2026', null, true],
      ],
    )

    // A new ITU-R version replaces ITU-R's current plan only, a copy with its progress.
    const rAp2 = await itemOf('ITU-R', 'AP2')
    await h.request('/plan/items/AP2?sector=ITU-R', {
      method: 'POST',
      as: sec,
      form: { version: String(rAp2.version), status: 'in_progress', progress: '15' },
    })
    const r2 = await h.request('/plan/versions', {
      method: 'POST',
      as: sec,
      form: { code: 'R-2026', title: 'ITU-R plan, 2026 revision', sector: 'ITU-R' },
    })
    assert.equal(r2.status, 303)
    assert.deepEqual(await currentPlans(), ['ITU-R:R-2026', 'ITU-T:2024', 'union:U-2026'])
    assert.equal((await itemOf('ITU-R', 'AP2')).progress, 15, 'the same Sector’s copy keeps the progress')
    const versions = await listVersions(h.db, sec.actor, 'ITU-R')
    assert.deepEqual(
      versions.map((v) => [v.code, v.basedOn, v.current]),
      [
        ['R-2025', '2024', false],
        ['R-2026', 'R-2025', true],
      ],
    )
    const audit = await h.db
      .selectFrom('audit_log')
      .select(['summary', 'after'])
      .where('entity_type', '=', 'plan_version')
      .orderBy('occurred_at')
      .execute()
    assert.deepEqual(
      audit.map((a) => (a.after as { sector: string | null }).sector),
      ['ITU-R', null, 'ITU-R'],
    )

    // ITU-D has no plan yet; unknown Sectors and versions are refused with the field named.
    await assert.rejects(getPlan(h.db, sec.actor, undefined, 'ITU-D'), { code: 'NOT_FOUND' })
    assert.equal((await h.request('/api/v1/plan?sector=ITU-D', { as: sec })).status, 404)
    const unknown = await h.request('/api/v1/plan?sector=ITU-X', { as: sec })
    assert.equal(unknown.status, 422)
    assert.match(await unknown.text(), /sector/)
    const badBase = await h.request('/plan/versions', {
      method: 'POST',
      as: sec,
      form: { code: 'D-1', title: 'ITU-D', sector: 'ITU-D', basedOn: 'nope' },
    })
    assert.equal(badBase.status, 422)
    assert.match(await badBase.text(), /is not a version of a plan/)
    const noPlan = await h.request('/plan/items', {
      method: 'POST',
      as: sec,
      form: { sector: 'ITU-D', code: 'AP1', text: 'Engage industry in development.' },
    })
    assert.equal(noPlan.status, 422)
    assert.match(await noPlan.text(), /has no action plan yet/)
    assert.deepEqual(await currentPlans(), ['ITU-R:R-2026', 'ITU-T:2024', 'union:U-2026'], 'nothing added')
  })

  test('pages and API: a Sector choice shows its current plan; versions are listed and filtered by Sector', async () => {
    const home = await (await h.request('/plan', { as: sec })).text()
    assert.match(home, /Plan of: ITU-T/)
    assert.match(home, /<option value="ITU-R" selected="">|<option value="ITU-R">/)
    assert.match(home, /ITU-D — Telecommunication Development Sector \(no plan yet\)/)
    assert.match(home, /href="\/plan\/items\/AP1"/, 'the default plan keeps its addresses')

    const r = await (await h.request('/plan?sector=ITU-R', { as: sec })).text()
    assert.match(r, /ITU-R plan, 2026 revision/)
    assert.match(r, /Plan of: ITU-R/)
    assert.match(r, /href="\/plan\/items\/AP1\?sector=ITU-R"/)
    assert.match(r, /href="\/plan\/actions\?sector=ITU-R"/)
    const pillars = await (await h.request('/plan?sector=ITU-R&view=pillars', { as: sec })).text()
    assert.match(pillars, /action="\/plan\/pillars\/[a-z_]+\?sector=ITU-R"/)

    const d = await h.request('/plan?sector=ITU-D', { as: sec })
    assert.equal(d.status, 200)
    const dHtml = await d.text()
    assert.match(dHtml, /has no action plan yet/)
    assert.match(dHtml, /href="\/plan\/versions\?sector=ITU-D#new-version"/)
    assert.equal((await h.request('/plan?sector=ITU-X', { as: sec })).status, 404)

    const item = await (await h.request('/plan/items/AP1.4?sector=ITU-R', { as: sec })).text()
    assert.match(item, /action="\/plan\/items\/AP1\.4\?sector=ITU-R"/)
    assert.match(item, /action="\/plan\/items\/AP1\.4\/milestones\?sector=ITU-R"/)
    assert.equal((await h.request('/plan/items/AP1.4', { as: sec })).status, 200, 'addresses of before')
    assert.equal((await h.request('/plan/actions/IWX-01?sector=ITU-T', { as: sec })).status, 200)
    assert.equal((await h.request('/plan/actions/IWX-01?sector=ITU-R', { as: sec })).status, 404)

    const all = await (await h.request('/plan/versions', { as: sec })).text()
    for (const code of ['2024', 'R-2025', 'R-2026', 'U-2026']) assert.match(all, new RegExp(`>${code}</a>`))
    const onlyR = await (await h.request('/plan/versions?sector=ITU-R', { as: sec })).text()
    assert.match(onlyR, />R-2025<\/a>/)
    assert.doesNotMatch(onlyR, />2024<\/a>|>U-2026<\/a>/)
    const onlyUnion = await (await h.request('/plan/versions?sector=union', { as: sec })).text()
    assert.match(onlyUnion, />U-2026<\/a><\/td><td>Union-wide plan<\/td><td>Union-wide<\/td>/)
    assert.doesNotMatch(onlyUnion, />R-2025<\/a>/)
    const none = await (await h.request('/plan/versions?sector=ITU-D', { as: sec })).text()
    assert.match(none, /No version of a plan matches this filter/)

    const api = (s: string) => h.request(`/api/v1/plan/versions${s}`, { as: sec }).then((x) => x.json())
    assert.deepEqual(
      ((await api('?sector=ITU-R')) as { code: string; sector: string }[]).map((v) => [v.code, v.sector]),
      [
        ['R-2025', 'ITU-R'],
        ['R-2026', 'ITU-R'],
      ],
    )
    assert.deepEqual(
      ((await api('?sector=union')) as { code: string; sector: null }[]).map((v) => [v.code, v.sector]),
      [['U-2026', null]],
    )
    assert.equal(((await api('')) as unknown[]).length, 4)
    const plan = (await (await h.request('/api/v1/plan?sector=ITU-R', { as: sec })).json()) as {
      version: { code: string; sector: string }
    }
    assert.deepEqual(plan.version, { ...plan.version, code: 'R-2026', sector: 'ITU-R' })

    // A change to ITU-R's plan leaves ITU-T's as it was.
    const ap2 = await itemOf('ITU-R', 'AP2')
    const saved = await h.request('/plan/items/AP2?sector=ITU-R', {
      method: 'POST',
      as: sec,
      form: { version: String(ap2.version), status: 'in_progress', progress: '35' },
    })
    assert.equal(saved.status, 303)
    assert.equal(saved.headers.get('location'), '/plan/items/AP2?sector=ITU-R&notice=saved')
    const patched = await h.request('/api/v1/plan/items/AP1.1.1?sector=ITU-R', {
      method: 'PATCH',
      as: sec,
      json: { version: (await itemOf('ITU-R', 'AP1.1.1')).version, status: 'done' },
    })
    assert.equal(patched.status, 200)
    assert.deepEqual(
      [(await itemOf('ITU-R', 'AP2')).progress, (await itemOf('ITU-R', 'AP1.1.1')).status],
      [35, 'done'],
    )
    assert.deepEqual(
      [(await itemOf('ITU-T', 'AP2')).progress, (await itemOf('ITU-T', 'AP1.1.1')).status],
      [null, 'not_started'],
    )
  })

  test('a secretariat user limited to a Sector is refused (403) another Sector’s plan and the Union’s: nothing changes, nothing is audited', async () => {
    const limited = await h.user([{ role: 'secretariat', sectorId: S['ITU-R'] }])
    // Their default plan is their own Sector's.
    const own = (await (await h.request('/api/v1/plan', { as: limited })).json()) as {
      version: { sector: string }
    }
    assert.equal(own.version.sector, 'ITU-R')

    // Something of ITU-T's plan to try to tick off.
    await h.request('/plan/items/AP2/milestones?sector=ITU-T', {
      method: 'POST',
      as: sec,
      form: { title: 'ITU-T milestone', dueDate: '2027-03-31' },
    })
    const milestone = await h.db
      .selectFrom('plan_milestone')
      .select('id')
      .where('title', '=', 'ITU-T milestone')
      .executeTakeFirstOrThrow()

    const snapshot = async () => ({
      audit: Number(
        (
          await h.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
      versions: await h.db.selectFrom('plan_version').select(['code', 'current', 'sector_id']).execute(),
      items: await h.db
        .selectFrom('plan_item')
        .select(['id', 'status', 'progress', 'version', 'text', 'retired_at'])
        .orderBy('id')
        .execute(),
      actions: await h.db
        .selectFrom('plan_action')
        .select(['id', 'status', 'progress', 'version', 'action'])
        .orderBy('id')
        .execute(),
      pillars: await h.db.selectFrom('plan_pillar').select(['id', 'title', 'items']).orderBy('id').execute(),
      milestones: await h.db.selectFrom('plan_milestone').select(['id', 'done_on']).orderBy('id').execute(),
      indicators: await h.db.selectFrom('indicator').select(['code', 'version']).orderBy('code').execute(),
      measurements: await h.db
        .selectFrom('indicator_measurement')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    })
    const beforeAll = await snapshot()
    const t = {
      ap2: await itemOf('ITU-T', 'AP2'),
      ap16: await itemOf('ITU-T', 'AP1.6'),
      iwx: await actionOf('ITU-T', 'IWX-01'),
    }
    const form = (path: string, body: Record<string, string>) =>
      h.request(path, { method: 'POST', as: limited, form: body })
    const json = (method: string, path: string, body: unknown) =>
      h.request(path, { method, as: limited, json: body })
    const bulk = new FormData()
    bulk.set('_csrf', limited.csrf)
    bulk.set('file', new File(['code,status,progress\nAP2,done,\n'], 'plan.csv', { type: 'text/csv' }))
    const attempts: [string, Promise<Response>][] = [
      ['new ITU-T version', form('/plan/versions', { code: 'T-2027', title: 'x', sector: 'ITU-T' })],
      ['new Union-wide version', form('/plan/versions', { code: 'U-2027', title: 'x', sector: 'union' })],
      [
        'new version by API',
        json('POST', '/api/v1/plan/versions', { code: 'T-2028', title: 'x', sector: 'ITU-T' }),
      ],
      [
        'item progress',
        form('/plan/items/AP2?sector=ITU-T', {
          version: String(t.ap2.version),
          status: 'done',
          progress: '',
        }),
      ],
      [
        'item by API',
        json('PATCH', '/api/v1/plan/items/AP2?sector=ITU-T', { version: t.ap2.version, status: 'done' }),
      ],
      ['new item', form('/plan/items', { sector: 'ITU-T', code: 'AP9', text: 'x' })],
      ['new Union-wide item', form('/plan/items', { sector: 'union', code: 'AP1', text: 'x' })],
      [
        'item texts',
        form('/plan/items/AP1.6/texts?sector=ITU-T', {
          version: String(t.ap16.version),
          shortName: 'x',
          text: 'Changed by another Sector',
        }),
      ],
      [
        'new proposed action',
        form('/plan/actions?sector=ITU-T', { code: 'IWX-99', point: 'p', action: 'a', sessions: '' }),
      ],
      [
        'new proposed action by API',
        json('POST', '/api/v1/plan/actions?sector=ITU-T', { code: 'IWX-98', point: 'p', action: 'a' }),
      ],
      [
        'proposed action status',
        form('/plan/actions/IWX-01?sector=ITU-T', {
          version: String(t.iwx.version),
          status: 'done',
          progress: '',
        }),
      ],
      [
        'proposed action by API',
        json('PATCH', '/api/v1/plan/actions/IWX-01?sector=ITU-T', {
          version: t.iwx.version,
          status: 'done',
          progress: null,
        }),
      ],
      [
        'proposed action texts',
        form('/plan/actions/IWX-01/texts?sector=ITU-T', {
          version: String(t.iwx.version),
          point: 'p',
          action: 'Changed by another Sector',
        }),
      ],
      [
        'item milestone',
        form('/plan/items/AP2/milestones?sector=ITU-T', { title: 'x', dueDate: '2027-01-01' }),
      ],
      [
        'action milestone',
        form('/plan/actions/IWX-01/milestones?sector=ITU-T', { title: 'x', dueDate: '2027-01-01' }),
      ],
      ['milestone done', form(`/plan/milestones/${milestone.id}`, { done: 'true', back: '/plan/items/AP2' })],
      [
        'bulk update',
        Promise.resolve(
          h.app.request('/plan/bulk?sector=ITU-T', {
            method: 'POST',
            body: bulk,
            headers: { Cookie: limited.cookie },
          }),
        ),
      ],
      ['pillar', form('/plan/pillars/adding_value?sector=ITU-T', { title: 'x', items: 'AP2' })],
      [
        'new indicator',
        json('POST', '/api/v1/plan/indicators', {
          code: 'r_only',
          name: 'x',
          unit: 'count',
          direction: 'increase',
        }),
      ],
      [
        'indicator target',
        form('/plan/indicators/industry_executives/target', { version: '1', targetValue: '99' }),
      ],
      [
        'measurement',
        json('POST', '/api/v1/plan/indicators/industry_executives/measurements', {
          measuredOn: '2026-01-01',
          value: 1,
          source: 'x',
        }),
      ],
    ]
    for (const [what, attempt] of attempts) {
      const res = await attempt
      assert.equal(res.status, 403, what)
    }
    const refused = await h.request('/api/v1/plan/versions', {
      method: 'POST',
      as: limited,
      json: { code: 'T-2029', title: 'x', sector: 'ITU-T' },
    })
    assert.equal(((await refused.json()) as { code: string }).code, 'SECTOR_OUT_OF_SCOPE')
    assert.deepEqual(await snapshot(), beforeAll, 'nothing changed, nothing audited')

    // Another Sector's plan is read without its forms; the Sector field offers only their own Sector.
    const tPage = await (await h.request('/plan/items/AP2?sector=ITU-T', { as: limited })).text()
    assert.doesNotMatch(tPage, /method="post" action="\/plan\/items\/AP2/)
    const vPage = await (await h.request('/plan/versions', { as: limited })).text()
    const sectorSelect = /<select id="f-version-sector" name="sector"[^>]*>([\s\S]*?)<\/select>/.exec(
      vPage,
    )![1]!
    assert.deepEqual(
      [...sectorSelect.matchAll(/value="([^"]*)"/g)].map((m) => m[1]),
      ['ITU-R'],
    )

    // Their own Sector's plan they change.
    const rItem = await itemOf('ITU-R', 'AP2')
    const mine = await form('/plan/items/AP2', {
      version: String(rItem.version),
      status: 'done',
      progress: '',
    })
    assert.equal(mine.status, 303, 'their default plan is their Sector’s')
    assert.equal((await itemOf('ITU-R', 'AP2')).status, 'done')
    const newR = await form('/plan/versions', { code: 'R-2027', title: 'ITU-R 2027', sector: 'ITU-R' })
    assert.equal(newR.status, 303)
    const defaulted = await json('POST', '/api/v1/plan/versions', { code: 'R-2028', title: 'ITU-R 2028' })
    assert.deepEqual(await defaulted.json(), { code: 'R-2028', sector: 'ITU-R' }, 'their Sector by default')
    assert.equal(
      (await form('/plan/actions?sector=ITU-R', { code: 'IWX-R1', point: 'p', action: 'a', sessions: '' }))
        .status,
      303,
    )
    assert.equal((await itemOf('ITU-T', 'AP2')).status, t.ap2.status, 'ITU-T’s plan is as it was')
  })

  test('the secretariat without a Sector is not limited: any Sector’s plan, the Union’s, and the indicators', async () => {
    const uItem = await h.request('/plan/items', {
      method: 'POST',
      as: sec,
      form: {
        sector: 'union',
        code: 'AP1',
        shortName: 'Union',
        text: 'Industry participation across the Union.',
      },
    })
    assert.equal(uItem.status, 303)
    assert.equal(uItem.headers.get('location'), '/plan/items/AP1?sector=union&notice=saved')
    assert.equal((await getPlan(h.db, sec.actor, undefined, 'union')).items.length, 1)
    const ap2 = await itemOf('ITU-T', 'AP2')
    assert.equal(
      (
        await h.request('/plan/items/AP2?sector=ITU-T', {
          method: 'POST',
          as: sec,
          form: { version: String(ap2.version), status: 'in_progress', progress: '10' },
        })
      ).status,
      303,
    )
    const milestone = await h.db
      .selectFrom('plan_milestone')
      .select('id')
      .where('title', '=', 'ITU-T milestone')
      .executeTakeFirstOrThrow()
    const done = await h.request(`/plan/milestones/${milestone.id}`, {
      method: 'POST',
      as: sec,
      form: { done: 'true', back: '/plan/items/AP2?sector=ITU-T' },
    })
    assert.equal(done.headers.get('location'), '/plan/items/AP2?sector=ITU-T&notice=saved#milestones')
    assert.equal(
      (
        await h.request('/api/v1/plan/indicators/industry_executives/measurements', {
          method: 'POST',
          as: sec,
          json: { measuredOn: '2026-01-01', value: 1, source: 'count' },
        })
      ).status,
      422,
      'a computed indicator takes no measurement: refused for what it is, not for the Sector',
    )
    assert.equal(
      (
        await h.request('/api/v1/plan/indicators', {
          method: 'POST',
          as: sec,
          json: { code: 'union_manual', name: 'Union', unit: 'count', direction: 'increase' },
        })
      ).status,
      201,
    )
    const admin = await h.user([{ role: 'admin' }])
    const t = await h.request('/api/v1/plan/versions', {
      method: 'POST',
      as: admin,
      json: { code: 'T-2027', title: 'ITU-T 2027', sector: 'ITU-T' },
    })
    assert.equal(t.status, 201)
    assert.deepEqual(await currentPlans(), ['ITU-R:R-2028', 'ITU-T:T-2027', 'union:U-2026'])
  })

  test('the scorecard counts one Sector’s records, or the Union-wide ones, when asked (page and API)', async () => {
    const period = { from: '2031-01-01', to: '2031-12-31' }
    const workshop = async (sector: string | null, day: string) => {
      const m = await buildMeeting(h.db, { kind: 'workshop', status: 'held', starts_at: new Date(day) })
      await h.db.updateTable('meeting').set({ sector_id: sector }).where('id', '=', m.id).execute()
    }
    await workshop(S['ITU-T'], '2031-03-01T09:00:00Z')
    await workshop(S['ITU-R'], '2031-05-01T09:00:00Z')
    await workshop(S['ITU-R'], '2031-06-01T09:00:00Z')
    await workshop(null, '2031-07-01T09:00:00Z')
    const d3 = async (sector?: string) =>
      (await scorecard(h.db, sec.actor, period, sector)).find((c) => c.clause === 'd3')!.value
    assert.deepEqual(
      [await d3(), await d3('ITU-R'), await d3('ITU-T'), await d3('union'), await d3('ITU-D')],
      [4, 2, 1, 1, 0],
    )
    // e2: the items of that Sector's current plan only (the Union's has one item, not started).
    const e2 = (await scorecard(h.db, sec.actor, period, 'union')).find((c) => c.clause === 'e2')!
    assert.deepEqual([e2.part, e2.whole, e2.link], [0, 1, '/plan?sector=union'])
    const api = (await (
      await h.request('/api/v1/plan/scorecard?from=2031-01-01&to=2031-12-31&sector=ITU-R', { as: sec })
    ).json()) as { clause: string; value: number; link: string }[]
    const w = api.find((c) => c.clause === 'd3')!
    assert.deepEqual(
      [w.value, w.link],
      [2, '/meetings?kind=workshop&when=past&from=2031-01-01&to=2031-12-31&sector=ITU-R'],
    )
    assert.equal(
      (await h.request('/api/v1/plan/scorecard?sector=ITU-X', { as: sec })).status,
      422,
      'an unknown Sector is refused, not counted as all',
    )
    const page = await (
      await h.request('/plan/scorecard?from=2031-01-01&to=2031-12-31&sector=ITU-R', { as: sec })
    ).text()
    assert.match(page, /<option value="ITU-R" selected="">ITU-R<\/option>/)
    assert.match(
      page,
      /href="\/meetings\?kind=workshop&amp;when=past&amp;from=2031-01-01&amp;to=2031-12-31&amp;sector=ITU-R"/,
    )
  })
})
