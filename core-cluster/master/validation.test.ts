/** The pure call checks' tests: properties of task ids, TaskInfo, task groups, offer ids, FrameworkInfo roles and updates, resources. */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { type ExecutorInfo, type Offer, parseResources, type Resource, type TaskInfo } from '../proto/index.js'
import {
  MAX_SCALAR,
  validateAcknowledgeUuid,
  validateFrameworkRoles,
  validateFrameworkUpdate,
  validateOfferIds,
  validateResources,
  validateTask,
  validateTaskGroup,
  validateTaskId,
} from './validation.js'

/** Characters a task id may hold (a sample: letters, digits and punctuation other than / and \). */
const safeChar = fc.constantFrom(...'abcXYZ019-_.:@+~ é'.split(''))
const safeId = fc
  .array(safeChar, { minLength: 1, maxLength: 255 })
  .map((cs) => cs.join(''))
  .filter((s) => s !== '.' && s !== '..')
const forbidden = fc.constantFrom('/', '\\', '\x00', '\x01', '\n', '\t', '\x1f')
/** A valid role name: `/`-separated components of letters and digits. */
const role = fc
  .array(fc.stringMatching(/^[a-z0-9][a-z0-9._]{0,7}$/), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.join('/'))
  .filter((r) => !r.split('/').some((p) => p === '.' || p === '..'))

const task = (id: string, resources = 'cpus:1;mem:128', extra: Partial<TaskInfo> = {}): TaskInfo => ({
  name: id,
  task_id: { value: id },
  agent_id: { value: 'A' },
  resources: parseResources(resources),
  command: { value: 'true' },
  ...extra,
})
const ctx = (offered: Resource[], uses: Resource[], live: string[] = []) => ({
  agentId: 'A',
  offered,
  uses: () => uses,
  isLive: (id: string) => live.includes(id),
})

describe('task ids', () => {
  test.prop([safeId])('an id of safe characters, 1 to 255 long and not . or .., is valid', (id) => {
    expect(validateTaskId(id)).toBeUndefined()
  })

  test.prop([safeId, forbidden, fc.nat()])(
    'an id with a slash, a backslash or a control character is invalid, wherever it is',
    (id, bad, at) => {
      const i = at % (id.length + 1)
      const withBad = id.slice(0, i) + bad + id.slice(i)
      expect(validateTaskId(withBad)).toBe(`Task ID '${withBad}' is invalid`)
    },
  )

  test.prop([fc.string({ minLength: 256, maxLength: 400 })])('an id longer than 255 is invalid', (id) => {
    expect(validateTaskId(id)).toMatch(/is invalid$/)
  })

  test.each([[''], ['.'], ['..']])('the id %j is invalid', (id) => {
    expect(validateTaskId(id)).toBe(`Task ID '${id}' is invalid`)
  })
})

describe('TaskInfo', () => {
  test.prop([
    fc.integer({ min: 1, max: 8 }),
    fc.integer({ min: 32, max: 4096 }),
    fc.integer({ min: 0, max: 8 }),
    fc.integer({ min: 0, max: 4096 }),
  ])('a task fits exactly when its resources are within what is left of the offer', (cpus, mem, wantCpus, wantMem) => {
    const offered = parseResources(`cpus:${cpus};mem:${mem}`)
    const uses = parseResources(`cpus:${wantCpus};mem:${wantMem}`).filter((r) => (r.scalar?.value ?? 0) > 0)
    const problem = validateTask(task('t'), ctx(offered, uses))
    if (uses.length === 0) expect(problem).toBe('Task uses no resources')
    else if (wantCpus <= cpus && wantMem <= mem) expect(problem).toBeUndefined()
    else expect(problem).toBe('Task uses more resources than offered')
  })

  test('the checks come in Mesos order, each with its message', () => {
    const offered = parseResources('cpus:2;mem:1024')
    const uses = parseResources('cpus:1;mem:128')
    expect(validateTask(task('a/b'), ctx(offered, uses))).toBe("Task ID 'a/b' is invalid")
    expect(validateTask(task('t', 'cpus:1', { command: undefined }), ctx(offered, uses))).toBe(
      'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present',
    )
    expect(validateTask(task('t', 'cpus:1', { agent_id: { value: 'B' } }), ctx(offered, uses))).toBe(
      'Task uses agent B but the offer is for agent A',
    )
    expect(validateTask(task('t'), ctx(offered, uses, ['t']))).toBe('Task has a duplicate ID: t')
    // a group's task has no executor of its own and may use nothing
    expect(validateTask(task('t', 'cpus:1', { command: undefined }), { ...ctx(offered, []), inGroup: true })).toBe(
      undefined,
    )
  })

  test('what the launch uses is asked only once the cheaper checks passed', () => {
    let asked = 0
    const uses = () => {
      asked++
      return parseResources('cpus:1')
    }
    validateTask(task('..'), { ...ctx([], []), uses })
    expect(asked).toBe(0)
    validateTask(task('t'), { ...ctx(parseResources('cpus:1'), []), uses })
    expect(asked).toBe(1)
  })
})

