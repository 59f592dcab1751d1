// Values that tests/support/global-setup.ts hands to every test file via `inject(key)`.
declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port` of the Temporal server shared by the whole run. */
    temporalAddress: string;
    /** Path of the pre-bundled workflow code (`workflowBundle: { codePath }`); '' if there are no workflows yet. */
    workflowBundlePath: string;
    /**
     * URL of the run's PostgreSQL server (global setup fails when there is none). Each test
     * uses a schema of its own: `PostgresStore.open(url, { schema: uniqueSchema() })`.
     */
    postgresUrl: string;
    /** Directory where tests/support/processes.ts registers spawned children for the end-of-run check. */
    childRegistry: string;
    /**
     * Data directory of the run's PostgreSQL server, for `stopPostgres`/`startPostgres`
     * (tests/support/postgres-server.ts); '' when the server is external (ROOMKIT_TEST_POSTGRES_URL).
     */
    postgresDataDir: string;
    /** `redis://127.0.0.1:<port>` of the run's Redis; each test uses a `prefix` of its own. */
    redisUrl: string;
  }
}

export {};
