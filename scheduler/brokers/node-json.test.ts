/** A node's REST JSON and its state-file form follow contract/'s schemas exactly, for every field set. */
import { describe, expect, test } from 'vitest'
import { type KafkaNode, NodeJsonSchema, NodeSchema } from '../../contract/index.js'
import { newNode, nodeJson } from './broker.js'

/** A node with every optional field set. */
function fullNode(): KafkaNode {
  return {
    ...newNode(7, 'broker,controller'),
    active: true,
    port: { start: 31000, end: 31010 },
    options: { 'num.io.threads': '4' },
    bindAddress: 'if:eth1',
    syslog: true,
    volume: 'kafka-$id',
    log4jOptions: { kafka: 'DEBUG' },
    constraints: 'hostname=unique',
    jvmOptions: '-XX:+UseG1GC',
    javaCmd: '/opt/java/bin/java',
    stickiness: { periodMs: 600_000, hostname: 'h1', stopTime: 1_700_000_000_000 },
    failover: { delayMs: 60_000, maxDelayMs: 600_000, maxTries: 5, failures: 1, failureTime: 1_700_000_000_000 },
    needsRestart: true,
    restartFields: ['mem'],
    launchedOptions: { 'num.io.threads': '2' },
    dynamicConfigs: { 'num.io.threads': '4' },
    staleDynamicConfigs: { 'log.cleaner.threads': '2' },
    task: {
      id: 'kafka-7-x',
      slaveId: 'S1',
      executorId: 'kafka-7-x',
      hostname: 'h1',
      endpoint: 'h1:31000',
      attributes: { rack: 'r1' },
      state: 'running',
      unreachableSince: 1_700_000_000_000,
    },
    lastTaskId: 'kafka-7-w',
    directoryId: 'AAAAAAAAAAAAAAAAAAAAAA',
    membership: 'joining',
    controllerPort: 31011,
  }
}

describe('node schemas (contract/node.ts, contract/node-json.ts)', () => {
  test('the state file keeps every field of a node', () => {
    const node = fullNode()
    expect(NodeSchema.parse(JSON.parse(JSON.stringify(node)))).toEqual(node)
  })

  test("nodeJson's answer is exactly the REST schema: no field outside it, every field of its type", () => {
    const waiting = { reason: 'no offer', hostname: 'h2', time: 1_700_000_000_000 }
    for (const node of [newNode(0), fullNode(), { ...fullNode(), task: undefined }]) {
      const json = JSON.parse(JSON.stringify(nodeJson(node, 1_700_000_000_000, waiting)))
      expect(NodeJsonSchema.strict().parse(json)).toEqual(json)
    }
  })
})
