#!/usr/bin/env node
/** The executor bundle: executor/main.ts and its npm dependencies as one CommonJS file agents fetch, plus esbuild's metafile. */

// Writes <out>/kafka-mesos-executor.cjs, which agents fetch from the scheduler and run with
// `node kafka-mesos-executor.cjs` in the task sandbox, and <out>/meta.json, esbuild's metafile (every
// input module and its size): executor/bundle.test.ts checks from it that no scheduler/ or cli/
// module is in the bundle. <out> is dist/executor (the last step of `npm run build`) unless given
// as the first argument.
// Usage: node scripts/bundle-executor.mjs [out-dir]

import { statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'dist', 'executor'))
const outfile = path.join(outDir, 'kafka-mesos-executor.cjs')

const result = await build({
  entryPoints: [path.join(root, 'executor', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: false,
  minify: false,
  legalComments: 'inline',
  logLevel: 'warning',
  metafile: true,
  absWorkingDir: root,
  banner: { js: '#!/usr/bin/env node\n// kafka-mesos executor (bundled): node kafka-mesos-executor.cjs' },
})
if (result.errors.length > 0) process.exit(1)
writeFileSync(path.join(outDir, 'meta.json'), JSON.stringify(result.metafile))
const kb = Math.round(statSync(outfile).size / 1024)
console.log(`executor bundle: ${path.relative(process.cwd(), outfile)} (${kb} KB)`)
