import assert from 'node:assert/strict'
import { test } from 'node:test'
import { nest, safeNext } from './forms.ts'

test('nests dotted form names and ignores prototype keys', () => {
  assert.deepEqual(nest({ 'names.en': 'CTO group', 'names.fr': 'Groupe', kind: 'cto_group' }), {
    names: { en: 'CTO group', fr: 'Groupe' },
    kind: 'cto_group',
  })
  const polluted = nest({ '__proto__.admin': 'yes' }) as Record<string, unknown>
  assert.equal(({} as Record<string, unknown>).admin, undefined)
  assert.equal(polluted.admin, undefined)
})

test('refuses open redirects after sign-in', () => {
  assert.equal(safeNext('/organizations?q=a'), '/organizations?q=a')
  assert.equal(safeNext('https://evil.example'), '/')
  assert.equal(safeNext('//evil.example'), '/')
  assert.equal(safeNext('/\\evil.example'), '/')
  assert.equal(safeNext('/\t/evil.example'), '/')
  assert.equal(safeNext('/\n/evil.example'), '/')
  assert.equal(safeNext(undefined), '/')
})
