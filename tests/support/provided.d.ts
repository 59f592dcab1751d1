// Values that tests/support/global-setup.ts hands to every test file via `inject(key)`.
declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port` of the Temporal server shared by the whole run. */
    temporalAddress: string;
    /** Path of the pre-bundled workflow code (`workflowBundle: { codePath }`); '' if there are no workflows yet. */
    workflowBundlePath: string;
    /**
     * URL of the run's PostgreSQL server ('' when PostgreSQL is not installed, outside CI). Each test
     * uses a schema of its own: `PostgresStore.open(url, { schema: uniqueSchema() })`.
     */
    postgresUrl: string;
    /**
     * Data directory of the run's PostgreSQL server, for `stopPostgres`/`startPostgres`
     * (tests/support/postgres-server.ts); '' when the server is external or absent.
     */
    postgresDataDir: string;
  }
}

export {};
