import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fromDatabaseError, isUnavailable } from './errors.ts'

test('a database that cannot take the request (down, full disk, out of memory, too many connections) is a 503', () => {
  for (const code of [
    'ECONNREFUSED',
    'ECONNRESET',
    '57P01',
    '57P03',
    '53100',
    '53200',
    '53300',
    '08006',
    'ENOSPC',
  ]) {
    assert.ok(isUnavailable({ code }), code)
    assert.equal(fromDatabaseError({ code })?.code, 'UNAVAILABLE', code)
    assert.equal(fromDatabaseError({ code })?.status, 503, code)
  }
  assert.equal(fromDatabaseError(new Error('Connection terminated unexpectedly'))?.code, 'UNAVAILABLE')
  assert.equal(fromDatabaseError(new Error('PGlite is closed'))?.code, 'UNAVAILABLE')
})

test('other database errors keep their meaning, and an unknown one is not hidden as a 503', () => {
  assert.equal(
    fromDatabaseError({ code: '23505', constraint: 'person_email_key' })?.code,
    'PERSON_EMAIL_TAKEN',
  )
  assert.equal(fromDatabaseError({ code: '22008' })?.code, 'VALIDATION_FAILED')
  assert.equal(fromDatabaseError({ code: '42P01' }), undefined)
  assert.equal(isUnavailable(new Error('syntax error at or near "x"')), false)
})
