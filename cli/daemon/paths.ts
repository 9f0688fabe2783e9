/** Where the package keeps what the daemons serve: its root, the executor bundle, the Kafka archive and the Jolokia agent jar. */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

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
    if (!/\.(tgz|tar\.gz)$/.test(flag))
      throw new Error(
        `--kafka-dist: ${flag} must be a .tgz archive here; run "npm run kafka -- --kafka-dist ${flag}" to pack a folder`,
      )
    return flag
  }
  const pointer = join(PACKAGE_ROOT, '.cache', 'kafka', 'current')
  if (existsSync(pointer)) {
    const path = readFileSync(pointer, 'utf8').trim()
    if (existsSync(path)) return path
  }
  throw new Error(
    'no Kafka distribution found: run "npm run kafka" (assembles Kafka from Maven Central) or pass --kafka-dist <kafka_2.13-4.x.tgz>',
  )
}

/**
 * The Jolokia javaagent jar the scheduler serves for `broker metrics`: `--metrics-agent <jar>` if
 * given (`none` = no metrics agent), else the newest `jolokia-agent-jvm-*-javaagent.jar` that
 * `npm run kafka` put in `.cache/kafka/`, else undefined (brokers run without it).
 * @throws Error when the given jar does not exist
 */
export function metricsAgentJar(flag?: string): string | undefined {
  if (flag === 'none') return undefined
  if (flag) {
    if (!existsSync(flag)) throw new Error(`--metrics-agent: ${flag} does not exist`)
    if (!/^jolokia-agent-jvm-[\w.-]+-javaagent\.jar$/.test(flag.split('/').pop() ?? ''))
      throw new Error(`--metrics-agent: ${flag} must be a jolokia-agent-jvm-<version>-javaagent.jar`)
    return flag
  }
  const dir = join(PACKAGE_ROOT, '.cache', 'kafka')
  let names: string[] = []
  try {
    names = readdirSync(dir)
  } catch {
    return undefined
  }
  const hit = names
    .filter((n) => /^jolokia-agent-jvm-[\w.-]+-javaagent\.jar$/.test(n))
    .sort()
    .reverse()[0]
  return hit ? join(dir, hit) : undefined
}
