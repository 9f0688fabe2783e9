/** The failure classifier: real Kafka output for the log cleaner's OutOfMemoryError and a port in use, the JDK's texts for the other causes. */

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { failureCause, MAX_CAUSE_CHARS, oneLine } from './failure-cause.js'

const here = path.dirname(fileURLToPath(import.meta.url))
/** A captured console output (executor/fixtures/), without its first, describing line. */
const fixture = (name: string) =>
  readFileSync(path.join(here, 'fixtures', name), 'utf8')
    .split('\n')
    .slice(1)

describe('failureCause', () => {
  it("names the log cleaner and both fixes for Kafka 4.4's OutOfMemoryError in SkimpyOffsetMap (real output)", () => {
    expect(failureCause(fixture('oom-log-cleaner.txt'))).toBe(
      'OutOfMemoryError in the log cleaner (Java heap space): raise --heap or set log.cleaner.dedupe.buffer.size',
    )
  })

  it('names the taken address for a listener port held by another process (real output)', () => {
    expect(failureCause(fixture('port-in-use.txt'))).toBe(
      'port in use: 127.0.0.1:39092 is taken: stop what holds it or choose another --port',
    )
  })

  it.each([
    [['java.lang.OutOfMemoryError: Java heap space', '\tat kafka.server.ReplicaFetcherThread.run'], 'raise --heap'],
    [['Exception in thread "main" java.lang.OutOfMemoryError: Metaspace'], 'raise --mem'],
    [['java.lang.OutOfMemoryError: unable to create native thread: possibly out of memory'], 'raise --mem'],
    [
      ['Error occurred during initialization of VM', 'Could not reserve enough space for 2097152KB object heap'],
      'lower --heap',
    ],
    [['java.io.IOException: No space left on device'], 'free space on the agent'],
    [
      [
        "org.apache.kafka.common.errors.InconsistentClusterIdException: The Cluster ID abc doesn't match stored clusterId Some(xyz) in meta.properties.",
      ],
      'another Kafka cluster',
    ],
    [
      [
        'org.apache.kafka.common.config.ConfigException: Invalid value lots for configuration num.io.threads: Not a number of type INT',
      ],
      'Kafka refused an option: Invalid value lots for configuration num.io.threads: Not a number of type INT: fix it with broker update --options',
    ],
    [
      [
        'Error: LinkageError occurred while loading main class kafka.Kafka',
        'java.lang.UnsupportedClassVersionError: ...',
      ],
      'set --java-cmd',
    ],
    [
      ['java.nio.file.AccessDeniedException: /var/kafka/meta.properties'],
      'permission denied: /var/kafka/meta.properties',
    ],
  ])('%j → …%s…', (lines, part) => {
    expect(failureCause(lines)).toContain(part)
  })

  it('leaves output it does not recognise to the last telling line', () => {
    expect(failureCause(['[2026-01-01 00:00:00,000] INFO starting (kafka.Kafka$)', 'something odd'])).toBeUndefined()
  })

  test.prop([fc.array(fc.string({ maxLength: 400 }), { maxLength: 20 })])(
    'a cause is always one line of at most MAX_CAUSE_CHARS',
    (lines) => {
      const c = failureCause([...lines, 'java.lang.OutOfMemoryError: Java heap space', ...lines])
      expect(c).toBeDefined()
      expect(c!).not.toMatch(/\n/)
      expect(c!.length).toBeLessThanOrEqual(MAX_CAUSE_CHARS)
    },
  )

  test.prop([fc.string({ maxLength: 1000 })])('oneLine keeps short text and cuts long text with an ellipsis', (s) => {
    const o = oneLine(s)
    expect(o).not.toMatch(/\s\s|\n/)
    expect(o.length).toBeLessThanOrEqual(MAX_CAUSE_CHARS)
    if (s.replace(/\s+/g, ' ').trim().length <= MAX_CAUSE_CHARS) expect(o).toBe(s.replace(/\s+/g, ' ').trim())
    else expect(o.endsWith('…')).toBe(true)
  })
})
