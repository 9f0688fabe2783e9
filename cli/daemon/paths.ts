import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

/** The package root (where package.json, dist/ and .cache/ live), found from here upwards (works from dist/ and from sources). */
export const PACKAGE_ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'bin', 'run.js'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('cannot find the kafka-mesos package root')
    dir = up
  }
  return dir
})()

/** The executor bundle that `npm run build` writes and the scheduler serves to agents. */
export const EXECUTOR_BUNDLE = join(PACKAGE_ROOT, 'dist', 'executor', 'kafka-mesos-executor.cjs')

/**
 * The Kafka archive to serve: `--kafka-dist` if given, else the one `npm run kafka` assembled
 * (`.cache/kafka/current`).
 * @throws Error telling the user to run `npm run kafka` or pass --kafka-dist
 */
export function kafkaArchive(flag?: string): string {
  if (flag) {
    if (!existsSync(flag)) throw new Error(`--kafka-dist: ${flag} does not exist`)
    if (!/\.(tgz|tar\.gz)$/.test(flag)) throw new Error(`--kafka-dist: ${flag} must be a .tgz archive here; run "npm run kafka -- --kafka-dist ${flag}" to pack a folder`)
    return flag
  }
  const pointer = join(PACKAGE_ROOT, '.cache', 'kafka', 'current')
  if (existsSync(pointer)) {
    const path = readFileSync(pointer, 'utf8').trim()
    if (existsSync(path)) return path
  }
  throw new Error('no Kafka distribution found: run "npm run kafka" (assembles Kafka from Maven Central) or pass --kafka-dist <kafka_2.13-4.x.tgz>')
}
