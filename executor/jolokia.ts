/** The Jolokia JVM agent in the Kafka JVM: its jar, its arguments and the URL it prints, for `broker metrics`. */

import { readdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { flattenJolokia, type JolokiaResponse, METRIC_READS } from './metrics.js'

/**
 * The Jolokia JVM agent (`org.jolokia:jolokia-agent-jvm`, javaagent jar; the Jolokia reference manual, "JVM agent") in
 * the Kafka JVM: JMX over HTTP for `broker metrics`. It binds 127.0.0.1 on a free port (port 0) —
 * only the executor on the same host reads it, so JMX never reaches a network interface and needs no
 * port from the offer — and it allows reads only (a policy file in the sandbox). The agent prints
 * `Jolokia: Agent <v> started with URL http://127.0.0.1:<port>/jolokia ...` on the JVM's stdout;
 * the executor takes the URL from there.
 */

/** File name of the javaagent jar as Maven names it. */
export const JOLOKIA_JAR = /^jolokia-agent-jvm-[\w.-]+-javaagent\.jar$/

/** The jar in a folder (the sandbox, where the agent fetched it), newest version first; undefined when absent. */
export function findJolokiaJar(dir: string): string | undefined {
  try {
    const hit = readdirSync(dir)
      .filter((n) => JOLOKIA_JAR.test(n))
      .sort()
      .reverse()[0]
    return hit ? path.join(dir, hit) : undefined
  } catch {
    return undefined
  }
}

/** Jolokia access policy: read-only commands, nothing that writes attributes or invokes operations. */
export const READ_ONLY_POLICY = `<?xml version="1.0" encoding="utf-8"?>
<!-- written by the kafka-mesos executor: broker metrics only read MBeans -->
<restrict>
  <commands>
    <command>read</command>
    <command>list</command>
    <command>search</command>
    <command>version</command>
  </commands>
</restrict>
`

/**
 * The `-javaagent:` JVM argument for Kafka: loopback, any free port, no multicast discovery, the
 * read-only policy (written to `policyDir/jolokia-access.xml`).
 */
export function jolokiaJvmArg(jar: string, policyDir: string): string {
  const policy = path.join(policyDir, 'jolokia-access.xml')
  writeFileSync(policy, READ_ONLY_POLICY)
  return `-javaagent:${jar}=host=127.0.0.1,port=0,discoveryEnabled=false,policyLocation=file://${policy}`
}

/** The agent URL from its start line on the JVM's stdout; undefined for other lines. */
export function jolokiaUrlFrom(line: string): string | undefined {
  const m = /Jolokia: Agent .*started with URL (https?:\/\/\S+)/.exec(line)
  return m ? m[1].replace(/\/$/, '') : undefined
}

/**
 * Reads {@link METRIC_READS} in one bulk POST and flattens the answer (executor/metrics.ts).
 * @returns the metrics map with `timestamp` (epoch ms)
 * @throws Error when the agent does not answer within `timeoutMs` or answers with a non-JSON body
 */
export async function readMetrics(url: string, timeoutMs = 5000): Promise<Record<string, number>> {
  let res: Response
  try {
    res = await fetch(`${url}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(METRIC_READS),
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (e) {
    throw new Error(`the Jolokia agent at ${url} did not answer: ${(e as Error).message}`)
  }
  const text = await res.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new Error(`the Jolokia agent answered ${res.status} with no JSON: ${text.slice(0, 200)}`)
  }
  if (!Array.isArray(body))
    throw new Error(`the Jolokia agent refused the read: ${(body as { error?: string }).error ?? text.slice(0, 200)}`)
  return { timestamp: Date.now(), ...flattenJolokia(body as JolokiaResponse[]) }
}
