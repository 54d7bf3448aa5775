import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildMeeting, buildOrganization } from '../../testing/factories.ts'
import { type TestUser, useHarness } from '../../testing/harness.ts'

const h = useHarness()

type Topic = {
  id: string
  state: string
  version: number
  supports: number
  supportedByYou: string[]
  allowedTransitions: string[]
  mergedInto: string | null
  splitFrom: string | null
  priorities: { id: string }[]
  proposedBy: { organizationId: string | null; countryCode: string | null; name: string } | null
  source: string
}

async function propose(as: TestUser, body: Record<string, unknown> = {}) {
  const res = await h.request('/api/v1/topics', {
    method: 'POST',
    as,
    json: { titles: { en: `Topic ${Math.random().toString(36).slice(2, 8)}` }, ...body },
  })
  return res
}

async function created(as: TestUser, body: Record<string, unknown> = {}) {
  const res = await propose(as, body)
  assert.equal(res.status, 201, await res.clone().text())
  return (await res.json()) as Topic
}

const move = (as: TestUser, t: Topic, to: string, extra: Record<string, unknown> = {}) =>
  h.request(`/api/v1/topics/${t.id}/transitions`, {
    method: 'POST',
    as,
    json: { to, reason: `to ${to}`, version: t.version, ...extra },
  })

