import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildMeeting } from '../../testing/factories.ts'
import { type TestUser, useHarness } from '../../testing/harness.ts'
import { sendActionReminders } from './follow-up.service.ts'

const h = useHarness()

type Action = {
  id: string
  status: string
  version: number
  overdue: boolean
  updates: { statusTo: string | null; note: string }[]
}

async function topicOnAgenda(sec: TestUser, title: string) {
  const t = (await (
    await h.request('/api/v1/topics', {
      method: 'POST',
      as: sec,
      json: { titles: { en: title }, source: 'secretariat' },
    })
  ).json()) as { id: string; version: number }
  await h.request(`/api/v1/topics/${t.id}/transitions`, {
    method: 'POST',
    as: sec,
    json: { to: 'on_agenda', reason: 'agenda', version: t.version },
  })
  return t
}

const conclude = (sec: TestUser, meetingId: string, body: Record<string, unknown>) =>
  h.request(`/api/v1/meetings/${meetingId}/conclusions`, { method: 'POST', as: sec, json: body })

describe('conclusions and follow-up actions', () => {
  test('a conclusion moves its topic through "discussed" to where it leads; the story says so', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const meeting = await buildMeeting(h.db, { status: 'held', starts_at: new Date(Date.now() - 86400_000) })
    const t = await topicOnAgenda(sec, 'Conclusion topic')
    const res = await conclude(sec, meeting.id, {
      topicId: t.id,
      texts: { en: 'TSAG is invited to consider a focus group.' },
      type: 'recommendation',
      topicState: 'concluded',
    })
    assert.equal(res.status, 201, await res.clone().text())
    const topic = (await (await h.request(`/api/v1/topics/${t.id}`, { as: sec })).json()) as { state: string }
    assert.equal(topic.state, 'concluded')
    const story = (await (await h.request(`/api/v1/topics/${t.id}/timeline`, { as: sec })).json()) as {
      toState: string | null
      meetingId: string | null
    }[]
    assert.deepEqual(
      story.slice(-2).map((e) => [e.toState, e.meetingId]),
      [
        ['discussed', meeting.id],
        ['concluded', meeting.id],
      ],
    )
    // An impossible move is refused and nothing is recorded.
    const before = (await (
      await h.request(`/api/v1/meetings/${meeting.id}/conclusions`, { as: sec })
    ).json()) as unknown[]
    const bad = await conclude(sec, meeting.id, {
      topicId: t.id,
      texts: { en: 'Approve it' },
      type: 'decision',
      topicState: 'standard_approved',
    })
    assert.equal(bad.status, 409)
    const after = (await (
      await h.request(`/api/v1/meetings/${meeting.id}/conclusions`, { as: sec })
    ).json()) as unknown[]
    assert.equal(after.length, before.length, 'nothing partial')
    // Not before the meeting has started.
    const future = await buildMeeting(h.db, { status: 'announced' })
    assert.equal((await conclude(sec, future.id, { texts: { en: 'x' }, type: 'observation' })).status, 409)
  })

  test('actions: owner and responsible required; leads update their body only; overdue flagged; reminded once', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const lead = await h.user([])
    const otherLead = await h.user([])
    const responsible = await h.user([])
    const meeting = await buildMeeting(h.db, { status: 'held', starts_at: new Date(Date.now() - 86400_000) })
    const t = await topicOnAgenda(sec, 'Action topic')
    const { id: conclusionId } = (await (
      await conclude(sec, meeting.id, { topicId: t.id, texts: { en: 'Ask SG13' }, type: 'request' })
    ).json()) as { id: string }
    const missing = await h.request(`/api/v1/conclusions/${conclusionId}/actions`, {
      method: 'POST',
      as: sec,
      json: { what: { en: 'Draft a work item' }, dueDate: '2026-01-31' },
    })
    assert.equal(missing.status, 422)
    const errors = ((await missing.json()) as { errors: Record<string, string[]> }).errors
    assert.ok(errors.ownerBody && errors.responsibleUserId)
    const created = await h.request(`/api/v1/conclusions/${conclusionId}/actions`, {
      method: 'POST',
      as: sec,
      json: {
        what: { en: 'Draft a work item' },
        ownerBody: 'SG13',
        responsibleUserId: responsible.userId,
        dueDate: new Date(Date.now() - 2 * 86400_000).toISOString().slice(0, 10),
      },
    })
    assert.equal(created.status, 201, await created.clone().text())
    let action = (await created.json()) as Action
    assert.equal(action.overdue, true)
    for (const [u, body] of [
      [lead, 'SG13'],
      [otherLead, 'SG17'],
    ] as const) {
      const r = await h.request(`/api/v1/bodies/${body}/leads`, {
        method: 'POST',
        as: sec,
        json: { email: u.email },
      })
      assert.equal(r.status, 204)
    }
    const update = (as: TestUser, status: string, version: number, note = '') =>
      h.request(`/api/v1/actions/${action.id}/updates`, {
        method: 'POST',
        as,
        json: { status, note, version },
      })
    assert.equal((await update(otherLead, 'in_progress', action.version)).status, 403, 'another body’s lead')
    const progressed = await update(lead, 'in_progress', action.version, 'Draft circulated')
    assert.equal(progressed.status, 200)
    action = (await progressed.json()) as Action
    assert.equal((await update(responsible, 'done', 1)).status, 409, 'an update on an old reading')
    const done = await update(responsible, 'done', action.version, 'Agreed as Y.xyz')
    assert.equal(done.status, 200)
    action = (await done.json()) as Action
    assert.equal(action.overdue, false)
    assert.deepEqual(
      action.updates.map((u) => u.statusTo),
      ['open', 'in_progress', 'done'],
    )
    const bodies = (await (await h.request('/api/v1/bodies', { as: sec })).json()) as {
      body: string
      done: number
    }[]
    assert.equal(bodies.find((b) => b.body === 'SG13')?.done, 1)

    // Reminders: one, for an open action falling due, to its responsible person.
    const soon = await h.request(`/api/v1/conclusions/${conclusionId}/actions`, {
      method: 'POST',
      as: sec,
      json: {
        what: { en: 'Report to TSAG' },
        ownerBody: 'TSAG',
        responsibleUserId: responsible.userId,
        dueDate: new Date(Date.now() + 3 * 86400_000).toISOString().slice(0, 10),
      },
    })
    assert.equal(soon.status, 201)
    assert.ok((await sendActionReminders(h.db, 'http://localhost:3000')) >= 1)
    assert.equal(await sendActionReminders(h.db, 'http://localhost:3000'), 0)
    const mail = await h.db
      .selectFrom('outbox_email')
      .select(['subject', 'body_text'])
      .where('to_address', '=', responsible.email)
      .execute()
    assert.equal(mail.length, 1, 'the done action is not reminded')
    assert.match(mail[0]!.subject, /Report to TSAG/)
    const focal = await h.user([{ role: 'focal_point', countryCode: 'KE' }])
    assert.equal(
      (
        await h.request(`/api/v1/meetings/${meeting.id}/conclusions`, {
          method: 'POST',
          as: focal,
          json: { texts: { en: 'x' }, type: 'observation' },
        })
      ).status,
      403,
    )
  })
})
