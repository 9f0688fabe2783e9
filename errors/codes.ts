/** The table of stable error codes: every code any part of kafka-mesos reports, its HTTP status and meaning. */

/**
 * One row of the table.
 * - `status`: the HTTP status a REST or cluster API answers with for this code; `null` for a code that
 *   never crosses HTTP (the CLI reports it as `Error: <message>` with exit code 1).
 * - `meaning`: one sentence for users who match on the code; the README's table repeats it.
 */
export interface ErrorInfo {
  readonly status: 400 | 401 | 403 | 404 | 405 | 406 | 408 | 409 | 413 | 415 | 500 | 501 | 503 | null
  readonly meaning: string
}

/**
 * Every stable code, as undici keeps its `UND_ERR_*` codes in one file (`lib/core/errors.js`). A code
 * never changes meaning once released; users and scripts match on it. The README's "Error codes" table
 * is checked against this object by `errors/codes.test.ts`.
 *
 * Statuses follow mesos/kafka's REST API (`src/scala/ly/stealth/mesos/kafka/HttpServer.scala`): bad
 * input, an unknown broker or topic named in a request, is 400, not 404; 404 is an unknown endpoint.
 */
export const ERROR_CODES = {
  // request and value parsing
  KM_ERR_INVALID_PARAM: {
    status: 400,
    meaning: 'A request parameter is missing or malformed; the message names it and the fix.',
  },
  KM_ERR_VALUE: {
    status: 400,
    meaning: 'A value (size, duration, range, map) does not parse; the message names the field.',
  },
  KM_ERR_BODY_TOO_LARGE: {
    status: 413,
    meaning: 'The request body is larger than the server accepts (1 MiB unless configured); nothing was read.',
  },
  KM_ERR_MEDIA_TYPE: {
    status: 415,
    meaning: 'The request body has a Content-Type the API does not read; send form-urlencoded or JSON.',
  },
  KM_ERR_BROKER_LIMIT: {
    status: 400,
    meaning: 'The scheduler already has as many brokers as --max-brokers allows.',
  },
  KM_ERR_NOT_ALLOWED: {
    status: 400,
    meaning:
      'A broker setting would let the caller run a program or write files on the agents (javaCmd, jvmOptions, log4j appenders).',
  },
  KM_ERR_EXPR: { status: 400, meaning: 'A broker id expression such as `0..3,7` or `*[rack]` is malformed.' },
  KM_ERR_TOPIC_EXPR: { status: 400, meaning: 'A topic expression such as `t*` or `a,b` is malformed.' },
  KM_ERR_BIND_ADDRESS: {
    status: 400,
    meaning: 'A `--bind-address` is neither an address, a mask like `192.168.*` nor `if:<name>`.',
  },
  KM_ERR_RESOURCES: {
    status: 400,
    meaning: 'A resource or attribute string such as `cpus:2;mem:4096` does not parse.',
  },
  KM_ERR_SIZING: {
    status: 400,
    meaning:
      "A broker's heap, mem and options together cannot start Kafka; the message names the one to change and how.",
  },
  KM_ERR_INVALID_CONFIG: { status: 400, meaning: 'Kafka refused a topic or broker config option as invalid.' },
  KM_ERR_THROTTLE: { status: 400, meaning: 'A replication throttle value is not a positive rate.' },
  // what a request names
  KM_ERR_NOT_FOUND: {
    status: 400,
    meaning: 'A named broker, topic or endpoint does not exist (404 for an unknown endpoint).',
  },
  KM_ERR_EXISTS: { status: 400, meaning: 'A broker or topic with that id or name already exists.' },
  KM_ERR_ACTIVE: { status: 400, meaning: 'The broker is active; stop it first.' },
  KM_ERR_NOT_ACTIVE: { status: 400, meaning: 'The broker is not active, so it cannot be restarted.' },
  KM_ERR_NOT_RUNNING: {
    status: 400,
    meaning: 'The broker has no running task to ask (logs, metrics, a live config change).',
  },
  KM_ERR_BROKER_NOT_RUNNING: {
    status: 400,
    meaning: 'A broker expression for placing replicas names no running broker.',
  },
  KM_ERR_NO_TOPICS: { status: 400, meaning: 'A topic expression matched no topic.' },
  KM_ERR_ASSIGNMENT: {
    status: 400,
    meaning: 'No replica assignment satisfies the request (too few brokers or racks).',
  },
  // conflicts with what is running
  KM_ERR_BUSY: { status: 409, meaning: 'A rolling restart is already running; wait for it to finish.' },
  KM_ERR_REASSIGNING: { status: 409, meaning: 'A partition reassignment is running; the operation would break it.' },
  KM_ERR_GROUP_ACTIVE: {
    status: 400,
    meaning: 'The consumer group has members; stop its consumers before resetting its offsets.',
  },
  KM_ERR_REBALANCE_RUNNING: { status: 400, meaning: 'A rebalance is already running; see `topic rebalance status`.' },
  KM_ERR_QUORUM: { status: 409, meaning: 'The operation would take the KRaft quorum below a running majority.' },
  KM_ERR_QUORUM_CHANGE: { status: 409, meaning: 'A KRaft voter change (KIP-853) was refused or failed.' },
  KM_ERR_VOTER: {
    status: 400,
    meaning: 'The node is a KRaft voter; remove it from the quorum first (`controller remove`).',
  },
  // Kafka and the cluster
  KM_ERR_KAFKA_REFUSED: {
    status: 400,
    meaning: 'Kafka answered the request with an error code; the message quotes it.',
  },
  KM_ERR_KAFKA_UNAVAILABLE: {
    status: 503,
    meaning: 'No Kafka broker could be reached; nothing was changed, try again.',
  },
  KM_ERR_NO_BROKERS: { status: 503, meaning: 'No broker is running, so Kafka cannot be asked.' },
  KM_ERR_KAFKA_WIRE: { status: 503, meaning: 'A Kafka protocol answer could not be decoded.' },
  KM_ERR_KAFKA_START: {
    status: null,
    meaning: 'The executor could not start the Kafka JVM (reported in the TaskStatus message).',
  },
  KM_ERR_MAINTENANCE: {
    status: 400,
    meaning: 'A maintenance schedule or machine list breaks the Mesos maintenance rules.',
  },
  KM_ERR_CALL: {
    status: 400,
    meaning: 'The master or an agent refused a Mesos API call (400, 403, 404, 405, 406, 409, 415, 501 or 503).',
  },
  KM_ERR_DECODE: { status: 400, meaning: 'A protobuf or JSON message does not decode as the Mesos type it claims.' },
  KM_ERR_RECORDIO: {
    status: null,
    meaning: 'A RecordIO stream is malformed (a bad length prefix or a truncated record).',
  },
  KM_ERR_SCHEDULER_CALL: { status: null, meaning: 'A Mesos scheduler API call was refused by the master.' },
  KM_ERR_EXECUTOR_CALL: { status: null, meaning: 'A Mesos executor API call was refused by the agent.' },
  KM_ERR_EXECUTOR_ENV: {
    status: null,
    meaning: 'An executor was started without the MESOS_* environment the agent sets.',
  },
  KM_ERR_FETCH: { status: null, meaning: 'An agent could not fetch a task URI into the sandbox.' },
  KM_ERR_APPS_STATE: { status: null, meaning: "The meta-framework's state file is unreadable; it was left untouched." },
  KM_ERR_STORAGE: { status: 500, meaning: "The scheduler's state could not be read or written." },
  KM_ERR_STATE_WRITE: {
    status: 503,
    meaning:
      'The scheduler could not save its state; the change was undone and nothing was applied. Try again once storage works.',
  },
  KM_ERR_STATE_LOCKED: {
    status: null,
    meaning:
      'Another scheduler holds this state (file lock, etcd lease, or a connected framework); this one refused to start.',
  },
  KM_ERR_LOG_FILE: {
    status: 400,
    meaning: 'A broker log name is not one the executor serves (stdout, stderr or a *.log file).',
  },
  KM_ERR_INTERNAL: { status: 500, meaning: 'An unexpected error; the scheduler logged it with its stack.' },
  // authentication and authorization
  KM_ERR_UNAUTHENTICATED: {
    status: 401,
    meaning: 'No credentials, or wrong ones: send a user and password (HTTP Basic) or a token (Bearer).',
  },
  KM_ERR_FORBIDDEN: {
    status: 403,
    meaning:
      'The credentials are good but their role (or owner) does not allow the call; the message names the role needed.',
  },
  KM_ERR_AUTH_FILE: {
    status: null,
    meaning: 'A credentials file (--auth-file, --credential) cannot be used; the message names the field and the fix.',
  },
  KM_ERR_ARTIFACT_DIGEST: {
    status: null,
    meaning: 'A fetched archive does not have the sha256 its task carries (reported in the TaskStatus message).',
  },
  // the CLI's own
  KM_ERR_NO_API: {
    status: null,
    meaning: 'The CLI has no API URL: give --api, KM_API or api= in ./kafka-mesos.properties.',
  },
  KM_ERR_API_URL: { status: null, meaning: 'The API URL is not a valid http(s) or apps:// URL.' },
  KM_ERR_UNREACHABLE: {
    status: null,
    meaning: 'The scheduler API (or the meta-framework that runs it) could not be reached.',
  },
  KM_ERR_MASTER: {
    status: null,
    meaning: 'No master given by --master answered, or the leading one refused the call.',
  },
  KM_ERR_HTTP: { status: null, meaning: 'The server answered with an HTTP error and no error body of ours.' },
  KM_ERR_RESPONSE: { status: null, meaning: 'The server answered with something the CLI cannot read.' },
  KM_ERR_TIMEOUT: {
    status: null,
    meaning: 'The wait (--timeout) ended before the operation finished; it goes on in the scheduler.',
  },
  KM_ERR_REBALANCE_FAILED: {
    status: null,
    meaning: 'A rebalance or realign ended with a failure; the message says which partitions.',
  },
  KM_ERR_ELECTION: { status: null, meaning: 'A preferred-leader election failed for some partitions.' },
  KM_ERR_METRICS: { status: null, meaning: 'Metrics could not be read from some brokers.' },
  KM_ERR_LOG: { status: null, meaning: 'A broker log could not be read from some brokers.' },
  KM_ERR_FILE: { status: null, meaning: 'A file named by a flag (e.g. --options-file) cannot be read.' },
  KM_ERR_CLI: { status: null, meaning: 'The command failed for a reason its message gives.' },
} as const satisfies Record<string, ErrorInfo>

/** A stable error code, e.g. `'KM_ERR_NOT_FOUND'`. */
export type ErrorCode = keyof typeof ERROR_CODES

/** True when `s` is one of the table's codes (for codes read off the wire, e.g. by the CLI). */
export function isErrorCode(s: unknown): s is ErrorCode {
  return typeof s === 'string' && Object.hasOwn(ERROR_CODES, s)
}
