import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { buildMeeting } from '../../../testing/factories.ts'
import { useHarness } from '../../../testing/harness.ts'

const h = useHarness()

const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n')
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])

function upload(
  meetingId: string,
  file: { name: string; bytes: Uint8Array; type?: string },
  as: Awaited<ReturnType<typeof h.user>>,
  published = false,
) {
  const form = new FormData()
  form.set('kind', 'presentation')
  form.set('title', `Slides ${file.name}`)
  if (published) form.set('published', 'true')
  form.set('file', new File([file.bytes], file.name, { type: file.type ?? 'application/octet-stream' }))
  return h.request(`/api/v1/meetings/${meetingId}/documents`, { method: 'POST', as, body: form })
}

describe('documents', () => {
  test('stores a document, serves it with safe headers, and hides it until published', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const m = await buildMeeting(h.db, { status: 'announced' })
    const res = await upload(m.id, { name: '../Keynote – Genève.pdf', bytes: PDF, type: 'text/html' }, sec)
    assert.equal(res.status, 201, await res.clone().text())
    const doc = (await res.json()) as { id: string; contentType: string; fileName: string; sizeBytes: number }
    assert.equal(doc.contentType, 'application/pdf', 'the type comes from the content, not the browser')
    assert.equal(doc.fileName, 'Keynote – Genève.pdf')
    assert.equal(doc.sizeBytes, PDF.length)
    assert.equal(
      (await h.request(`/api/v1/documents/${doc.id}`)).status,
      404,
      'unpublished: secretariat only',
    )
    assert.deepEqual(await (await h.request(`/api/v1/meetings/${m.id}/documents`)).json(), [])
    const download = await h.request(`/api/v1/documents/${doc.id}`, { as: sec })
    assert.equal(download.status, 200)
    assert.equal(download.headers.get('content-type'), 'application/pdf')
    assert.match(
      download.headers.get('content-disposition') ?? '',
      /^attachment; filename="Keynote _ Geneve.pdf"; filename\*=UTF-8''Keynote%20%E2%80%93%20Gen%C3%A8ve\.pdf$/,
    )
    assert.match(download.headers.get('content-security-policy') ?? '', /sandbox/)
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), PDF)
    await h.request(`/documents/${doc.id}/publish`, { method: 'POST', as: sec, form: { meetingId: m.id } })
    assert.equal((await h.request(`/api/v1/documents/${doc.id}`)).status, 200)
  })

  test('refuses a file whose content does not match its extension, and types that are not allowed', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const m = await buildMeeting(h.db, { status: 'announced' })
    const fake = await upload(m.id, { name: 'report.pdf', bytes: PNG }, sec)
    assert.equal(fake.status, 422)
    assert.deepEqual(((await fake.json()) as { errors: Record<string, string[]> }).errors, {
      file: ['file_content_mismatch'],
    })
    const exe = await upload(m.id, { name: 'setup.exe', bytes: Buffer.from('MZ\u0090\u0000') }, sec)
    assert.deepEqual(((await exe.json()) as { errors: Record<string, string[]> }).errors, {
      file: ['file_type_not_allowed'],
    })
    const html = await upload(m.id, { name: 'page.txt', bytes: Buffer.from([0x3c, 0x00, 0x68]) }, sec)
    assert.equal(html.status, 422)
    const stored = await h.db
      .selectFrom('meeting_document')
      .select('id')
      .where('meeting_id', '=', m.id)
      .execute()
    assert.equal(stored.length, 0)
  })

  test('refuses an oversized upload without reading it all (a 200 MB stream)', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const m = await buildMeeting(h.db, { status: 'announced' })
    let sent = 0
    const chunk = new Uint8Array(1024 * 1024)
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 200) return controller.close()
        sent++
        controller.enqueue(chunk)
      },
    })
    const res = await h.app.request(`/api/v1/meetings/${m.id}/documents`, {
      method: 'POST',
      headers: {
        Cookie: sec.cookie,
        'X-CSRF-Token': sec.csrf,
        'Content-Type': 'multipart/form-data; boundary=x',
      },
      body: stream,
      // Node's fetch needs duplex for a streamed body.
      duplex: 'half',
    })
    assert.equal(res.status, 413)
    assert.ok(sent < 200, `stopped reading after ${sent} MB`)
    const big = await upload(
      m.id,
      { name: 'big.pdf', bytes: Buffer.concat([PDF, Buffer.alloc(10 * 1024 * 1024)]) },
      sec,
    )
    assert.equal(big.status, 413)
  })

  test('only the secretariat uploads', async () => {
    const m = await buildMeeting(h.db, { status: 'announced' })
    const org = await h.db.selectFrom('organization').select('id').limit(1).executeTakeFirst()
    const rep = await h.user(org ? [{ role: 'member_representative', organizationId: org.id }] : [])
    assert.equal((await upload(m.id, { name: 'x.pdf', bytes: PDF }, rep)).status, 403)
  })
})

