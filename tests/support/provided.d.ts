// Values that tests/support/global-setup.ts hands to every test file via `inject(key)`.
declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port` of the Temporal server shared by the whole run. */
    temporalAddress: string;
    /** Path of the pre-bundled workflow code (`workflowBundle: { codePath }`); '' if there are no workflows yet. */
    workflowBundlePath: string;
  }
}

export {};
