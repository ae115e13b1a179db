/**
 * The architecture's rules, checked by `npm test` (test/architecture/dependency-rules.test.ts) with
 * dependency-cruiser. docs/architecture.md, "Rules that keep it so", says why each holds.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle makes modules impossible to understand (and to load) one at a time.',
      from: { path: '^(protocol|broker|adapters)/' },
      to: { circular: true },
    },
    {
      name: 'protocol-depends-on-neither',
      severity: 'error',
      comment: 'The protocol core is shared by the broker, the adapters and the browser: it imports neither side.',
      from: { path: '^protocol/' },
      to: { path: '^(broker|adapters)/' },
    },
    {
      name: 'adapters-never-import-broker',
      severity: 'error',
      comment: "A partner who installs the adapter gets the protocol core, never the broker's internals.",
      from: { path: '^adapters/' },
      to: { path: '^broker/' },
    },
    {
      name: 'routes-import-services-only',
      severity: 'error',
      comment: 'Routes are thin: they parse HTTP and call a service; repositories, the database and the unit of work are below the services.',
      from: { path: '^broker/http/routes/' },
      to: { path: ['\\.repository\\.ts$', '^broker/db/', '^broker/unit-of-work/', '^broker/access/', 'node_modules/kysely'] },
    },
    {
      name: 'sql-only-in-repositories',
      severity: 'error',
      comment: 'Only repositories (and the database layer and its migrations) speak SQL: kysely values elsewhere are refused; types are fine.',
      from: { path: '^(broker|adapters|protocol)/', pathNot: ['\\.repository\\.ts$', '^broker/db/'] },
      to: { path: 'node_modules/kysely/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'migrations-import-no-domain-code',
      severity: 'error',
      comment: 'A migration is frozen when it is written: it may not change when the domain does.',
      from: { path: '^broker/db/migrations/' },
      to: { path: '^(broker|protocol|adapters)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|test)/' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