describe('topics and their lifecycle', () => {
  test('a member representative proposes for its organization only; the secretariat for any source', async () => {
    const org = await buildOrganization(h.db, { country_code: 'KE' })
    const other = await buildOrganization(h.db, { country_code: 'KE' })
    const rep = await h.user([{ role: 'member_representative', organizationId: org.id }])
    const t = await created(rep, { source: 'secretariat', keywords: 'edge AI, federated learning' })
    assert.equal(t.source, 'member_proposal', 'a member can only propose')
    assert.equal(t.proposedBy?.organizationId, org.id)
    assert.equal(t.state, 'proposed')
    const refused = await propose(rep, { proposedByOrganizationId: other.id })
    assert.equal(refused.status, 422)
    assert.deepEqual(((await refused.json()) as { errors: Record<string, string[]> }).errors, {
      proposedByOrganizationId: ['organization_not_yours'],
    })
    const sec = await h.user([{ role: 'secretariat' }])
    const s = await created(sec, { source: 'strategy_mechanism', studyGroups: ['SG13', 'SG20'] })
    assert.equal(s.source, 'strategy_mechanism')
    const bad = await propose(sec, { titles: {}, studyGroups: ['not a group!'] })
    assert.equal(bad.status, 422)
    const anonymous = await h.request('/api/v1/topics')
    assert.equal(anonymous.status, 401)
  })

  test('lifecycle moves follow the rules; an illegal one is 409 with the allowed moves; every move is on the timeline', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const meeting = await buildMeeting(h.db, { status: 'held' })
    let t = await created(sec)
    assert.deepEqual(t.allowedTransitions, ['shortlisted', 'on_agenda', 'closed'])
    const illegal = await move(sec, t, 'standard_approved')
    assert.equal(illegal.status, 409)
    const problem = (await illegal.json()) as { code: string; details: { allowed: string[] } }
    assert.equal(problem.code, 'TOPIC_TRANSITION_INVALID')
    assert.deepEqual(problem.details.allowed, ['shortlisted', 'on_agenda', 'closed'])
    for (const to of ['on_agenda', 'discussed', 'concluded', 'work_item']) {
      const res = await move(
        sec,
        t,
        to,
        to === 'discussed' ? { meetingId: meeting.id, evidenceUrl: 'https://example.org/minutes' } : {},
      )
      assert.equal(res.status, 200, await res.clone().text())
      t = (await res.json()) as Topic
    }
    assert.equal(t.state, 'work_item')
    const stale = await move(sec, { ...t, version: 1 }, 'monitoring')
    assert.equal(stale.status, 409, 'a move made on an old reading is refused')
    const timeline = (await (await h.request(`/api/v1/topics/${t.id}/timeline`, { as: sec })).json()) as {
      kind: string
      toState: string | null
      meetingId: string | null
      evidenceUrl: string | null
      reason: string | null
    }[]
    assert.deepEqual(
      timeline.map((e) => `${e.kind}:${e.toState}`),
      [
        'created:proposed',
        'transition:on_agenda',
        'transition:discussed',
        'transition:concluded',
        'transition:work_item',
      ],
    )
    const discussed = timeline[2]!
    assert.equal(discussed.meetingId, meeting.id)
    assert.equal(discussed.evidenceUrl, 'https://example.org/minutes')
    assert.equal(discussed.reason, 'to discussed')
    // Members read the story but do not move topics.
    const focal = await h.user([{ role: 'focal_point', countryCode: 'KE' }])
    assert.equal((await move(focal, t, 'monitoring')).status, 403)
    const noReason = await h.request(`/api/v1/topics/${t.id}/transitions`, {
      method: 'POST',
      as: sec,
      json: { to: 'monitoring', reason: ' ', version: t.version },
    })
    assert.equal(noReason.status, 422)
  })

  test('administrators change the lifecycle rules; others cannot', async () => {
    const admin = await h.user([{ role: 'admin' }])
    const sec = await h.user([{ role: 'secretariat' }])
    const before = (await (await h.request('/api/v1/topic-lifecycle', { as: sec })).json()) as {
      rules: { from: string; to: string }[]
    }
    assert.equal(
      (await h.request('/api/v1/topic-lifecycle', { method: 'PUT', as: sec, json: before })).status,
      403,
    )
    const withDirect = {
      rules: [...before.rules, { from: 'proposed', to: 'work_item' }],
    }
    const res = await h.request('/api/v1/topic-lifecycle', { method: 'PUT', as: admin, json: withDirect })
    assert.equal(res.status, 200)
    const t = await created(sec)
    assert.ok(t.allowedTransitions.includes('work_item'))
    assert.equal((await move(sec, t, 'work_item')).status, 200)
    // Put the delivered rules back for the other tests.
    await h.request('/api/v1/topic-lifecycle', { method: 'PUT', as: admin, json: before })
    const self = await h.request('/api/v1/topic-lifecycle', {
      method: 'PUT',
      as: admin,
      json: { rules: [{ from: 'proposed', to: 'proposed' }] },
    })
    assert.equal(self.status, 422)
  })

  test('one support per organization; a focal point supports for its government; supports move on merge', async () => {
    const gov = await buildOrganization(h.db, { country_code: 'GH', category: 'member_state' })
    const company = await buildOrganization(h.db, { country_code: 'GH' })
    const focal = await h.user([{ role: 'focal_point', countryCode: 'GH' }])
    const rep = await h.user([{ role: 'member_representative', organizationId: company.id }])
    const colleague = await h.user([{ role: 'member_representative', organizationId: company.id }])
    const sec = await h.user([{ role: 'secretariat' }])
    const a = await created(sec)
    const b = await created(sec)
    const support = (as: TestUser, t: Topic, organizationId: string, method = 'POST') =>
      h.request(`/api/v1/topics/${t.id}/supports`, { method, as, json: { organizationId } })
    assert.equal((await support(focal, a, gov.id)).status, 200)
    assert.equal((await support(rep, a, company.id)).status, 200)
    const twice = await support(colleague, a, company.id)
    assert.equal(twice.status, 409)
    assert.equal(((await twice.json()) as { code: string }).code, 'SUPPORT_EXISTS')
    assert.equal((await support(rep, a, gov.id)).status, 403, 'not an organization it speaks for')
    assert.equal((await support(rep, b, company.id)).status, 200)
    const merged = await h.request(`/api/v1/topics/${a.id}/merge`, {
      method: 'POST',
      as: sec,
      json: { intoId: b.id, reason: 'Same subject' },
    })
    assert.equal(merged.status, 200)
    const kept = (await merged.json()) as Topic
    assert.equal(kept.supports, 2, 'Ghana’s government moves over; the company supported both: counted once')
    const dup = (await (await h.request(`/api/v1/topics/${a.id}`, { as: sec })).json()) as Topic
    assert.equal(dup.mergedInto, b.id)
    assert.equal(dup.state, 'closed')
    assert.deepEqual(dup.allowedTransitions, [])
    assert.equal((await support(focal, dup, gov.id, 'DELETE')).status, 409, 'a merged topic takes no support')
    const again = await h.request(`/api/v1/topics/${a.id}/merge`, {
      method: 'POST',
      as: sec,
      json: { intoId: b.id, reason: 'again' },
    })
    assert.equal(again.status, 409)
    // The list hides merged duplicates unless asked.
    const list = (await (await h.request('/api/v1/topics?pageSize=200', { as: sec })).json()) as {
      items: { id: string }[]
    }
    assert.ok(!list.items.some((x) => x.id === a.id))
    assert.ok(list.items.some((x) => x.id === b.id))
  })

  test('a split keeps its origin on both timelines; priorities link topics and filter the list', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const p = await h.request('/api/v1/priorities', {
      method: 'POST',
      as: sec,
      json: { titles: { en: 'Quantum' }, kind: 'emerging_technology', weight: 3, periodStart: '2025-01-01' },
    })
    assert.equal(p.status, 201, await p.clone().text())
    const priority = (await p.json()) as { id: string; current: boolean }
    assert.equal(priority.current, true)
    const t = await created(sec, { priorityIds: [priority.id] })
    const split = await h.request(`/api/v1/topics/${t.id}/split`, {
      method: 'POST',
      as: sec,
      json: { titles: { en: 'Quantum key distribution' }, reason: 'Distinct work' },
    })
    assert.equal(split.status, 201)
    const part = (await split.json()) as Topic
    assert.equal(part.splitFrom, t.id)
    assert.deepEqual(
      part.priorities.map((x) => x.id),
      [priority.id],
    )
    const timeline = (await (await h.request(`/api/v1/topics/${t.id}/timeline`, { as: sec })).json()) as {
      kind: string
      relatedTopicId: string
    }[]
    assert.deepEqual(
      timeline.map((e) => e.kind),
      ['created', 'split_into'],
    )
    assert.equal(timeline[1]!.relatedTopicId, part.id)
    const filtered = (await (
      await h.request(`/api/v1/topics?priorityId=${priority.id}`, { as: sec })
    ).json()) as { items: { id: string }[]; total: number; byState: Record<string, number> }
    assert.deepEqual(filtered.items.map((x) => x.id).sort(), [t.id, part.id].sort())
    assert.equal(filtered.byState.proposed, 2)
    const badPriority = await h.request('/api/v1/priorities', {
      method: 'POST',
      as: sec,
      json: {
        titles: { en: 'X' },
        kind: 'strategic_priority',
        weight: 101,
        periodStart: '2025-01-01',
        periodEnd: '2024-01-01',
      },
    })
    assert.equal(badPriority.status, 422)
    const errors = ((await badPriority.json()) as { errors: Record<string, string[]> }).errors
    assert.ok(errors.weight && errors.periodEnd)
  })

  test('a concurrent edit of a topic is refused with 409, nothing half-written', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const t = await created(sec)
    const edit = (title: string) =>
      h.request(`/api/v1/topics/${t.id}`, {
        method: 'PUT',
        as: sec,
        json: { titles: { en: title }, version: t.version },
      })
    assert.equal((await edit('First')).status, 200)
    const second = await edit('Second')
    assert.equal(second.status, 409)
    const now = (await (await h.request(`/api/v1/topics/${t.id}`, { as: sec })).json()) as { title: string }
    assert.equal(now.title, 'First')
  })

  test('a closed consultation’s proposed topics enter the registry once, linked to it and to who proposed', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const res = await h.request('/api/v1/consultations', {
      method: 'POST',
      as: sec,
      json: {
        titles: { en: 'Agenda consultation' },
        purpose: 'membership_agenda',
        audience: { kind: 'countries', countries: ['SN'] },
        opensAt: new Date(Date.now() - 3600_000).toISOString(),
        closesAt: new Date(Date.now() + 86400_000).toISOString(),
        confidentiality: 'secretariat',
        questionnaire: {
          sections: [
            {
              id: 's',
              title: { en: 'Topics' },
              questions: [{ id: 'topics', type: 'topic_proposal', text: { en: 'Propose' } }],
            },
          ],
        },
      },
    })
    const c = (await res.json()) as { id: string }
    await h.request(`/api/v1/consultations/${c.id}/open`, { method: 'POST', as: sec })
    const focal = await h.user([{ role: 'focal_point', countryCode: 'SN' }])
    const [target] = (await (
      await h.request(`/api/v1/consultations/${c.id}/targets`, { as: focal })
    ).json()) as { id: string }[]
    await h.request(`/api/v1/consultations/${c.id}/responses/${target!.id}`, {
      method: 'PUT',
      as: focal,
      json: {
        answers: {
          topics: [
            { title: 'Digital identity', description: 'Interoperable ID' },
            { title: 'Rural broadband', description: '' },
          ],
        },
        submit: true,
      },
    })
    assert.equal(
      (await h.request(`/api/v1/consultations/${c.id}/close`, { method: 'POST', as: sec })).status,
      200,
    )
    const topics = await h.db
      .selectFrom('topic')
      .select(['titles', 'source', 'proposed_by_country_code', 'state'])
      .where('consultation_id', '=', c.id)
      .orderBy('consultation_proposal_index')
      .execute()
    assert.deepEqual(
      topics.map((x) => [(x.titles as { en: string }).en, x.source, x.proposed_by_country_code, x.state]),
      [
        ['Digital identity', 'consultation', 'SN', 'proposed'],
        ['Rural broadband', 'consultation', 'SN', 'proposed'],
      ],
    )
  })
})
