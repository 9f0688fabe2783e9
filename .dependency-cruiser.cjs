/** The dependency rules of the tree (dependency-cruiser), run by `npm run lint`. */
// Each rule names the layer it guards. Tests may reach into their own folder's files; everything
// else imports another folder only through its index.ts, that folder's public face.
/** @type {import('dependency-cruiser').IConfiguration} */
const TESTS = ['\\.test\\.ts$', '\\.test-support\\.ts$', '^test/']

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle ties two modules into one: split out what both need.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'folder-public-face',
      severity: 'error',
      comment:
        "A module imports another folder only through that folder's index.ts (its public face), never one of its files.",
      from: { path: '^(.+)/[^/]+$', pathNot: TESTS },
      to: {
        dependencyTypesNot: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'core'],
        pathNot: ['^$1/[^/]+$', '/index\\.ts$', '^node_modules/'],
      },
    },
    {
      name: 'executor-not-scheduler',
      severity: 'error',
      comment: 'The executor shares only contract/ with the scheduler; scheduler code must not reach its bundle.',
      from: { path: '^executor/' },
      to: { path: '^(scheduler|cli)/' },
    },
    {
      name: 'cli-not-scheduler-internals',
      severity: 'error',
      comment: "The CLI talks to the scheduler over REST: it may import only the scheduler's public face.",
      from: { path: '^cli/' },
      to: { path: '^scheduler/', pathNot: '^scheduler/index\\.ts$' },
    },
    {
      name: 'core-cluster-stands-alone',
      severity: 'error',
      comment: 'The cluster core is Kafka-agnostic: it imports nothing of the scheduler, executor, CLI or contract.',
      from: { path: '^core-cluster/' },
      to: { path: '^(scheduler|executor|cli|contract|bench)/' },
    },
    {
      name: 'contract-is-a-leaf',
      severity: 'error',
      comment: 'contract/ is shared by the scheduler, the executor and the CLI, so it depends on none of them.',
      from: { path: '^contract/' },
      to: { path: '^(scheduler|executor|cli|bench)/' },
    },
    {
      name: 'scheduler-not-cli-or-executor',
      severity: 'error',
      comment: 'The scheduler reaches the executor through contract/ and the task it launches, never by import.',
      from: { path: '^scheduler/' },
      to: { path: '^(executor|cli|bench)/' },
    },
    {
      name: 'errors-is-a-leaf',
      severity: 'error',
      comment: 'The error table is imported by every layer, so it imports none of them.',
      from: { path: '^errors/' },
      to: { path: '^(scheduler|executor|cli|contract|core-cluster|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^node_modules/', '^\\.cache/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.test.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
}
