/** The role each route of the scheduler's REST API needs: reads for a viewer, start/stop/restart/rebalance for an operator, changes for an admin, downloads by path token. */

import type { Context } from 'hono'
import { PATH_TOKEN_PARAM, type PathTokens, type Requirement, type RouteRule } from '../../core-cluster/auth/index.js'

/**
 * A download route's rule: `public` for a request whose `?km_token=` is the path token the scheduler
 * put in the task's URI (a Mesos fetcher sends no header: core-cluster/auth path-token.ts), else any
 * authenticated principal (an agent's credential, a person's). Without path tokens: any principal.
 */
function download(tokens: PathTokens | undefined): (c: Context) => Requirement {
  return (c) =>
    tokens?.check(c.req.path, c.req.query(PATH_TOKEN_PARAM))
      ? { kind: 'public' }
      : { kind: 'any', action: `download ${c.req.path}` }
}

/**
 * The scheduler's route table for `--auth-file` (issue 13's roles, as mesos/kafka's `http/api/*Api.scala`
 * routes group them):
 * - `viewer`: every list and read (`broker list|log|metrics`, `topic list`, `partition list`,
 *   `quota list`, `controller list`, `group list|describe`, `status`, the audit log);
 * - `operator`: `broker start|stop|restart`, `topic rebalance|elect-leaders`, `group reset-offsets`
 *   (it moves where consumers resume, as a restart moves where a broker runs; no config or data changes);
 * - `admin`: `broker add|update|remove|clone`, `topic add|update|delete`, `quota set`, `controller add|remove|replace`;
 * - downloads (executor bundle, Kafka archive, metrics agent): a path token or any principal;
 * - `/health`: public.
 * A route missing here needs admin (core-cluster/auth route-table.ts) and `route-roles.test.ts` fails.
 */
export function schedulerRouteRoles(tokens?: PathTokens): Readonly<Record<string, RouteRule>> {
  return {
    '/health': 'public',
    '/executor/kafka-mesos-executor.cjs': download(tokens),
    '/kafka/:name': download(tokens),
    '/agents/:name': download(tokens),
    '/api/status': 'viewer',
    '/api/log/ops': 'viewer',
    '/api/broker/list': 'viewer',
    '/api/broker/log': 'viewer',
    '/api/broker/metrics': 'viewer',
    '/api/topic/list': 'viewer',
    '/api/partition/list': 'viewer',
    '/api/quota/list': 'viewer',
    '/api/controller/list': 'viewer',
    '/api/group/list': 'viewer',
    '/api/group/describe': 'viewer',
    '/api/broker/start': 'operator',
    '/api/broker/stop': 'operator',
    '/api/broker/restart': 'operator',
    '/api/topic/rebalance': 'operator',
    '/api/topic/elect-leaders': 'operator',
    '/api/group/reset-offsets': 'operator',
    '/api/broker/add': 'admin',
    '/api/broker/update': 'admin',
    '/api/broker/remove': 'admin',
    '/api/broker/clone': 'admin',
    '/api/topic/add': 'admin',
    '/api/topic/update': 'admin',
    '/api/topic/delete': 'admin',
    '/api/quota/set': 'admin',
    '/api/controller/add': 'admin',
    '/api/controller/remove': 'admin',
    '/api/controller/replace': 'admin',
  }
}
