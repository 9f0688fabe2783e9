/** An offline KafkaScheduler for unit tests: state in memory, a master client that records every call. */

/**
 * Test support (not a test file): a KafkaScheduler that talks to nobody. Its state lives in memory,
 * and its master client is a fake that records every call and answers it as sent.
 */
import { pino } from 'pino'
import type { KafkaNode } from '../../contract/index.js'
import { newNode } from '../brokers/index.js'
import { MemoryOpsLog, type SchedulerState } from '../storage/index.js'
import { KafkaScheduler } from './kafka-scheduler.js'

export type RecordedCall = { type: string; [k: string]: unknown }

/**
 * @param opts.runningController add a running KRaft controller (node 1000000 on 127.0.1.1, agent a1,
 *   rack r1), so that brokers may start (default true)
 * @param opts.clusterId the stored cluster id (default 22 × `A`)
 */
export function offlineScheduler(opts: { runningController?: boolean; clusterId?: string } = {}): {
  s: KafkaScheduler
  calls: RecordedCall[]
} {
  let saved: SchedulerState | undefined
  const s = new KafkaScheduler({
    master: '127.0.0.1:1',
    api: 'http://127.0.0.1:7000',
    storage: {
      description: 'memory',
      load: async () => saved,
      save: async (st) => void (saved = st),
      opsLog: () => new MemoryOpsLog(),
    },
    frameworkName: 'kafka',
    frameworkRole: '*',
    frameworkTimeoutSeconds: 60,
    user: '',
    kafkaArchive: '/x/kafka_2.13-4.4.0.tgz',
    executorBundle: '/x/e.cjs',
    nodeCmd: 'node',
    controller: { cpus: 0.5, mem: 768, heap: 256 },
    logger: pino({ level: 'silent' }),
  })
  const calls: RecordedCall[] = []
  s.state = {
    kind: 'kafka-mesos-state',
    version: 1,
    clusterId: opts.clusterId ?? 'AAAAAAAAAAAAAAAAAAAAAA',
    frameworkId: 'f',
    brokers: [],
    controllers: [],
  }
  ;(s as unknown as { client: unknown }).client = {
    connected: true,
    tryCall: async (c: RecordedCall) => {
      calls.push(c)
      return true
    },
    stop: () => undefined,
  }
  if (opts.runningController ?? true) s.state.controllers.push(runningController())
  return { s, calls }
}

/** A placed, running KRaft controller: node 1000000 on 127.0.1.1:30000, agent a1, rack r1. */
export function runningController(): KafkaNode {
  const ctl = newNode(1_000_000, 'controller')
  ctl.active = true
  ctl.stickiness.hostname = '127.0.1.1'
  ctl.port = { start: 30000, end: 30000 }
  ctl.task = {
    id: 'kafka-controller-1000000-x',
    slaveId: 'a1',
    executorId: 'e',
    hostname: '127.0.1.1',
    endpoint: '127.0.1.1:30000',
    attributes: { rack: 'r1' },
    state: 'running',
  }
  return ctl
}
