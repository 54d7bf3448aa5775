import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export type CycloneDxBom = {
  bomFormat: 'CycloneDX'
  specVersion: string
  metadata: { component?: { name: string; version: string } }
  components: { name: string; version: string; purl?: string; scope?: string }[]
}

type Lock = { packages: Record<string, { name?: string; version?: string; dev?: boolean }> }

/**
 * A CycloneDX SBOM from npm's own generator (`npm sbom`, npm ≥ 9.5), read from package-lock.json: what is
 * locked is what ships. Production dependencies only unless asked.
 *
 * npm's `--omit dev` is not used: with npm 11 it drops kysely, a production dependency that a development
 * tool (kysely-codegen) also names as a peer. The production set is taken from the lockfile instead: every
 * locked package not marked dev-only.
 */
export function cycloneDx(options: { includeDev?: boolean; cwd?: string } = {}): CycloneDxBom {
  const cwd = options.cwd ?? process.cwd()
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  const out = execFileSync(npm, ['sbom', '--sbom-format', 'cyclonedx', '--package-lock-only'], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  const bom = JSON.parse(out) as CycloneDxBom
  if (!options.includeDev) {
    const lock = JSON.parse(readFileSync(join(cwd, 'package-lock.json'), 'utf8')) as Lock
    const production = new Set<string>()
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (!path || entry.dev) continue
      const name = entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)
      production.add(`${name}@${entry.version}`)
    }
    bom.components = bom.components.filter((c) => production.has(`${c.name}@${c.version}`))
  }
  // npm names the root component after the folder it runs in (a clone's directory name); the package's
  // own name is the right one, as its purl already says.
  const { name, version } = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as {
    name: string
    version: string
  }
  if (bom.metadata.component) Object.assign(bom.metadata.component, { name, version })
  return bom
}
