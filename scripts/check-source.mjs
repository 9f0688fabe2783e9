#!/usr/bin/env node
/** The source-file habits that `npm run lint` checks beyond Biome and dependency-cruiser. */
// 1. Every source file opens with one line saying which concept it holds: `/** ... */` on the first
//    line of a TypeScript or JavaScript file (after a `#!` line), `# ...` in a shell script, `// ...`
//    in a jshell script or a .proto file.
// 2. No comment points to a document outside this repository: our private research notes, or their
//    section numbers (`§4.3`). Cite the public source instead (a Mesos doc or .proto path, a KIP, a
//    Kafka docs section, a mesos/kafka source file or issue); longer explanations go in docs/.
// Usage: node scripts/check-source.mjs   (exit 1 and one line per problem when something is off)
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const HEADER = [
  { ext: /\.(ts|mjs|js|cjs)$/, line: /^\/\*\* \S.* \*\/$/, form: '/** ... */ on one line' },
  { ext: /(\.sh|^\.ci\/run)$/, line: /^# \S/, form: '# ... (after the #! line)' },
  { ext: /\.(jsh|proto)$/, line: /^\/\/ \S/, form: '// ...' },
]
const CITES = /\.(ts|mjs|js|cjs|sh|jsh|proto|xml)$|^\.ci\/run$/
const GENERATED = new Set(['core-cluster/proto/descriptor.ts']) // scripts/gen-proto.mjs writes it

const OUTSIDE =
  /\b(kafka-mesos|mesos-api|kafka-kraft-ops|ecosystem|modern-anchors|kafka-security-upgrades|mesos-auth-balancing|design)\.md\b|shared\/reference|§/
// A section sign is fine where it points into a public paper, e.g. "NSDI 2011, §6.6".
const PUBLIC_SECTION = /NSDI|RFC \d+/

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !GENERATED.has(f) && f !== 'scripts/check-source.mjs')

const problems = []
let checked = 0
for (const f of files) {
  const header = HEADER.find((h) => h.ext.test(f))
  if (!header && !CITES.test(f)) continue
  let text
  try {
    text = readFileSync(f, 'utf8')
  } catch {
    continue // deleted in the working tree
  }
  checked++
  const lines = text.split('\n')
  if (header) {
    const first = lines[0].startsWith('#!') ? lines[1] : lines[0]
    if (!header.line.test(first ?? ''))
      problems.push(`${f}:1: the first line must say which concept the file holds, as ${header.form}`)
  }
  lines.forEach((line, i) => {
    if (OUTSIDE.test(line) && !PUBLIC_SECTION.test(line))
      problems.push(`${f}:${i + 1}: cites a document outside this repository: ${line.trim().slice(0, 100)}`)
  })
}
for (const p of problems) console.error(p)
if (problems.length > 0) {
  console.error(`check-source: ${problems.length} problem(s) in ${checked} files`)
  process.exit(1)
}
console.log(`check-source: ${checked} files open with their concept and cite only public sources`)
