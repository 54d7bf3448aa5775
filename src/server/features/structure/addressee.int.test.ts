import assert from 'node:assert/strict'
import { test } from 'node:test'
import { useHarness } from '../../testing/harness.ts'
import { plantWorld } from '../../testing/world.ts'

const h = useHarness()

test('follow-up actions addressed to bodies of the structure: linked, refused outside their dates, keeping their old name', async () => {
  const w = await plantWorld(h)
  const sec = w.users.secretariat
  const admin = await h.user([{ role: 'admin' }])
  const itut = (
    (await (await h.request('/api/v1/structure/sectors')).json()) as { id: string; code: string }[]
  ).find((s) => s.code === 'ITU-T')!.id
  const body = async (code: string, startsOn: string, endsOn: string | null) => {
    const res = await h.request('/api/v1/structure/bodies', {
      method: 'POST',
      as: admin,
      json: {
        sectorId: itut,
        kind: 'study_group',
        code,
        names: { en: `Study Group ${code}` },
        startsOn,
        endsOn,
      },
    })
    assert.equal(res.status, 201)
    return (await res.json()) as { id: string }
  }
  const sg9 = await body('SG9', '2022-03-01', '2024-10-31')
  const sg21 = await body('SG21', '2024-11-01', null)
  const due = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10)
  const addAction = (ownerBody: string) =>
    h.request(`/api/v1/conclusions/${w.conclusion}/actions`, {
      method: 'POST',
      as: sec,
      json: { what: { en: `Work for ${ownerBody}` }, ownerBody, responsibleUserId: sec.userId, dueDate: due },
    })

  // A study group of a past study period is refused, with its dates.
  const old = await addAction('SG9')
  assert.equal(old.status, 422)
  const problem = (await old.json()) as { code: string; details: Record<string, unknown> }
  assert.equal(problem.code, 'BODY_NOT_IN_PERIOD')
  assert.equal(problem.details.startsOn, '2022-03-01')
  assert.equal(problem.details.endsOn, '2024-10-31')

  // Today's study group is linked, whatever the case typed; a Sector prefix works too.
  for (const typed of ['sg21', 'ITU-T SG21']) {
    const res = await addAction(typed)
    assert.equal(res.status, 201, await res.clone().text())
    const { id } = (await res.json()) as { id: string }
    const row = await h.db
      .selectFrom('follow_up_action')
      .select(['owner_body', 'owner_body_id'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    assert.deepEqual(row, { owner_body: 'SG21', owner_body_id: sg21.id })
  }
  // The advisory groups and the Council of the structure, of any Sector or of the Union.
  for (const code of ['RAG', 'TDAG', 'Council']) assert.equal((await addAction(code)).status, 201, code)
  // An addressee outside the structure keeps its text.
  const cto = await addAction('CTO group')
  assert.equal(cto.status, 201)
  const { id: ctoId } = (await cto.json()) as { id: string }
  const ctoRow = await h.db
    .selectFrom('follow_up_action')
    .select(['owner_body', 'owner_body_id'])
    .where('id', '=', ctoId)
    .executeTakeFirstOrThrow()
  assert.deepEqual(ctoRow, { owner_body: 'CTO group', owner_body_id: null })

  // Renamed later, the body's old actions keep the code they were given; the old code still finds it.
  const today = new Date().toISOString().slice(0, 10)
  const renamed = await h.request(`/api/v1/structure/bodies/${sg21.id}/names`, {
    method: 'POST',
    as: admin,
    json: { validFrom: today, code: 'SG21-MM', names: { en: 'Multimedia' } },
  })
  assert.equal(renamed.status, 200, await renamed.clone().text())
  const kept = await h.db
    .selectFrom('follow_up_action')
    .select('owner_body')
    .where('owner_body_id', '=', sg21.id)
    .execute()
  assert.deepEqual(
    kept.map((k) => k.owner_body),
    ['SG21', 'SG21'],
  )
  const again = await addAction('SG21')
  assert.equal(again.status, 201)
  const { id: againId } = (await again.json()) as { id: string }
  const againRow = await h.db
    .selectFrom('follow_up_action')
    .select(['owner_body', 'owner_body_id'])
    .where('id', '=', againId)
    .executeTakeFirstOrThrow()
  assert.deepEqual(againRow, { owner_body: 'SG21-MM', owner_body_id: sg21.id })
  assert.ok(sg9.id)
})
