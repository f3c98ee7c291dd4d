// Import rules from ARCHITECTURE.md ("Layout"): data flows one way, modules meet at index.ts.
module.exports = {
  forbidden: [
    {
      name: 'only-through-the-api', severity: 'error',
      comment: 'controllers, the kubelet, clients and volumes change state only through API calls',
      from: { path: '^src/(controllers|kubelet|controller-runtime|client|volumes)/' },
      to: { path: '^src/(store|apiserver)/' },
    },
    {
      name: 'no-sibling-controllers', severity: 'error',
      from: { path: '^src/controllers/([^/]+)/' },
      to: { path: '^src/controllers/[^/]+/', pathNot: '^src/controllers/$1/' },
    },
    {
      name: 'core-is-pure', severity: 'error',
      comment: 'core imports nothing else in src/ and no Node built-ins that do I/O',
      from: { path: '^src/core/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/', pathNot: '^src/core/' },
    },
    {
      name: 'core-no-io', severity: 'error',
      from: { path: '^src/core/', pathNot: '\\.test\\.ts$' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|net|http|https|child_process|dgram|tls|os|worker_threads)$' },
    },
    {
      name: 'store-only-core', severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: '^src/(store|core)/' },
    },
    {
      name: 'proxy-through-the-api', severity: 'error',
      comment: 'the service proxy learns Services and EndpointSlices through informers only',
      from: { path: '^src/proxy/' },
      to: { path: '^src/', pathNot: '^src/(proxy|core|client|controller-runtime)/' },
    },
    {
      name: 'dns-reads-through-informers', severity: 'error',
      comment: 'cluster DNS learns Services and EndpointSlices from informers: core, client and controller-runtime only',
      from: { path: '^src/dns/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(dns|core|client|controller-runtime)/' },
    },
    {
      name: 'testing-not-cmd', severity: 'error',
      from: { path: '^src/(testing|cluster)/' },
      to: { path: '^src/cmd/' },
    },
    {
      name: 'public-surface-only', severity: 'error',
      comment: 'cross-module imports go through an index.ts (a module\'s, or a sub-module\'s such as core/validation)',
      from: { path: '^src/(controllers/[^/]+|[^/]+)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/', pathNot: ['^src/$1/', '/index\\.ts$'] },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
