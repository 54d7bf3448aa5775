import assert from 'node:assert/strict'
import { test } from 'node:test'
import { neutralizeFormula, parseCsv, toCsv } from './csv.ts'

test('export neutralizes cells a spreadsheet would run as formulas', () => {
  assert.equal(neutralizeFormula('=HYPERLINK("http://x")'), `'=HYPERLINK("http://x")`)
  assert.equal(neutralizeFormula('+1'), `'+1`)
  assert.equal(neutralizeFormula('@SUM(A1)'), `'@SUM(A1)`)
  assert.equal(neutralizeFormula('Orange S.A.'), 'Orange S.A.')
  assert.match(toCsv(['name'], [{ name: '-2+3' }]), /'-2\+3/)
})

test('parses a header row case-insensitively and strips a byte-order mark', () => {
  const t = parseCsv('\uFEFFName,Country\r\n"Acme, Inc.",KE\r\n')
  assert.deepEqual(t.header, ['name', 'country'])
  assert.deepEqual(t.rows, [{ name: 'Acme, Inc.', country: 'KE' }])
})

test('a row with the wrong number of cells is refused', () => {
  assert.throws(() => parseCsv('name,country\nAcme\n'))
})