describe('minutes', () => {
  test('keep revisions, refuse a stale save, and are public only once final', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const m = await buildMeeting(h.db, { status: 'held', starts_at: new Date(Date.now() - 86400_000) })
    const save = (body: string, baseRevision: number, final = false) =>
      h.request(`/api/v1/meetings/${m.id}/minutes?final=${final}`, {
        method: 'POST',
        as: sec,
        json: { body, baseRevision },
      })
    assert.equal((await save('First draft', 0)).status, 201)
    const stale = await save('Written from an old copy', 0)
    assert.equal(stale.status, 409)
    assert.equal(((await stale.json()) as { code: string }).code, 'MINUTES_CONFLICT')
    assert.equal((await save('Second draft', 1)).status, 201)
    assert.equal(
      await (await h.request(`/api/v1/meetings/${m.id}/minutes`)).json(),
      null,
      'drafts are not public',
    )
    assert.equal((await save('The final minutes', 2, true)).status, 201)
    const pub = (await (await h.request(`/api/v1/meetings/${m.id}/minutes`)).json()) as {
      body: string
      state: string
      revision: number
    }
    assert.deepEqual([pub.body, pub.state, pub.revision], ['The final minutes', 'final', 3])
    const after = await save('Too late', 3)
    assert.equal(((await after.json()) as { code: string }).code, 'MINUTES_FINAL')
    const staff = (await (await h.request(`/api/v1/meetings/${m.id}/minutes`, { as: sec })).json()) as {
      history: unknown[]
    }
    assert.equal(staff.history.length, 3)
  })

  test('the page keeps the editor’s text when someone saved meanwhile', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const m = await buildMeeting(h.db, { status: 'held', starts_at: new Date(Date.now() - 86400_000) })
    await h.request(`/api/v1/meetings/${m.id}/minutes`, {
      method: 'POST',
      as: sec,
      json: { body: 'Theirs', baseRevision: 0 },
    })
    const res = await h.request(`/meetings/${m.id}/minutes`, {
      method: 'POST',
      as: sec,
      form: { body: 'Mine, carefully written', baseRevision: '0', final: 'false' },
    })
    assert.equal(res.status, 409)
    assert.match(await res.text(), /Mine, carefully written/)
  })
})

describe('sessions', () => {
  test('a session’s times are in the meeting’s time zone and its outline is one item per line', async () => {
    const sec = await h.user([{ role: 'secretariat' }])
    const m = await buildMeeting(h.db, { status: 'announced' })
    await h.db.updateTable('meeting').set({ time_zone: 'Asia/Kolkata' }).where('id', '=', m.id).execute()
    const res = await h.request(`/api/v1/meetings/${m.id}/sessions`, {
      method: 'POST',
      as: sec,
      json: {
        titles: { en: 'Opening' },
        startsAt: '2026-10-14T09:30',
        endsAt: '2026-10-14T10:30',
        outline: 'Welcome\n\n  Strategy update \nAI and standards',
      },
    })
    assert.equal(res.status, 201)
    const list = (await (await h.request(`/api/v1/meetings/${m.id}/sessions`)).json()) as {
      startsAt: string
      outline: string[]
    }[]
    assert.equal(list[0]!.startsAt, '2026-10-14T09:30')
    assert.deepEqual(list[0]!.outline, ['Welcome', 'Strategy update', 'AI and standards'])
    const row = await h.db
      .selectFrom('meeting_session')
      .select('starts_at')
      .where('meeting_id', '=', m.id)
      .executeTakeFirstOrThrow()
    assert.equal(row.starts_at!.toISOString(), '2026-10-14T04:00:00.000Z')
  })
})
