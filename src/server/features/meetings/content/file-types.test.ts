import assert from 'node:assert/strict'
import { test } from 'node:test'
import { contentDisposition, matchesExtension, sniff } from './file-types.ts'

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(
    Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p)))),
  )

test('recognizes documents by their content, not their name', () => {
  assert.equal(sniff(bytes('%PDF-1.7\n...')), 'pdf')
  assert.equal(sniff(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'rest')), 'png')
  assert.equal(sniff(bytes([0xff, 0xd8, 0xff, 0xe0])), 'jpg')
  assert.equal(sniff(bytes('PK\u0003\u0004....[Content_Types].xml....word/document.xml')), 'docx')
  assert.equal(sniff(bytes('PK\u0003\u0004....[Content_Types].xml....ppt/slides/slide1.xml')), 'pptx')
  assert.equal(sniff(bytes('PK\u0003\u0004 just a zip')), undefined)
  assert.equal(sniff(new Uint8Array(Buffer.from('Réunion des CTO, compte rendu\n'))), 'txt')
  assert.equal(sniff(bytes([0x4d, 0x5a, 0x90, 0x00])), undefined, 'an executable is refused')
  assert.equal(sniff(bytes([0xc3, 0x28])), undefined, 'invalid UTF-8 is not text')
})

test('the extension must agree with the content', () => {
  assert.equal(matchesExtension('pdf', 'pdf'), true)
  assert.equal(matchesExtension('pdf', 'png'), false)
  assert.equal(matchesExtension('csv', 'txt'), true)
  assert.equal(matchesExtension('jpeg', 'jpg'), true)
})

test('download names cannot break the header or escape a folder', () => {
  assert.equal(
    contentDisposition('../../etc/passwd'),
    `attachment; filename="passwd"; filename*=UTF-8''passwd`,
  )
  assert.equal(
    contentDisposition('a"b\r\nSet-Cookie: x.pdf'),
    `attachment; filename="abSet-Cookie: x.pdf"; filename*=UTF-8''abSet-Cookie%3A%20x.pdf`,
  )
  assert.match(
    contentDisposition('Compte rendu – Genève.pdf'),
    /filename="Compte rendu _ Geneve.pdf"; filename\*=UTF-8''Compte%20rendu%20%E2%80%93%20Gen%C3%A8ve\.pdf/,
  )
})