describe('task groups', () => {
  const executor: ExecutorInfo = { executor_id: { value: 'E' }, type: 'DEFAULT' }
  const group = (ids: string[]) => ({ executor, task_group: { tasks: ids.map((id) => task(id)) } })

  test.prop([fc.uniqueArray(safeId, { minLength: 1, maxLength: 6 })])(
    'tasks with distinct ids and commands form a valid group',
    (ids) => {
      expect(validateTaskGroup(group(ids))).toBeUndefined()
    },
  )

  test.prop([fc.uniqueArray(safeId, { minLength: 1, maxLength: 6 }), fc.nat()])(
    'a repeated id, a task without a command or with an executor of its own spoils the group',
    (ids, pick) => {
      const i = pick % ids.length
      const twice = group([...ids, ids[i]])
      expect(validateTaskGroup(twice)).toBe(`Duplicate task id '${ids[i]}' in the group`)
      const noCommand = group(ids)
      noCommand.task_group.tasks[i] = { ...noCommand.task_group.tasks[i], command: undefined }
      expect(validateTaskGroup(noCommand)).toBe(`Task '${ids[i]}' of a group needs a 'command'`)
      const ownExecutor = group(ids)
      ownExecutor.task_group.tasks[i] = {
        ...ownExecutor.task_group.tasks[i],
        executor: { executor_id: { value: 'X' } },
      }
      expect(validateTaskGroup(ownExecutor)).toMatch(/must not have 'executor'/)
    },
  )

  test('the executor is checked first', () => {
    expect(validateTaskGroup(undefined)).toMatch(/needs 'launch_group.executor'/)
    expect(validateTaskGroup({ executor, task_group: { tasks: [] } })).toMatch(/at least one task/)
    expect(validateTaskGroup({ ...group(['t']), executor: { ...executor, type: 'CUSTOM' } })).toMatch(
      /type DEFAULT only, got CUSTOM/,
    )
    expect(validateTaskGroup({ ...group(['t']), executor: { ...executor, command: { value: 'x' } } })).toMatch(
      /must not have a command/,
    )
  })
})

describe('offer ids of an ACCEPT', () => {
  const offer = (id: string, fw: string, agent: string): { offer: Offer } => ({
    offer: { id: { value: id }, framework_id: { value: fw }, agent_id: { value: agent }, hostname: agent },
  })

  test.prop([fc.uniqueArray(fc.integer({ min: 0, max: 20 }), { maxLength: 8 })])(
    "any distinct selection of the framework's offers on one agent is taken in the call's order",
    (picks) => {
      const all = new Map(Array.from({ length: 21 }, (_, i) => [`o${i}`, offer(`o${i}`, 'F', 'A')]))
      const ids = picks.map((i) => ({ value: `o${i}` }))
      const got = validateOfferIds('F', ids, (id) => all.get(id))
      expect(got).toEqual(picks.map((i) => all.get(`o${i}`)))
    },
  )

  test.prop([fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 5 }), fc.nat()])(
    "one id twice, an unknown id, another framework's offer or a second agent makes the whole call invalid",
    (picks, n) => {
      const all = new Map(Array.from({ length: 10 }, (_, i) => [`o${i}`, offer(`o${i}`, 'F', 'A')]))
      all.set('other', offer('other', 'G', 'A'))
      all.set('elsewhere', offer('elsewhere', 'F', 'B'))
      const ids = picks.map((i) => ({ value: `o${i}` }))
      const at = n % (ids.length + 1)
      const lookup = (id: string) => all.get(id)
      const insert = (value: string) => [...ids.slice(0, at), { value }, ...ids.slice(at)]
      expect(validateOfferIds('F', [...ids, ids[n % ids.length]], lookup)).toBe(
        `Duplicate offer ${ids[n % ids.length].value} in the call`,
      )
      expect(validateOfferIds('F', insert('gone'), lookup)).toBe('Offer gone is no longer valid')
      expect(validateOfferIds('F', insert('other'), lookup)).toBe('Offer other belongs to another framework')
      expect(validateOfferIds('F', insert('elsewhere'), lookup)).toBe('Aggregated offers must belong to the same agent')
    },
  )
})

