import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildGroup, buildMeeting, buildOrganization } from '../../testing/factories.ts'
import { type TestUser, useHarness } from '../../testing/harness.ts'

const h = useHarness()

type Candidate = {
  topicId: string
  title: string
  score: { total: number; parts: { component: string; value: number; weight: number; points: number }[] }
  onDraft: boolean
}
type Agenda = {
  version: number
  status: string
  lockVersion: number
  items: { id: string; topicId: string | null; title: string; position: number; reasons: unknown }[]
}

async function topic(sec: TestUser, title: string, body: Record<string, unknown> = {}) {
  const res = await h.request('/api/v1/topics', {
    method: 'POST',
    as: sec,
    json: { titles: { en: title }, source: 'secretariat', ...body },
  })
  assert.equal(res.status, 201, await res.clone().text())
  return (await res.json()) as { id: string; version: number }
}

const edit = (as: TestUser, meetingId: string, body: Record<string, unknown>) =>
  h.request(`/api/v1/meetings/${meetingId}/agenda/edits`, { method: 'POST', as, json: body })

describe('agenda builder', () => {
  test('candidates are ranked by a score whose every component is shown (hand-computed fixture)', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const meeting = await buildMeeting(h.db, {
      status: 'announced',
      starts_at: new Date(Date.now() + 20 * 86400_000),
    })
    const p = (await (
      await h.request('/api/v1/priorities', {
        method: 'POST',
        as: sec,
        json: {
          titles: { en: 'Agenda test priority' },
          kind: 'emerging_technology',
          weight: 4,
          periodStart: '2020-01-01',
        },
      })
    ).json()) as { id: string }
    const strategic = await topic(sec, 'Agenda test: strategic', { priorityIds: [p.id] })
    const popular = await topic(sec, 'Agenda test: popular')
    // Two consultation proposals, one from a developing country, merged into "popular".
    for (const [code, title] of [
      ['SN', 'Agenda test: from Senegal'],
      ['FR', 'Agenda test: from France'],
    ] as const) {
      const row = await h.db
        .insertInto('topic')
        .values({
          titles: JSON.stringify({ en: title }),
          source: 'consultation',
          proposed_by_country_code: code,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const merged = await h.request(`/api/v1/topics/${row.id}/merge`, {
        method: 'POST',
        as: sec,
        json: { intoId: popular.id, reason: 'same' },
      })
      assert.equal(merged.status, 200)
    }
    for (const country of ['KE', 'GH']) {
      const org = await buildOrganization(h.db, { country_code: country })
      const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
      await h.request(`/api/v1/topics/${popular.id}/supports`, {
        method: 'POST',
        as: rep,
        json: { organizationId: org.id },
      })
    }
    const list = (await (
      await h.request(`/api/v1/meetings/${meeting.id}/agenda-candidates`, { as: sec })
    ).json()) as Candidate[]
    const byId = new Map(list.map((c) => [c.topicId, c]))
    // Default weights: strategic 3, consultation 2, developing 2, supports 1, open actions 1, staleness 1; both are new (staleness 0).
    assert.equal(byId.get(strategic.id)!.score.total, 12, '4 × 3')
    assert.equal(byId.get(popular.id)!.score.total, 8, '2 proposals × 2 + 1 developing × 2 + 2 supports × 1')
    const parts = Object.fromEntries(byId.get(popular.id)!.score.parts.map((x) => [x.component, x.value]))
    assert.deepEqual(parts, {
      strategic: 0,
      consultation_demand: 2,
      developing_demand: 1,
      supports: 2,
      open_actions: 0,
      staleness: 0,
    })
    assert.ok(
      list.findIndex((c) => c.topicId === strategic.id) < list.findIndex((c) => c.topicId === popular.id),
    )
    // Weights are settings: with supports weighing 10, "popular" comes first.
    const w = await h.request('/api/v1/topic-score-weights', {
      method: 'PUT',
      as: sec,
      json: {
        strategic: 3,
        consultation_demand: 2,
        developing_demand: 2,
        supports: 10,
        open_actions: 1,
        staleness: 1,
      },
    })
    assert.equal(w.status, 200)
    const again = (await (
      await h.request(`/api/v1/meetings/${meeting.id}/agenda-candidates`, { as: sec })
    ).json()) as Candidate[]
    assert.equal(again.find((c) => c.topicId === popular.id)!.score.total, 26)
    await h.request('/api/v1/topic-score-weights', {
      method: 'PUT',
      as: sec,
      json: {
        strategic: 3,
        consultation_demand: 2,
        developing_demand: 2,
        supports: 1,
        open_actions: 1,
        staleness: 1,
      },
    })
    const focal = await h.user([{ role: 'focal_point', countryCode: 'SN' }])
    assert.equal(
      (await h.request(`/api/v1/meetings/${meeting.id}/agenda-candidates`, { as: focal })).status,
      403,
    )
  })

  test('build, publish, version and compare; published versions never change; topics move onto the agenda', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const meeting = await buildMeeting(h.db, { status: 'announced' })
    const a = await topic(sec, 'Versioned A')
    const b = await topic(sec, 'Versioned B')
    let draft = (await (await edit(sec, meeting.id, { kind: 'add_topic', topicId: a.id })).json()) as Agenda
    assert.equal(draft.version, 1)
    assert.ok(draft.items[0]!.reasons, 'the item keeps the score that put it there')
    const dup = await edit(sec, meeting.id, {
      kind: 'add_topic',
      topicId: a.id,
      lockVersion: draft.lockVersion,
    })
    assert.equal(dup.status, 422)
    draft = (await (
      await edit(sec, meeting.id, {
        kind: 'add_free',
        titles: { en: 'Coffee break' },
        lockVersion: draft.lockVersion,
      })
    ).json()) as Agenda
    const stale = await edit(sec, meeting.id, { kind: 'add_topic', topicId: b.id, lockVersion: 1 })
    assert.equal(stale.status, 409, 'an edit on an old reading is refused')
    const published = await h.request(`/api/v1/meetings/${meeting.id}/agenda/publish`, {
      method: 'POST',
      as: sec,
      json: { lockVersion: draft.lockVersion },
    })
    assert.equal(published.status, 200, await published.clone().text())
    const v1 = (await published.json()) as Agenda
    assert.equal(v1.status, 'published')
    const topicA = (await (await h.request(`/api/v1/topics/${a.id}`, { as: sec })).json()) as {
      state: string
    }
    assert.equal(topicA.state, 'on_agenda')

    // The next edit starts version 2 from version 1; version 1 stays as published.
    let v2 = (await (await edit(sec, meeting.id, { kind: 'add_topic', topicId: b.id })).json()) as Agenda
    assert.equal(v2.version, 2)
    v2 = (await (
      await edit(sec, meeting.id, {
        kind: 'move',
        itemId: v2.items[2]!.id,
        direction: 'up',
        lockVersion: v2.lockVersion,
      })
    ).json()) as Agenda
    const coffee = v2.items.find((i) => i.title === 'Coffee break')!
    v2 = (await (
      await edit(sec, meeting.id, { kind: 'remove', itemId: coffee.id, lockVersion: v2.lockVersion })
    ).json()) as Agenda
    await h.request(`/api/v1/meetings/${meeting.id}/agenda/publish`, {
      method: 'POST',
      as: sec,
      json: { lockVersion: v2.lockVersion },
    })
    const all = (await (await h.request(`/api/v1/meetings/${meeting.id}/agendas`)).json()) as {
      published: Agenda[]
      draft: Agenda | null
    }
    assert.deepEqual(
      all.published.map((x) => x.version),
      [2, 1],
    )
    assert.equal(all.draft, null, 'visitors see no draft')
    assert.deepEqual(
      all.published[1]!.items.map((i) => i.title),
      ['Versioned A', 'Coffee break'],
      'version 1 unchanged',
    )
    const diff = await (await h.request(`/api/v1/meetings/${meeting.id}/agendas/diff?from=1&to=2`)).json()
    assert.deepEqual(diff, { added: ['Versioned B'], removed: ['Coffee break'], moved: [] })
  })

  test('no agenda for a concluded meeting; an empty draft is not published; members cannot edit', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const t = await topic(sec, 'Closed meeting topic')
    const concluded = await buildMeeting(h.db, { status: 'concluded' })
    const refused = await edit(sec, concluded.id, { kind: 'add_topic', topicId: t.id })
    assert.equal(refused.status, 409)
    assert.equal(((await refused.json()) as { code: string }).code, 'AGENDA_MEETING_CLOSED')
    const open = await buildMeeting(h.db, { status: 'announced' })
    const empty = await h.request(`/api/v1/meetings/${open.id}/agenda/publish`, {
      method: 'POST',
      as: sec,
      json: { lockVersion: 1 },
    })
    assert.equal(empty.status, 422)
    const rep = await h.user([{ role: 'focal_point', countryCode: 'KE' }])
    assert.equal((await edit(rep, open.id, { kind: 'add_topic', topicId: t.id })).status, 403)
    const count = await h.db
      .selectFrom('agenda_item')
      .innerJoin('agenda', 'agenda.id', 'agenda_item.agenda_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('agenda.meeting_id', '=', concluded.id)
      .executeTakeFirstOrThrow()
    assert.equal(Number(count.n), 0)
  })

  test('open follow-up actions count in the score; the board filters by the group whose agendas had the topic', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const group = await buildGroup(h.db)
    const past = await buildMeeting(h.db, {
      status: 'announced',
      group_id: group.id,
      starts_at: new Date(Date.now() - 86400_000),
    })
    const t = await topic(sec, 'Group topic with an action')
    const draft = (await (await edit(sec, past.id, { kind: 'add_topic', topicId: t.id })).json()) as Agenda
    await h.request(`/api/v1/meetings/${past.id}/agenda/publish`, {
      method: 'POST',
      as: sec,
      json: { lockVersion: draft.lockVersion },
    })
    const inGroup = (await (await h.request(`/api/v1/topics?groupId=${group.id}`, { as: sec })).json()) as {
      items: { id: string }[]
    }
    assert.deepEqual(
      inGroup.items.map((x) => x.id),
      [t.id],
    )
    const c = (await (
      await h.request(`/api/v1/meetings/${past.id}/conclusions`, {
        method: 'POST',
        as: sec,
        json: { topicId: t.id, texts: { en: 'Ask TSAG' }, type: 'request' },
      })
    ).json()) as { id: string }
    const action = await h.request(`/api/v1/conclusions/${c.id}/actions`, {
      method: 'POST',
      as: sec,
      json: {
        what: { en: 'Report back' },
        ownerBody: 'TSAG',
        responsibleUserId: sec.userId,
        dueDate: '2027-01-31',
      },
    })
    assert.equal(action.status, 201)
    const next = await buildMeeting(h.db, { status: 'announced' })
    const list = (await (
      await h.request(`/api/v1/meetings/${next.id}/agenda-candidates`, { as: sec })
    ).json()) as Candidate[]
    const part = list
      .find((x) => x.topicId === t.id)!
      .score.parts.find((p) => p.component === 'open_actions')!
    assert.deepEqual([part.value, part.weight, part.points], [1, 1, 1])
  })
})
