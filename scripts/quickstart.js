#!/usr/bin/env node
/** The main job, `npm run quickstart`: a local cluster with 3 real brokers, a topic, 1000 messages produced and consumed. */
// The main job (npm run quickstart): starts `kafka-mesos local` (master + 3 agents + scheduler, each its
// own process), then through the CLI adds and starts brokers 0..2, creates a topic with 3 partitions
// and replication factor 3, produces 1000 messages with acks=all and consumes them back with kafkajs,
// prints `broker list`, and stays up until Ctrl-C, which stops everything cleanly.
import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import kafkajs from 'kafkajs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(root, 'bin', 'run.js')
const workDir = process.env.KM_WORK_DIR ?? join(root, '.km-local')
const env = { ...process.env }
delete env.NODE_ENV

function step(text) {
  console.log(`\n\x1b[1m==> ${text}\x1b[0m`)
}

const local = spawn(process.execPath, [bin, 'local', '--work-dir', workDir], {
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
})
let api
let stopping = false
const stop = (code) => {
  if (stopping) return
  stopping = true
  local.kill('SIGINT')
  local.once('exit', (c) => process.exit(code ?? c ?? 0))
}
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))
local.on('exit', (code) => {
  if (!stopping) {
    console.error(`kafka-mesos local exited with code ${code}; logs in ${join(workDir, 'logs')}`)
    process.exit(code ?? 1)
  }
})

step('starting kafka-mesos local: master, 3 agents on 127.0.1.1-3, broker scheduler')
await new Promise((resolve) => {
  local.stdout.on('data', (chunk) => {
    const text = chunk.toString()
    process.stdout.write(text)
    const m = /export KM_API=(\S+)/.exec(text)
    if (m && !api) {
      api = m[1]
      resolve()
    }
  })
})
env.KM_API = api
// the admin token `local` made in its work dir (its REST API runs with authentication on)
env.KM_TOKEN = readFileSync(join(workDir, 'admin.token'), 'utf8').trim()
const auth = { headers: { authorization: `Bearer ${env.KM_TOKEN}` } }

function cli(...args) {
  console.log(`\n$ kafka-mesos ${args.join(' ')}`)
  const r = spawnSync(process.execPath, [bin, ...args], { env, stdio: 'inherit' })
  if (r.status !== 0) {
    console.error(`kafka-mesos ${args[0]} ${args[1] ?? ''} failed (exit ${r.status}); logs in ${join(workDir, 'logs')}`)
    stop(1)
    throw new Error('quickstart failed')
  }
}

try {
  step('adding and starting brokers 0..2 through the CLI')
  const list = await fetch(`${api}/api/broker/list`, auth).then((r) => r.json())
  const have = new Set(list.brokers.map((b) => b.id))
  if (!['0', '1', '2'].every((id) => have.has(id)))
    cli('broker', 'add', '0..2', '--cpus', '0.5', '--mem', '768', '--heap', '256')
  else console.log('brokers 0..2 exist from an earlier run (state in .km-local/kafka-mesos.json)')
  cli('broker', 'start', '0..2', '--timeout', '180s')

  step('topic "quickstart": 3 partitions, replication factor 3; 1000 messages with acks=all, consumed back')
  const brokers = (await fetch(`${api}/api/broker/list`, auth).then((r) => r.json())).brokers.map(
    (b) => b.task.endpoint,
  )
  const kafka = new kafkajs.Kafka({ clientId: 'quickstart', brokers, logLevel: kafkajs.logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  const topics = await admin.listTopics()
  // through the CLI: the scheduler creates it and waits until every partition has a leader
  if (!topics.includes('quickstart')) cli('topic', 'add', 'quickstart', '--partitions', '3', '--replicas', '3')
  const meta = await admin.fetchTopicMetadata({ topics: ['quickstart'] })
  for (const p of meta.topics[0].partitions)
    console.log(`  partition ${p.partitionId}: leader ${p.leader}, replicas [${p.replicas}], isr [${p.isr}]`)
  const runId = Date.now().toString(36)
  const sent = Array.from({ length: 1000 }, (_, i) => `${runId}-${i}`)
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner })
  await producer.connect()
  await producer.send({ topic: 'quickstart', acks: -1, messages: sent.map((value, i) => ({ key: String(i), value })) })
  await producer.disconnect()
  console.log(`  produced ${sent.length} messages (acks=all)`)
  const consumer = kafka.consumer({ groupId: `quickstart-${runId}` })
  await consumer.connect()
  await consumer.subscribe({ topic: 'quickstart', fromBeginning: true })
  const got = new Set()
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${got.size} of 1000 messages consumed in 60 s`)), 60_000)
    consumer.run({
      eachMessage: async ({ message }) => {
        const v = message.value.toString()
        if (v.startsWith(`${runId}-`)) got.add(v)
        if (got.size === sent.length) {
          clearTimeout(timer)
          resolve()
        }
      },
    })
  })
  await consumer.disconnect()
  await admin.disconnect()
  const identical = sent.every((v) => got.has(v))
  console.log(`  consumed ${got.size} messages; identical to those produced: ${identical ? 'yes' : 'NO'}`)

  step('broker list')
  cli('broker', 'list')
  console.log(
    `\nThe cluster stays up. Try: KM_API=${api} KM_TOKEN=$(cat ${join(workDir, 'admin.token')}) node bin/run.js broker list\nPress Ctrl-C to stop everything.`,
  )
} catch (e) {
  console.error(`quickstart failed: ${e.message}`)
  stop(1)
}
