/** The files agents fetch from the scheduler: the executor bundle, the Kafka archive, the metrics agent jar. */

import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { Readable } from 'node:stream'
import type { Context, Hono } from 'hono'
import type { SchedulerOptions } from '../framework/index.js'

/** Answers a file as an attachment, or 404 when it is not there. */
async function sendFile(c: Context, path: string, type: string): Promise<Response> {
  const s = await stat(path).catch(() => undefined)
  if (!s) return c.json({ error: `${basename(path)} is not available on this scheduler` }, 404)
  return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream, {
    headers: {
      'Content-Type': type,
      'Content-Length': String(s.size),
      'Content-Disposition': `attachment; filename="${basename(path)}"`,
    },
  })
}

/**
 * Registers the URIs of the TaskInfos the scheduler launches (placement/task-info.ts), as mesos/kafka's
 * `/jar/` and `/kafka/` (`src/scala/main/ly/stealth/mesos/kafka/scheduler/http/HttpServer.scala`):
 * `/executor/kafka-mesos-executor.cjs`, `/kafka/<archive name>`, `/agents/<jar name>`; another name is 404.
 */
export function registerFileRoutes(
  app: Hono,
  options: Pick<SchedulerOptions, 'executorBundle' | 'kafkaArchive' | 'metricsAgentJar'>,
): void {
  app.get('/executor/kafka-mesos-executor.cjs', (c) => sendFile(c, options.executorBundle, 'application/javascript'))
  app.get('/kafka/:name', (c) => {
    if (c.req.param('name') !== basename(options.kafkaArchive))
      return c.json({ error: `unknown Kafka archive ${c.req.param('name')}` }, 404)
    return sendFile(c, options.kafkaArchive, 'application/gzip')
  })
  app.get('/agents/:name', (c) => {
    const jar = options.metricsAgentJar
    if (!jar || c.req.param('name') !== basename(jar))
      return c.json({ error: `unknown agent ${c.req.param('name')}` }, 404)
    return sendFile(c, jar, 'application/java-archive')
  })
}
