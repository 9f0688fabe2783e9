/** DRF with role weights, measured with two frameworks filling the cluster. */
/**
 * DRF with role weights, measured: a master started with `--weights kafka=3,web=1`, three agents,
 * two frameworks (roles web and kafka) that both keep launching small `sleep` command tasks, one per
 * offer, until the cluster is full. The resources end up split about 1:3.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type RunningAgent, startAgent } from '../../core-cluster/agent/index.js'
import { parseWeights, type RunningMaster, startMaster } from '../../core-cluster/master/index.js'
import { type Offer, parseResources, scalarSum } from '../../core-cluster/proto/index.js'
import { TestFramework } from '../support/framework.js'

const log = pino({ level: 'silent' })
const TASK_CPUS = 0.25
const TASK_MEM = 32

describe('DRF with role weights (kafka=3, web=1)', { timeout: 180_000 }, () => {
  let master: RunningMaster
  const agents: RunningAgent[] = []
  const frameworks: TestFramework[] = []
  let workDir: string

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'km-drf-'))
    master = await startMaster({
      host: '127.0.0.1',
      port: 0,
      logger: log,
      allocationIntervalMs: 200,
      weights: parseWeights('kafka=3,web=1'),
    })
    for (let i = 1; i <= 3; i++) {
      const a = await startAgent({
        master: master.address,
        host: `127.0.1.${i}`,
        port: 0,
        resources: parseResources('cpus:2;mem:2048'),
        attributes: [],
        workDir: join(workDir, `agent${i}`),
        logger: log,
      })
      await a.agent.registered
      agents.push(a)
    }
  })

  afterAll(async () => {
    for (const f of frameworks) await f.client.tryCall({ type: 'TEARDOWN' })
    for (const f of frameworks) f.stop()
    for (const a of agents) await a.close()
    await master?.close()
    rmSync(workDir, { recursive: true, force: true })
  })

  /** A framework in `role` that launches one small task per offer, as long as offers fit one. */
  function greedy(role: string): TestFramework {
    const f = new TestFramework(master.address, { name: `greedy-${role}`, role })
    let n = 0
    f.onOffer = async (offer: Offer) => {
      if (scalarSum(offer.resources, 'cpus') + 1e-9 >= TASK_CPUS && scalarSum(offer.resources, 'mem') >= TASK_MEM) {
        const id = `${role}-${n++}`
        await f.launch(
          offer,
          [
            {
              name: id,
              task_id: { value: id },
              resources: parseResources(`cpus:${TASK_CPUS};mem:${TASK_MEM}`),
              command: { value: 'sleep 300' },
            },
          ],
          0,
        )
      } else {
        await f.client.tryCall({ type: 'DECLINE', decline: { offer_ids: [offer.id], filters: { refuse_seconds: 2 } } })
      }
      return true
    }
    frameworks.push(f)
    return f.start()
  }

  test('two greedy frameworks end with about 1:3 of the cluster', async () => {
    const web = greedy('web')
    const kafka = greedy('kafka')
    const totalCpus = 6
    // Until the cluster is full: every cpu is taken by a task the master knows.
    await web.waitFor(
      'the cluster to fill up',
      () =>
        Math.abs(master.master.state().tasks.reduce((n, t) => n + scalarSum(t.resources, 'cpus'), 0) - totalCpus) <
        1e-6,
      120_000,
    )
    const roles = master.master.roles()
    const cpusOf = (role: string) => scalarSum(roles.find((r) => r.name === role)?.allocated ?? [], 'cpus')
    const webCpus = cpusOf('web')
    const kafkaCpus = cpusOf('kafka')
    console.log(
      `DRF measured: web (weight 1) ${webCpus} cpus, kafka (weight 3) ${kafkaCpus} cpus of ${totalCpus}: ratio 1:${(kafkaCpus / webCpus).toFixed(2)}`,
    )
    expect(webCpus + kafkaCpus).toBeCloseTo(totalCpus, 6)
    // ideal: web 1.5, kafka 4.5 (1:3); one task either way is tolerated
    expect(webCpus).toBeGreaterThanOrEqual(1.5 - TASK_CPUS - 1e-9)
    expect(webCpus).toBeLessThanOrEqual(1.5 + TASK_CPUS + 1e-9)
    expect(kafkaCpus / webCpus).toBeGreaterThan(2.3)
    expect(kafkaCpus / webCpus).toBeLessThan(4)
    // and the tasks really run
    await kafka.waitFor(
      'all tasks running',
      () => {
        const running = new Set(
          [...web.updates, ...kafka.updates].filter((u) => u.state === 'TASK_RUNNING').map((u) => u.task_id.value),
        )
        return running.size === totalCpus / TASK_CPUS
      },
      60_000,
    )
  })
})
