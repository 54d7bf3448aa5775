// Crash safety, the long run: `npm run crash -- [--db embedded|postgres|both] [--kills 50] [--seed N]`.
// Starts the server, streams writes, kills it with SIGKILL at random moments, restarts it, and checks that
// every acknowledged write is stored once with its audit entry (src/server/testing/crash.ts).
import { parseArgs } from 'node:util'
import { runCrashTest } from '../src/server/testing/crash.ts'

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'both' },
    kills: { type: 'string', default: '20' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    writers: { type: 'string', default: '4' },
  },
})
const kinds =
  values.db === 'both' ? (['embedded', 'postgres'] as const) : [values.db as 'embedded' | 'postgres']
let failed = false
for (const kind of kinds) {
  const started = Date.now()
  const r = await runCrashTest({
    kind,
    kills: Number(values.kills),
    seed: Number(values.seed),
    writers: Number(values.writers),
    log: (line) => console.log(`  ${kind}: ${line}`),
  })
  const ok =
    !r.missing.length && !r.duplicated.length && !r.brokenInvariants.length && !r.unexpectedAnswers.length
  failed ||= !ok
  const restart = r.restartsMs.length
    ? Math.round(r.restartsMs.reduce((a, b) => a + b, 0) / r.restartsMs.length)
    : 0
  console.log(
    `${kind}: ${ok ? 'OK' : 'FAILED'} — ${r.kills} kills survived, ${r.acknowledged} acknowledged writes verified, ` +
      `${r.inFlightAtKill} in flight at a kill, mean restart ${restart} ms, seed ${values.seed}, ${Math.round((Date.now() - started) / 1000)} s`,
  )
  for (const line of [
    ...r.missing.map((n) => `lost: ${n}`),
    ...r.duplicated,
    ...r.brokenInvariants,
    ...r.unexpectedAnswers,
  ])
    console.log(`  ${line}`)
}
process.exit(failed ? 1 : 0)
