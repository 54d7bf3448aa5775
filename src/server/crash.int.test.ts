import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runCrashTest } from './testing/crash.ts'
import { testDbKind } from './testing/test-db.ts'

// The real server, killed with SIGKILL while it takes writes: every acknowledged write must survive.
// A few kills here (CI); `npm run crash -- --kills 50` runs the long version (docs/security.md).
test('every write the server acknowledged survives SIGKILL at random moments, with its audit entry', async () => {
  const kind = testDbKind()
  const result = await runCrashTest({ kind, kills: 3, seed: 20261206, maxRunMs: 1200 })
  assert.equal(result.kills, 3)
  assert.ok(result.acknowledged >= 20, `only ${result.acknowledged} writes were acknowledged`)
  assert.deepEqual(result.missing, [], 'acknowledged writes lost')
  assert.deepEqual(result.duplicated, [])
  assert.deepEqual(result.brokenInvariants, [])
  assert.deepEqual(result.unexpectedAnswers, [])
})
