/** The executor's answers to the scheduler's log and metrics requests. */

import path from 'node:path'
import type { ExecutorReply, ExecutorRequest } from '../contract/index.js'
import { readMetrics } from './jolokia.js'
import { LogFileError, listLogFiles, resolveLogFile, tailFile } from './log-tail.js'

/** What the executor knows when a request comes in. */
export interface RequestContext {
  /** Task sandbox (`stdout`, `stderr`). */
  sandbox: string
  /** Kafka's log dir (`server.log`, ...). */
  logsDir: string
  /** The Jolokia agent URL once the JVM printed it. */
  jolokiaUrl?: string
  /** Whether the Jolokia agent jar was fetched into the sandbox (so the JVM was started with it). */
  hasMetricsAgent: boolean
  /** Timeout of the Jolokia read, ms (default 5000). */
  metricsTimeoutMs?: number
}

/**
 * Answers one scheduler request (contract/executor-messages.ts). Never throws: every problem
 * becomes the reply's `error`, phrased for the user of `broker log` / `broker metrics`.
 */
export async function answerRequest(req: ExecutorRequest, ctx: RequestContext): Promise<ExecutorReply> {
  if (req.type === 'log') {
    try {
      return { type: 'log', requestId: req.requestId, content: tailFile(resolveLogFile(req.name, ctx), req.lines) }
    } catch (e) {
      let error = (e as Error).message
      if (e instanceof LogFileError && req.name.endsWith('.log') && /doesn't exist/.test(error)) {
        const there = listLogFiles(ctx.logsDir)
        error += ` in the Kafka log dir ${path.basename(ctx.logsDir)}/ (${there.length ? `there: ${there.join(', ')}` : 'no .log files yet'})`
      }
      return { type: 'log', requestId: req.requestId, error }
    }
  }
  if (!ctx.hasMetricsAgent) {
    return {
      type: 'metrics',
      requestId: req.requestId,
      error:
        'no metrics agent: the scheduler serves no Jolokia agent jar (run "npm run kafka" where the scheduler runs, then restart the broker)',
    }
  }
  if (!ctx.jolokiaUrl)
    return {
      type: 'metrics',
      requestId: req.requestId,
      error: 'the metrics agent has not started yet (Kafka is starting)',
    }
  try {
    return {
      type: 'metrics',
      requestId: req.requestId,
      metrics: await readMetrics(ctx.jolokiaUrl, ctx.metricsTimeoutMs ?? 5000),
    }
  } catch (e) {
    return { type: 'metrics', requestId: req.requestId, error: (e as Error).message }
  }
}
