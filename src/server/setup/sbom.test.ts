import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { cycloneDx } from './sbom.ts'

type Lock = { packages: Record<string, { version?: string; dev?: boolean }> }

test('the SBOM lists every production dependency at its locked version, and no development-only one', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
    name: string
    dependencies: Record<string, string>
    devDependencies: Record<string, string>
  }
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as Lock
  const bom = cycloneDx()
  assert.equal(bom.bomFormat, 'CycloneDX')
  assert.equal(bom.metadata.component?.name, pkg.name)
  const listed = new Map(bom.components.map((c) => [c.name, c.version]))
  for (const name of Object.keys(pkg.dependencies)) {
    assert.equal(listed.get(name), lock.packages[`node_modules/${name}`]?.version, name)
  }
  // A development tool is absent unless a production package needs it too (somewhere in the lockfile).
  for (const name of Object.keys(pkg.devDependencies)) {
    const entries = Object.entries(lock.packages).filter(([path]) => path.endsWith(`node_modules/${name}`))
    if (entries.every(([, e]) => e.dev)) assert.ok(!listed.has(name), `${name} is development-only`)
  }
  assert.ok(!listed.has('@biomejs/biome') && !listed.has('playwright-core') && !listed.has('autocannon'))
})
