#!/usr/bin/env node
import { statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
// Bundles the executor (executor/main.ts) and all its npm dependencies into one CommonJS file,
// dist/executor/kafka-mesos-executor.cjs, which agents fetch from the scheduler and run with
// `node kafka-mesos-executor.cjs` in the task sandbox. Last step of `npm run build`.
import { build } from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const outfile = path.join(root, 'dist', 'executor', 'kafka-mesos-executor.cjs')

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
  banner: { js: '#!/usr/bin/env node\n// kafka-mesos executor (bundled): node kafka-mesos-executor.cjs' },
})
if (result.errors.length > 0) process.exit(1)
const kb = Math.round(statSync(outfile).size / 1024)
console.log(`executor bundle: ${path.relative(process.cwd(), outfile)} (${kb} KB)`)
