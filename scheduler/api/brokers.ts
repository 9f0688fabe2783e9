/** The broker routes: `/api/broker/{list,add,update,remove,start,stop}`, each parsing its params and calling one fleet/ command. */

/**
 * mesos/kafka's broker API (`src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala`):
 * form-urlencoded or JSON bodies (params.ts); answers `{"brokers":[Broker...]}` (`remove`:
 * `{"ids":[...]}`; `start|stop`: `{"status","brokers"}`); errors are HTTP 400 (409 for a stop the
 * quorum guard refuses) with `{"error": "...", "code": "..."}`.
 */

import type { Hono } from 'hono'
import type { Logger } from 'pino'
import { addBrokers, brokerJson, listBrokers, removeBrokers, startOrStop, updateBrokers } from '../fleet/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { ApiError, NodeParamsSchema, readParams, StartStopSchema, validate } from './params.js'

/** Registers the broker routes (see the module doc). */
export function registerBrokerRoutes(app: Hono, scheduler: KafkaScheduler, log: Logger): void {
  const json = (nodes: Parameters<typeof brokerJson>[1][]) => nodes.map((b) => brokerJson(scheduler, b))

  app.on(['GET', 'POST'], '/api/broker/list', async (c) => {
    const params = await readParams(c)
    return c.json({ brokers: listBrokers(scheduler, params.broker ?? '*') })
  })

  app.post('/api/broker/add', async (c) => {
    const p = validate(NodeParamsSchema, await readParams(c))
    return c.json({ brokers: json(await addBrokers(scheduler, p, log)) })
  })

  app.post('/api/broker/update', async (c) => {
    const p = validate(NodeParamsSchema, await readParams(c))
    return c.json({ brokers: json(await updateBrokers(scheduler, p, log)) })
  })

  app.post('/api/broker/remove', async (c) => {
    const params = await readParams(c)
    if (!params.broker) throw new ApiError(400, 'broker: required, an id expression such as 0..2')
    const removed = await removeBrokers(scheduler, params.broker, log)
    return c.json({ ids: removed.map(String) })
  })

  for (const op of ['start', 'stop'] as const) {
    app.post(`/api/broker/${op}`, async (c) => {
      const p = validate(StartStopSchema, await readParams(c))
      const { status, nodes } = await startOrStop(scheduler, op, p, log)
      return c.json({ status, brokers: json(nodes) })
    })
  }
}
