// The software bill of materials: `npm run sbom [-- --out FILE] [--dev]` writes a CycloneDX 1.5 JSON SBOM of
// the production dependencies as locked in package-lock.json (default sbom/engage.cdx.json).
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { cycloneDx } from '../src/server/setup/sbom.ts'

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'sbom/engage.cdx.json' },
    dev: { type: 'boolean', default: false },
  },
})
const bom = cycloneDx({ includeDev: values.dev })
mkdirSync(dirname(values.out), { recursive: true })
writeFileSync(values.out, `${JSON.stringify(bom, null, 2)}\n`)
console.log(`${values.out}: ${bom.components.length} components (CycloneDX ${bom.specVersion})`)