describe('FrameworkInfo roles and UPDATE_FRAMEWORK', () => {
  const info = { user: 'u', name: 'n' }

  test.prop([fc.uniqueArray(role, { minLength: 1, maxLength: 4 })])('distinct valid roles are accepted', (roles) => {
    expect(validateFrameworkRoles({ ...info, roles })).toBeUndefined()
  })

  test.prop([fc.uniqueArray(role, { minLength: 1, maxLength: 4 }), fc.nat()])(
    'a role listed twice is refused',
    (roles, n) => {
      expect(validateFrameworkRoles({ ...info, roles: [...roles, roles[n % roles.length]] })).toBe(
        "'roles' contains duplicates",
      )
    },
  )

  test('roles and the deprecated role are mutually exclusive; role names are checked', () => {
    expect(validateFrameworkRoles({ ...info, roles: ['a'], role: 'b' })).toMatch(/mutually exclusive/)
    expect(validateFrameworkRoles({ ...info, role: '-x' })).toMatch(/starting with '-'/)
    expect(validateFrameworkRoles(info)).toBeUndefined()
  })

  test.prop([role, fc.constantFrom('principal', 'user', 'checkpoint')])(
    'an update may change the role but not principal, user or checkpoint',
    (r, field) => {
      const current = { ...info, id: { value: 'F' }, principal: 'p', checkpoint: true }
      const next = { ...current, roles: [r] }
      expect(validateFrameworkUpdate('F', current, { framework_info: next, suppressed_roles: [r] })).toBeUndefined()
      const changed = { ...next, [field]: field === 'checkpoint' ? false : 'other' }
      expect(validateFrameworkUpdate('F', current, { framework_info: changed })).toBe(
        `Updating framework F failed: updating 'FrameworkInfo.${field}' is unsupported`,
      )
      expect(validateFrameworkUpdate('G', current, { framework_info: next })).toMatch(/must equal 'framework_id'/)
      expect(validateFrameworkUpdate('F', current, { framework_info: next, suppressed_roles: [`${r}x`] })).toMatch(
        /is not one of the framework's roles/,
      )
    },
  )
})

describe('ACKNOWLEDGE', () => {
  test.prop([fc.uint8Array({ minLength: 0, maxLength: 40 })])('the uuid must be 16 bytes', (bytes) => {
    const problem = validateAcknowledgeUuid(Buffer.from(bytes).toString('base64'))
    if (bytes.length === 16) expect(problem).toBeUndefined()
    else expect(problem).toBe("Failed to validate scheduler::Call: 'uuid' is not a valid UUID")
  })
})

describe('validateResources', () => {
  const scalar = (name: string, value: number): Resource => ({ name, type: 'SCALAR', scalar: { value } })
  const ports = (...r: Array<[number, number]>): Resource => ({
    name: 'ports',
    type: 'RANGES',
    ranges: { range: r.map(([begin, end]) => ({ begin, end })) },
  })

  test.prop([fc.constantFrom('cpus', 'mem', 'disk', 'gpus'), fc.double({ min: 0, max: MAX_SCALAR, noNaN: true })])(
    'property: every finite scalar from 0 to MAX_SCALAR of a known name is valid',
    (name, v) => {
      expect(validateResources([scalar(name, v)], 'r')).toBeUndefined()
    },
  )

  test.prop([
    fc.constantFrom('cpus', 'mem', 'disk', 'gpus'),
    fc.oneof(
      fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
      fc.double({ min: MAX_SCALAR * 1.0001, noNaN: true }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e308),
    ),
  ])('property: a negative, huge, infinite or NaN scalar is refused, naming the entry', (name, v) => {
    expect(validateResources([scalar('cpus', 1), scalar(name, v)], 'agent_info.resources')).toMatch(
      new RegExp(`^Invalid scalar resource 'agent_info.resources\\[1\\]': ${name} must be a number from 0 to`),
    )
  })

  test.prop([fc.array(fc.tuple(fc.nat(65535), fc.nat(65535)), { minLength: 1, maxLength: 6 })])(
    'property: port ranges are valid exactly when each is ordered and none overlaps another',
    (pairs) => {
      const sorted = [...pairs].sort((a, b) => a[0] - b[0])
      const ordered = pairs.every(([b, e]) => b <= e)
      const disjoint = sorted.every((p, i) => i === 0 || p[0] > sorted[i - 1][1])
      expect(validateResources([ports(...pairs)], 'r') === undefined).toBe(ordered && disjoint)
    },
  )

  test('unknown names, wrong types and ports beyond 65535 are refused', () => {
    expect(validateResources([scalar('bogus', 1)], 'r')).toBe(
      `Invalid resource 'r[0]': unknown name "bogus"; known: cpus, mem, disk, gpus, ports`,
    )
    expect(validateResources([scalar('toString', 1)], 'r')).toMatch(/unknown name "toString"/)
    expect(validateResources([{ name: 'ports', type: 'SCALAR', scalar: { value: 1 } }], 'r')).toBe(
      `Invalid resource 'r[0]': ports is of type RANGES, got SCALAR`,
    )
    expect(validateResources([ports([31000, 70000])], 'r')).toMatch(/ports range 31000-70000 must be whole numbers/)
    expect(validateResources(parseResources('cpus:2;mem:4096;disk:100;ports:[31000-31999]'), 'r')).toBeUndefined()
  })

  test('a LAUNCH of mem:-5000 is a TASK_ERROR before containment is even asked', () => {
    const offered = parseResources('cpus:1;mem:1000')
    const t = task('t', 'cpus:0.1;mem:1')
    t.resources = [scalar('cpus', 0.1), scalar('mem', -5000)]
    expect(validateTask(t, ctx(offered, t.resources))).toMatch(/^Invalid scalar resource 'task.resources\[1\]': mem/)
  })
})
