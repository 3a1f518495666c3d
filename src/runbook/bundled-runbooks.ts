/**
 * The user runbook modules inside a Lambda bundle, by the absolute path the
 * configuration names (`applications[].runbooks.module`). Empty here: when
 * `serverless package` bundles the functions, deploy/esbuild.config.cjs
 * replaces this module with one that imports each module the packaged
 * configuration names, so that esbuild bundles them. Outside a bundle the
 * modules are imported from their paths.
 */
export const bundledRunbookModules: Record<string, Record<string, unknown>> = {};
