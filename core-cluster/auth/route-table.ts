/** A daemon's route table of roles: which role each of its hono routes needs, looked up from the route the request matched. */

import type { Context } from 'hono'
import { matchedRoutes } from 'hono/route'
import type { Requirement } from './middleware.js'
import type { Role } from './roles.js'

/**
 * What a route needs: `public`, `any` authenticated principal, a role, or a function of the request
 * (e.g. a call type in the body) for routes whose calls differ.
 */
export type RouteRule = 'public' | 'any' | Role | ((c: Context) => Requirement | Promise<Requirement>)

/** A route's handler, as opposed to a middleware: it takes only the context (hono's own test in `hono/route`'s docs). */
function isHandler(h: { length: number }): boolean {
  return h.length < 2
}

/** Every route of an app that ends in a handler (middleware left out): `{method, path}` as registered. */
export function handlerRoutes(app: {
  routes: ReadonlyArray<{ method: string; path: string; handler: { length: number } }>
}): Array<{ method: string; path: string }> {
  const seen = new Set<string>()
  const out: Array<{ method: string; path: string }> = []
  for (const r of app.routes) {
    if (!isHandler(r.handler)) continue
    const key = `${r.method} ${r.path}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push({ method: r.method, path: r.path })
  }
  return out
}

/** The role table's rule of the request's route, by the route path it matched (undefined: no route). */
function matchedPath(c: Context): string | undefined {
  const handlers = matchedRoutes(c).filter((r) => isHandler(r.handler))
  return handlers.at(-1)?.path
}

/**
 * Makes the `requirement` of ./middleware.ts from a table keyed by route path (as registered, e.g.
 * `/kafka/:name`). Fails closed:
 * - a request that matches no route needs any principal (an authenticated caller then gets the 404);
 * - a route that is missing from the table needs `admin`, and the route-table tests, which walk
 *   every route of the app, fail for it.
 */
export function routeRequirement(table: Readonly<Record<string, RouteRule>>): (c: Context) => Promise<Requirement> {
  return async (c) => {
    const path = matchedPath(c)
    if (path === undefined) return { kind: 'any', action: `${c.req.method} ${c.req.path}` }
    const rule = table[path]
    const action = `${c.req.method} ${path}`
    if (rule === undefined) return { kind: 'role', role: 'admin', action: `${action} (a route without a role)` }
    if (rule === 'public') return { kind: 'public' }
    if (rule === 'any') return { kind: 'any', action }
    if (typeof rule === 'function') return rule(c)
    return { kind: 'role', role: rule, action }
  }
}
