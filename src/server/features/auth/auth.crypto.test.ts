import assert from 'node:assert/strict'
import { test } from 'node:test'
import { passwordProblem } from './auth.crypto.ts'

test('refuses passwords seen in breaches, keyboard walks, sequences and repeats, even when long enough', () => {
  for (const p of [
    'password1234',
    'qwerty123456',
    '1qaz2wsx3edc',
    'q1w2e3r4t5y6',
    'Password2024!',
    'iloveyou2025',
  ])
    assert.equal(passwordProblem(p), 'too_common', p)
  for (const p of ['abcdefghijkl', 'aaaaaaaaaaab', '121212121212'])
    assert.equal(passwordProblem(p), 'too_common', p)
})

test('refuses a password built on the person’s own name or e-mail', () => {
  assert.equal(passwordProblem('ada.lovelace-1815!', ['ada.lovelace']), 'too_common')
})

test('accepts a long passphrase and refuses what is too short or too long', () => {
  assert.equal(passwordProblem('a long and memorable passphrase'), undefined)
  assert.equal(passwordProblem('Tr0ub4dor&3xyz'), undefined)
  assert.equal(passwordProblem('short1!'), 'too_short')
  assert.equal(passwordProblem('x'.repeat(257)), 'too_long')
})
