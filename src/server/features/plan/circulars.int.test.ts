import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildOrganization } from '../../testing/factories.ts'
import { type TestUser, useHarness } from '../../testing/harness.ts'
import { listIndicators } from './plan.service.ts'

const h = useHarness()

// The smallest valid PDF header is enough for the type check (content sniffing, as for meeting documents).
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')

function multipart(
  user: TestUser,
  fields: Record<string, string>,
  file?: { name: string; bytes: Uint8Array },
) {
  const body = new FormData()
  body.set('_csrf', user.csrf)
  for (const [k, v] of Object.entries(fields)) body.set(k, v)
  if (file) body.set('file', new File([file.bytes], file.name))
  return { method: 'POST', body, headers: { Cookie: user.cookie } }
}

describe('circulars (AP5)', () => {
  test('recorded with a document, sent once to the audience in each person’s language, feedback tracked and counted', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const sm = await buildOrganization(h.db, { category: 'sector_member' })
    const academia = await buildOrganization(h.db, { category: 'academia' })
    const rep = await h.user([{ role: 'member_representative', organizationId: sm.id }])
    await h.db
      .updateTable('app_user')
      .set({ preferred_language: 'fr' })
      .where('id', '=', rep.userId)
      .execute()
    const scholar = await h.user([{ role: 'member_representative', organizationId: academia.id }])
    await h.user([{ role: 'focal_point', countryCode: 'KE' }])

    const bad = await h.app.request(
      '/plan/circulars',
      multipart(
        sec,
        { number: '', issuedOn: 'yesterday', subject: 'x', audience: 'sector_members' },
        { name: 'a.pdf', bytes: new Uint8Array([1, 2, 3]) },
      ),
    )
    assert.equal(bad.status, 422)
    const text = await bad.text()
    assert.match(text, /must be a date/)
    assert.match(text, /does not match its extension|type of file is not accepted/)
    assert.equal((await h.db.selectFrom('circular').select('id').execute()).length, 0)

    const created = await h.app.request(
      '/plan/circulars',
      multipart(
        sec,
        {
          number: '245',
          issuedOn: '2026-03-02',
          subject: 'Survey on industry engagement',
          audience: 'sector_members',
        },
        { name: 'circ245.pdf', bytes: PDF },
      ),
    )
    assert.equal(created.status, 303)
    const url = created.headers.get('location')!.split('?')[0]!
    const id = url.split('/').at(-1)!
    const again = await h.app.request(
      '/plan/circulars',
      multipart(sec, {
        number: '245',
        issuedOn: '2026-03-02',
        subject: 'Again',
        audience: 'membership',
      }),
    )
    assert.equal(again.status, 422, 'the number is unique')

    const file = await h.request(`${url}/file`, { as: rep })
    assert.equal(file.status, 200)
    assert.equal(file.headers.get('content-type'), 'application/pdf')

    const focal = await h.user([{ role: 'focal_point', countryCode: 'SN' }])
    assert.equal((await h.request(`${url}/send`, { method: 'POST', as: focal, form: {} })).status, 403)
    assert.equal((await h.request(`${url}/send`, { method: 'POST', as: sec, form: {} })).status, 303)
    const mails = await h.db
      .selectFrom('outbox_email')
      .select(['to_address', 'subject', 'body_text'])
      .execute()
    assert.deepEqual(
      mails.map((m) => m.to_address),
      [rep.email],
      'only the sector member’s representative: not academia, not focal points',
    )
    assert.match(mails[0]!.subject, /TSB Circular 245|Circulaire TSB 245/)
    assert.match(mails[0]!.body_text, /circulaire|Circulaire/, 'in French, the recipient’s language')
    assert.equal(
      (await h.request(`${url}/send`, { method: 'POST', as: sec, form: {} })).status,
      422,
      'sent once only',
    )
    assert.equal((await h.db.selectFrom('outbox_email').select('id').execute()).length, 1)
    assert.ok(scholar)

    const early = await h.request(`${url}/feedback`, {
      method: 'POST',
      as: sec,
      form: { fromKind: 'regional_group', fromLabel: 'APT', receivedOn: '2026-01-01', summary: 'Too early' },
    })
    assert.equal(early.status, 422)
    for (const [who, kind] of [
      ['APT', 'regional_group'],
      [sm.name, 'member'],
    ] as const)
      assert.equal(
        (
          await h.request(`${url}/feedback`, {
            method: 'POST',
            as: sec,
            form: {
              fromKind: kind,
              fromLabel: who,
              receivedOn: '2026-04-01',
              summary: 'Supports more workshops',
              reference: 'TSAG-C12',
            },
          })
        ).status,
        303,
      )
    const page = await (await h.request(url, { as: rep })).text()
    assert.match(page, /Supports more workshops/)
    assert.match(page, /Envoyée à 1 personne/, 'the representative reads it in French')
    const list = await (await h.request('/plan/circulars?q=245', { as: sec })).text()
    assert.match(list, />245<\/a>/)
    assert.match(list, /Survey on industry engagement/)
    const api = (await (await h.request('/api/v1/plan/circulars', { as: sec })).json()) as {
      items: { feedback: number }[]
    }
    assert.equal(api.items[0]!.feedback, 2)
    const indicator = (await listIndicators(h.db, sec.actor, { from: '2026-01-01', to: '2026-12-31' })).find(
      (i) => i.code === 'circular_feedback',
    )!
    assert.deepEqual(
      indicator.values.map((v) => v.value),
      [2],
      'the AP5 indicator counts the feedback on circulars issued in the period',
    )
    const audit = await h.db
      .selectFrom('audit_log')
      .select('entity_type')
      .where('entity_id', '=', id)
      .execute()
    assert.deepEqual(audit.map((a) => a.entity_type).sort(), ['circular', 'circular'], 'recorded and sent')
  })

  test('an indicator whose query fails shows no data with the reason, and the page still renders', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    await h.db
      .insertInto('indicator')
      .values({
        code: 'broken_query',
        name: 'Broken',
        unit: 'count',
        direction: 'increase',
        kind: 'computed',
        query: 'no_such_query',
      })
      .execute()
    const broken = (await listIndicators(h.db, sec.actor, { from: '2025-01-01', to: '2025-12-31' })).find(
      (i) => i.code === 'broken_query',
    )!
    assert.equal(broken.status, 'no_data')
    assert.match(broken.failure ?? '', /no query named no_such_query/)
    const page = await h.request('/plan/indicators', { as: sec })
    assert.equal(page.status, 200)
    assert.match(await page.text(), /could not be computed/)
  })
})
