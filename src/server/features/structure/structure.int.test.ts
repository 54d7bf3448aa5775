import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { useHarness } from '../../testing/harness.ts'
import { assertBodyActiveOn } from './structure.service.ts'

const h = useHarness()

type Body = {
  id: string
  code: string
  name: string
  sectorCode: string | null
  kind: string
  version: number
  successorId: string | null
  names: { validFrom: string; code: string }[]
}
type Problem = { code: string; errors?: Record<string, string[]>; details?: Record<string, unknown> }

describe('Sectors and bodies', () => {
  test('the ITU structure is there on a new install: three Sectors, their advisory groups and Bureaux, the Council', async () => {
    const sectors = (await (await h.request('/api/v1/structure/sectors')).json()) as { code: string }[]
    assert.deepEqual(
      sectors.map((s) => s.code),
      ['ITU-T', 'ITU-R', 'ITU-D'],
    )
    const advisory = (await (
      await h.request('/api/v1/structure/bodies?kind=advisory_group')
    ).json()) as Body[]
    assert.deepEqual(advisory.map((b) => `${b.sectorCode} ${b.code}`).sort(), [
      'ITU-D TDAG',
      'ITU-R RAG',
      'ITU-T TSAG',
    ])
    const union = (await (await h.request('/api/v1/structure/bodies?sector=union')).json()) as Body[]
    assert.deepEqual(
      union.map((b) => [b.code, b.kind]),
      [['Council', 'council']],
    )
    const fr = (await (await h.request('/api/v1/structure/bodies?q=TSAG&lang=fr')).json()) as Body[]
    assert.equal(fr[0]?.name, 'Groupe consultatif de la normalisation des télécommunications')
  })

  test('study groups across study periods: the old ones keep their names on old dates, the merged one continues them', async () => {
    const admin = await h.user([{ role: 'admin' }])
    const sectors = (await (await h.request('/api/v1/structure/sectors')).json()) as {
      id: string
      code: string
    }[]
    const itut = sectors.find((s) => s.code === 'ITU-T')!.id
    const create = async (code: string, name: string, startsOn: string, endsOn: string | null) => {
      const res = await h.request('/api/v1/structure/bodies', {
        method: 'POST',
        as: admin,
        json: { sectorId: itut, kind: 'study_group', code, names: { en: name }, startsOn, endsOn },
      })
      assert.equal(res.status, 201, await res.clone().text())
      return (await res.json()) as Body
    }
    const sg9 = await create('SG9', 'Broadband cable and TV', '2022-03-01', '2024-10-31')
    const sg16 = await create('SG16', 'Multimedia and digital services', '2022-03-01', '2024-10-31')
    const sg21 = await create('SG21', 'Multimedia, content delivery and cable television', '2024-11-01', null)
    for (const old of [sg9, sg16]) {
      const res = await h.request(`/api/v1/structure/bodies/${old.id}`, {
        method: 'PUT',
        as: admin,
        json: {
          startsOn: '2022-03-01',
          endsOn: '2024-10-31',
          parentId: null,
          successorId: sg21.id,
          version: old.version,
        },
      })
      assert.equal(res.status, 200, await res.clone().text())
    }
    const during = (await (
      await h.request('/api/v1/structure/bodies?sector=ITU-T&kind=study_group&at=2023-06-01')
    ).json()) as Body[]
    assert.deepEqual(
      during.map((b) => b.code).filter((c) => ['SG9', 'SG16', 'SG21'].includes(c)),
      ['SG9', 'SG16'],
    )
    const now = (await (
      await h.request('/api/v1/structure/bodies?sector=ITU-T&kind=study_group&at=2026-01-15')
    ).json()) as Body[]
    assert.deepEqual(
      now.map((b) => b.code).filter((c) => ['SG9', 'SG16', 'SG21'].includes(c)),
      ['SG21'],
    )
    const ended = (await (await h.request(`/api/v1/structure/bodies/${sg9.id}`)).json()) as Body
    assert.equal(ended.successorId, sg21.id)

    // A record attached to a study group outside its study period is refused, with the dates.
    await assert.rejects(
      assertBodyActiveOn(h.db, sg9.id, '2025-02-01'),
      (e: { code: string; details: Record<string, unknown> }) => {
        assert.equal(e.code, 'BODY_NOT_IN_PERIOD')
        assert.deepEqual(e.details, { startsOn: '2022-03-01', endsOn: '2024-10-31', day: '2025-02-01' })
        return true
      },
    )
    assert.equal((await assertBodyActiveOn(h.db, sg21.id, '2025-02-01')).code, 'SG21')

    // The page shows the succession.
    const page = await (await h.request(`/structure/bodies/${sg16.id}`)).text()
    assert.match(page, /Continued by/)
    assert.match(page, /SG21 — Multimedia, content delivery and cable television/)
  })

  test('a renamed body keeps its old name on old records; bad renames and stale edits are refused', async () => {
    const admin = await h.user([{ role: 'admin' }])
    const created = await h.request('/api/v1/structure/bodies', {
      method: 'POST',
      as: admin,
      json: {
        sectorId: null,
        kind: 'panel',
        code: 'IAP',
        names: { en: 'Industry Advisory Panel' },
        startsOn: '2023-01-01',
      },
    })
    assert.equal(created.status, 201)
    const panel = (await created.json()) as Body
    const renamed = await h.request(`/api/v1/structure/bodies/${panel.id}/names`, {
      method: 'POST',
      as: admin,
      json: { validFrom: '2025-07-01', code: 'IEP', names: { en: 'Industry Engagement Panel' } },
    })
    assert.equal(renamed.status, 200, await renamed.clone().text())
    const before = (await (
      await h.request('/api/v1/structure/bodies?sector=union&at=2024-05-01')
    ).json()) as Body[]
    assert.ok(before.some((b) => b.code === 'IAP' && b.name === 'Industry Advisory Panel'))
    const after = (await (
      await h.request('/api/v1/structure/bodies?sector=union&at=2026-01-01')
    ).json()) as Body[]
    assert.ok(after.some((b) => b.code === 'IEP' && b.name === 'Industry Engagement Panel'))
    // Found by its old name too.
    const found = (await (await h.request('/api/v1/structure/bodies?q=Advisory%20Panel')).json()) as Body[]
    assert.ok(found.some((b) => b.id === panel.id))

    const early = await h.request(`/api/v1/structure/bodies/${panel.id}/names`, {
      method: 'POST',
      as: admin,
      json: { validFrom: '2022-01-01', code: 'X', names: { en: 'Before it existed' } },
    })
    assert.equal(early.status, 422)
    const problem = (await early.json()) as Problem
    assert.equal(problem.code, 'BODY_NOT_IN_PERIOD')
    assert.deepEqual(problem.details, { startsOn: '2023-01-01', endsOn: null })
    const backwards = await h.request(`/api/v1/structure/bodies/${panel.id}/names`, {
      method: 'POST',
      as: admin,
      json: { validFrom: '2024-01-01', code: 'Y', names: { en: 'Between' } },
    })
    assert.equal(backwards.status, 422)
    assert.deepEqual(((await backwards.json()) as Problem).errors, { validFrom: ['after_current_name'] })

    const stale = await h.request(`/api/v1/structure/bodies/${panel.id}`, {
      method: 'PUT',
      as: admin,
      json: {
        startsOn: '2023-01-01',
        endsOn: null,
        parentId: null,
        successorId: null,
        version: panel.version,
      },
    })
    assert.equal(stale.status, 409)
    assert.deepEqual(((await stale.json()) as Problem).details, { version: panel.version + 1 })
    const inverted = await h.request('/api/v1/structure/bodies', {
      method: 'POST',
      as: admin,
      json: {
        sectorId: null,
        kind: 'panel',
        code: 'Z',
        names: { en: 'Z' },
        startsOn: '2025-01-01',
        endsOn: '2024-01-01',
      },
    })
    assert.equal(inverted.status, 422)

    const audit = await h.db
      .selectFrom('audit_log')
      .select(['action', 'summary'])
      .where('entity_id', '=', panel.id)
      .orderBy('id')
      .execute()
    assert.deepEqual(
      audit.map((a) => a.action),
      ['create', 'update'],
    )
  })

  test('only administrators change the structure; everyone may read it', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const body = { sectorId: null, kind: 'panel', code: 'P', names: { en: 'P' }, startsOn: '2025-01-01' }
    assert.equal(
      (await h.request('/api/v1/structure/bodies', { method: 'POST', as: sec, json: body })).status,
      403,
    )
    assert.equal((await h.request('/api/v1/structure/bodies', { method: 'POST', json: body })).status, 401)
    assert.equal((await h.request('/api/v1/structure/bodies')).status, 200)
    const page = await h.request('/structure?sector=ITU-T')
    assert.equal(page.status, 200)
    const html = await page.text()
    assert.match(html, /TSAG/)
    assert.doesNotMatch(html, /Add a body/)
  })

  test('an administrator adds and renames a body with the forms', async () => {
    const admin = await h.user([{ role: 'admin' }])
    const bad = await h.request('/structure/bodies', {
      method: 'POST',
      as: admin,
      form: { kind: 'study_group', code: '', startsOn: '' },
    })
    assert.equal(bad.status, 422)
    assert.match(await bad.text(), /error-summary/)
    const ok = await h.request('/structure/bodies', {
      method: 'POST',
      as: admin,
      form: {
        sectorId: '',
        kind: 'panel',
        code: 'WSP',
        'names.en': 'Workshop steering panel',
        startsOn: '2024-01-01',
      },
    })
    assert.equal(ok.status, 303)
    const location = ok.headers.get('location') ?? ''
    assert.match(location, /^\/structure\/bodies\/[0-9a-f-]{36}\?notice=created$/)
    const id = location.split('/')[3]!.split('?')[0]!
    const renamed = await h.request(`/structure/bodies/${id}/names`, {
      method: 'POST',
      as: admin,
      form: { validFrom: '2025-01-01', code: 'WSP', 'names.en': 'Workshop programme panel' },
    })
    assert.equal(renamed.status, 303)
    const page = await (await h.request(`/structure/bodies/${id}`, { as: admin })).text()
    assert.match(page, /Workshop steering panel/)
    assert.match(page, /Workshop programme panel/)
  })
})
