// The module boundaries of docs/architecture.md, checked by test/architecture.test.ts (in
// `npm test`) and by hand with `npx depcruise src test bench`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'No import cycle anywhere, type-only imports included: a cycle is two modules that are really one.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'module-inside-only-through-index',
      severity: 'error',
      comment:
        "Nothing outside src/modules/<m>/ (platform, businesses, channels, workflows, the wiring, the demo, test/, bench/) " +
        "imports a file inside a module other than its index.ts, its public face. A module's own tests sit beside its code.",
      from: { pathNot: '^src/modules/' },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'module-to-module-through-index',
      severity: 'error',
      comment: "A module reaches another module only through that module's index.ts.",
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'platform-below-everything',
      severity: 'error',
      comment: 'The platform is what every module may use, so it uses none of them, nor businesses, channels, workflows or the wiring.',
      from: { path: '^src/platform/' },
      to: { path: ['^src/(modules|businesses|channels|workflows|demo)/', '^src/(container|app|main|migrations)\\.ts$'] },
    },
    {
      name: 'channels-no-repositories',
      severity: 'error',
      comment: "Channels are thin adapters over the entry point and modules' services: no SQL of any module's repository.",
      from: { path: '^src/channels/' },
      to: { path: '\\.repository\\.ts$' },
    },
    {
      name: 'modules-below-channels-and-businesses',
      severity: 'error',
      comment: 'Modules hold the rules channels and businesses are made of, so they never import either.',
      from: { path: '^src/modules/' },
      to: { path: '^src/(channels|businesses)/' },
    },
    {
      name: 'demo-only-in-demo-files',
      severity: 'error',
      comment: "The demo generator's seams (src/demo/) are for a module's demo.ts, the data it contributes to the demo operator; the module's rules never use them.",
      from: { path: '^src/modules/', pathNot: '^src/modules/[^/]+/demo\\.ts$' },
      to: { path: '^src/demo/' },
    },
    {
      name: 'demo-seams-below-modules',
      severity: 'error',
      comment: "The demo's randomness, time, people, behaviour and row buffers are what modules' demo.ts build on, so they import no module (generator.ts and seed.ts put the modules' parts together).",
      from: { path: '^src/demo/(random|time|people|behaviour|rows)\\.ts$' },
      to: { path: '^src/(modules|businesses|channels|workflows)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
