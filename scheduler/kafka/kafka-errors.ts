/** Kafka's refusals as answers: the KafkaRequestError, and reading kafkajs failures for their Kafka error types. */

import { type ErrorCode, KmError } from '../../errors/index.js'

/**
 * Turning kafkajs failures into answers for API users. kafkajs 2.2.4 decodes Kafka's per-topic
 * `error_message` but throws only the error code's generic text (e.g. INVALID_CONFIG
 * "Configuration is invalid"), so callers that can narrow a failure down (see topics.ts) do so.
 */

/** A request Kafka refused, or one we refuse before asking Kafka: the API answers 400 with `code`. */
export class KafkaRequestError extends KmError {
  constructor(message: string, code: ErrorCode = 'KM_ERR_KAFKA_REFUSED') {
    super(code, message, { status: 400 })
  }
}

interface KafkaJsErrorLike {
  name?: string
  message?: string
  type?: string
  topic?: string
  partition?: number
  errors?: unknown[]
  retriable?: boolean
}

/** Kafka error codes that mean "your request is wrong", not "Kafka is unavailable". */
const CLIENT_ERRORS = new Set([
  'INVALID_CONFIG',
  'INVALID_REPLICATION_FACTOR',
  'INVALID_PARTITIONS',
  'INVALID_REPLICA_ASSIGNMENT',
  'INVALID_TOPIC_EXCEPTION',
  'TOPIC_ALREADY_EXISTS',
  'UNKNOWN_TOPIC_OR_PARTITION',
  'POLICY_VIOLATION',
  'INVALID_REQUEST',
  'NO_REASSIGNMENT_IN_PROGRESS',
  'TOPIC_DELETION_DISABLED',
  'TOPIC_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'UNSUPPORTED_VERSION',
])

/** `TYPE: message` for one kafkajs error, with its topic/partition when it names one. */
function one(e: KafkaJsErrorLike): string {
  const where =
    e.topic !== undefined ? ` (topic ${e.topic}${e.partition !== undefined ? `, partition ${e.partition}` : ''})` : ''
  return e.type ? `${e.type}: ${e.message}${where}` : `${e.message ?? String(e)}${where}`
}

/** The Kafka error types in a kafkajs error (an aggregate has several). */
export function kafkaErrorTypes(e: unknown): string[] {
  const err = e as KafkaJsErrorLike
  if (Array.isArray(err?.errors)) return err.errors.flatMap(kafkaErrorTypes)
  return err?.type ? [err.type] : []
}

/** A readable reason for a kafkajs error: `INVALID_CONFIG: Configuration is invalid (topic t)`; aggregates joined with `; `. */
export function kafkaReason(e: unknown): string {
  const err = e as KafkaJsErrorLike
  if (Array.isArray(err?.errors) && err.errors.length > 0) return (err.errors as KafkaJsErrorLike[]).map(one).join('; ')
  return one(err ?? {})
}

/** True when Kafka refused the request itself (bad input), false for connection or availability trouble. */
export function isClientError(e: unknown): boolean {
  const types = kafkaErrorTypes(e)
  return types.length > 0 && types.every((t) => CLIENT_ERRORS.has(t))
}
