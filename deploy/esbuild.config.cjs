'use strict';
// The esbuild settings of the Lambda bundles, for serverless-esbuild
// (custom.esbuild.config in serverless.yml) and for bench/cold-start.ts,
// so that what is measured is what is deployed.
const fs = require('node:fs/promises');
const path = require('node:path');

/** A module that replaces one the bundles never run: calling it says so instead of failing obscurely. */
function unbundled(what, why) {
  const message = JSON.stringify(`${what} is not in the Lambda bundle (deploy/esbuild.config.cjs): ${why}`);
  return `'use strict';\nconst unbundled = () => { throw new Error(${message}); };\n`;
}

/**
 * Modules replaced by a stub in the Lambda bundles, by the exact specifier
 * they are required with. Each is required at startup (so it cannot simply
 * be left out), but the code it brings never runs in the functions:
 * - Fastify requires its default compilers when the instance is created;
 *   the app validates with TypeBox (setValidatorCompiler in
 *   src/api/build-app.ts) and no route has a response schema, so neither
 *   Ajv nor fast-json-stringify is ever asked to compile (the error
 *   serializer Fastify ships precompiled is kept). If a route gains a
 *   response schema, the app fails at `ready()`, on the first request, with
 *   the message below (the packaged-bundle test in
 *   test/e2e/serverless-package.test.ts builds the app).
 * - @fastify/type-provider-typebox imports ajv-formats for
 *   `registerAjvFormats()`, which nothing calls.
 * - The YAML library: the functions read their configuration as JSON
 *   (src/config/packaged-config.ts), and @fastify/swagger, which requires it
 *   for the YAML form of the OpenAPI document, serves the API's document as
 *   JSON (/docs/json, src/api/openapi/openapi.ts). About 110 KB.
 * - pino's transports run in a worker thread (thread-stream); the functions
 *   log JSON lines to stdout, without a transport (src/logging/logger.ts).
 * - `debug` (json-schema-resolver, under @fastify/swagger, logs through it
 *   when DEBUG names it): always off in the functions, which log with pino.
 *   It bundles its browser and Node builds and a terminal color probe.
 * - @fastify/proxy-addr (with ipaddr.js, about 15 KB): Fastify only uses it
 *   with the `trustProxy` option, which the app does not set (the caller is
 *   the token or the IAM principal, never an address).
 * - safe-regex2 (with ret, about 14 KB): find-my-way checks its own three
 *   regular expressions with it at load, and the regex of a route parameter
 *   (`/:id(^\d+$)`) when one is registered; the API has none. The stub
 *   knows those three (copied from find-my-way) and refuses anything else, so
 *   a regex route, or a find-my-way whose own regexes changed, fails at load
 *   saying why (test/unit/deploy/lambda-bundles.test.ts).
 */
const FIND_MY_WAY_OWN_REGEXPS = [/(\/:[^/()]*?)\?(\/?)/, /[.*+?^${}()|[\]\\]/g, /\/\/+/g].map((r) => r.source);
const STUBS = {
  '@fastify/ajv-compiler': `${unbundled('Ajv (Fastify’s default validator compiler)', 'routes validate with TypeBox (setValidatorCompiler)')}module.exports = () => unbundled;\n`,
  '@fastify/fast-json-stringify-compiler': `${unbundled(
    'fast-json-stringify (Fastify’s response serializer compiler)',
    'no route has a response schema (to add one, drop this stub or set a serializer compiler)',
  )}module.exports = () => unbundled;\n`,
  'ajv-formats': `${unbundled('ajv-formats', 'registerAjvFormats() of @fastify/type-provider-typebox is not used')}module.exports = { get: unbundled };\n`,
  yaml: `${unbundled('The YAML library', 'the functions read their configuration as JSON, and the API serves its OpenAPI document as JSON (/docs/json)')}module.exports = { parse: unbundled, parseAllDocuments: unbundled, parseDocument: unbundled, stringify: unbundled };\n`,
  'thread-stream': `${unbundled('pino transports (thread-stream)', 'the functions log JSON lines to stdout, without a transport')}module.exports = function ThreadStream() { unbundled(); };\n`,
  '@fastify/proxy-addr': `${unbundled('@fastify/proxy-addr', 'the app does not set Fastify’s trustProxy option')}module.exports = { all: unbundled, compile: unbundled };\n`,
  'safe-regex2': `${unbundled('safe-regex2', 'no route of the API has a regex parameter; only find-my-way’s own regexes are known safe')}const own = new Set(${JSON.stringify(FIND_MY_WAY_OWN_REGEXPS)});\nmodule.exports = (re) => own.has(re instanceof RegExp ? re.source : String(re)) || unbundled();\n`,
  debug: "'use strict';\nfunction off() {}\noff.enabled = false;\noff.extend = () => off;\nfunction createDebug() { return off; }\ncreateDebug.enable = () => {};\ncreateDebug.disable = () => '';\ncreateDebug.enabled = () => false;\nmodule.exports = createDebug;\n",
};

const stubs = {
  name: 'unbundled-stubs',
  setup(build) {
    const names = Object.keys(STUBS).map((n) => n.replace(/[/\\^$*+?.()|[\]{}-]/g, '\\$&'));
    build.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({ path: args.path, namespace: 'unbundled' }));
    build.onLoad({ filter: /.*/, namespace: 'unbundled' }, (args) => ({ contents: STUBS[args.path], loader: 'js' }));
  },
};

/**
 * undici, as far as the controller uses it:
 * - `import ... from 'undici'` resolves to the slim entry (deploy/undici-slim.cjs): see that file;
 * - the HTTP/1 client compiles one of two builds of its llhttp parser (WebAssembly, about 70 KB
 *   each as base64): with SIMD, and without as the fallback. Both requires resolve to the build
 *   without SIMD, which every WebAssembly runtime runs, so the bundle carries it once (health
 *   probes and webhooks do not need the faster parser);
 * - the HTTP/1 and HTTP/2 clients require fetch's body extraction (webidl, FormData parsing, about
 *   40 KB) only when a request body is a FormData; the controller never sends one.
 */
const undiciSlim = {
  name: 'undici-slim',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: path.join(__dirname, 'undici-slim.cjs') }));
    build.onResolve({ filter: /\/llhttp\/llhttp_simd-wasm\.js$/ }, (args) => ({ path: path.join(args.resolveDir, args.path.replace('llhttp_simd-wasm.js', 'llhttp-wasm.js')) }));
    build.onResolve({ filter: /\/web\/fetch\/body\.js$/ }, (args) =>
      /[\\/]undici[\\/]lib[\\/]dispatcher$/.test(args.resolveDir) ? { path: 'undici/lib/web/fetch/body.js', namespace: 'undici-slim' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'undici-slim' }, () => ({
      contents: `${unbundled('undici’s FormData body encoding', 'the controller never sends a FormData body')}module.exports = { extractBody: unbundled };\n`,
      loader: 'js',
    }));
  },
};

/**
 * The AWS SDK's default credential chain, cut to its first link, the
 * environment. On Lambda that is where the chain finds the function role's
 * credentials (Lambda sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN); the other links (SSO, shared ini files,
 * credential_process, web identity, container and instance metadata) bring
 * the STS, SSO and sign-in clients along, about 105 KB per bundle that a
 * function never runs. Without credentials in the environment a call fails
 * with the SDK's "Unable to find environment variable credentials".
 */
const envCredentials = {
  name: 'env-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: 'credential-provider-node', namespace: 'env-credentials' }));
    build.onLoad({ filter: /.*/, namespace: 'env-credentials' }, () => ({
      contents: "export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';\n",
      resolveDir: path.join(__dirname, '..'),
      loader: 'js',
    }));
  },
};

/**
 * The SDK clients' schemas (dist-es/schemas/schemas_0.js: one array per
 * operation and structure of the service) name their traits with computed
 * keys of the file's own string constants (`{ [_h]: ["POST", "/path", 200] }`,
 * where `const _h = "http"`). esbuild treats a computed key as a possible side
 * effect, so it keeps every such schema, and the constants they name, even in
 * a bundle that sends one command: the schemas of all 80-odd Lambda
 * operations for an Invoke. The keys are written out as the string literals
 * they are (`{ "http": ... }`: the same object), and the schemas nothing
 * reaches are left out like any unused code: about 40 KB less of the Lambda
 * client, 25 KB of Route 53's. Error schemas stay: each client registers all
 * of its errors at load (their classes and schemas are what the adapters'
 * error translation sees).
 */
const sdkSchemaKeys = {
  name: 'sdk-schema-keys',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
      const source = await fs.readFile(args.path, 'utf8');
      return { contents: literalSchemaKeys(source), loader: 'js' };
    });
  },
};

/** `[_x]:` written as the string constant `_x` of the file (`const _x = "...";`); other computed keys as they are. */
function literalSchemaKeys(source) {
  const constants = new Map([...source.matchAll(/^const (_[A-Za-z0-9]+) = ("(?:[^"\\\n]|\\.)*");$/gm)].map((m) => [m[1], m[2]]));
  return source.replace(/\[(_[A-Za-z0-9]+)\]:/g, (key, name) => (constants.has(name) ? `${constants.get(name)}:` : key));
}

/**
 * Fastify checks a plugin's `fastify` version range with semver.satisfies
 * (and, for release candidates, gt and coerce): those three of semver's own
 * function modules, instead of its index, which loads all of semver (about
 * 8 KB less). Only Fastify's plugin-utils.js is served this way; anything
 * else that requires semver gets all of it.
 */
const fastifySemver = {
  name: 'fastify-semver',
  setup(build) {
    build.onResolve({ filter: /^semver$/ }, (args) =>
      /[\\/]fastify[\\/]lib[\\/]plugin-utils\.js$/.test(args.importer) ? { path: 'semver', namespace: 'fastify-semver', pluginData: { resolveDir: path.dirname(args.importer) } } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'fastify-semver' }, (args) => ({
      contents: "module.exports = { coerce: require('semver/functions/coerce'), gt: require('semver/functions/gt'), satisfies: require('semver/functions/satisfies') };\n",
      resolveDir: args.pluginData.resolveDir,
      loader: 'js',
    }));
  },
};

/**
 * light-my-request, through which @fastify/aws-lambda hands each API Gateway
 * event to Fastify (app.inject), checks its own options with a precompiled
 * Ajv validator (about 16 KB) unless they say `validate: false`. The options
 * are built by @fastify/aws-lambda from the event, not written by hand, so the
 * functions skip that check, as `validate: false` would: the validator is one
 * that accepts everything. Only light-my-request's own `./lib/config-validator`
 * is replaced (Fastify has a file of the same name, which fills in defaults).
 */
const injectOptions = {
  name: 'inject-options',
  setup(build) {
    build.onResolve({ filter: /^\.\/lib\/config-validator$/ }, (args) =>
      /[\\/]light-my-request[\\/]index\.js$/.test(args.importer) ? { path: 'light-my-request/lib/config-validator', namespace: 'inject-options' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'inject-options' }, () => ({
      contents: "'use strict';\nfunction validate() { return true; }\nvalidate.errors = null;\nmodule.exports = validate;\nmodule.exports.default = validate;\n",
      loader: 'js',
    }));
  },
};

/**
 * The applications' own runbooks (config `applications[].runbooks.module`),
 * bundled into the functions: src/runbook/bundled-runbooks.ts, empty in the
 * sources, becomes a module that imports each module the packaged
 * configuration names, keyed by the absolute path the configuration holds,
 * which is what src/runbook/load-runbooks.ts looks up. The packaged
 * configuration is the one deploy/serverless-vars.cjs wrote in this same
 * process (FAILOVER_PACKAGED_CONFIG_PATH); without it (bench/cold-start.ts),
 * the module stays empty. A module imports the step library as
 * `failover-controller/runbooks`, which is resolved to this package's
 * sources, so the library is bundled once.
 */
const userRunbooks = {
  name: 'user-runbooks',
  setup(build) {
    // The step library the user's module imports is this package's own, whichever copy its repository installed:
    // one library in the bundle, and the engine's own error classes for the library's errors.
    build.onResolve({ filter: /^failover-controller\/runbooks$/ }, () => ({ path: path.join(__dirname, '..', 'src/runbook/library.ts') }));
    build.onLoad({ filter: /[\\/]src[\\/]runbook[\\/]bundled-runbooks\.ts$/ }, async (args) => {
      const configPath = process.env.FAILOVER_PACKAGED_CONFIG_PATH;
      if (!configPath) return undefined;
      const { config } = JSON.parse(await fs.readFile(configPath, 'utf8'));
      const modules = [...new Set(config.applications.flatMap((a) => (a.runbooks ? [a.runbooks.module] : [])))];
      const imports = modules.map((m, i) => `import * as m${i} from ${JSON.stringify(m)};`);
      const map = modules.map((m, i) => `${JSON.stringify(m)}: m${i}`).join(', ');
      return { contents: `${imports.join('\n')}\nexport const bundledRunbookModules = { ${map} };\n`, loader: 'ts', resolveDir: path.dirname(args.path) };
    });
  },
};

/** esbuild options (plus serverless-esbuild's own: exclude, outputFileExtension). */
function lambdaBuildOptions() {
  return {
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    // CommonJS: V8 compiles a CommonJS bundle lazily, an ES module eagerly (measured: about 50 ms less
    // init for the same code); .cjs so that no package.json `type` can change how Lambda loads it.
    format: 'cjs',
    outputFileExtension: '.cjs',
    // The SDK's ES module builds tree-shake; its CommonJS builds do not.
    mainFields: ['module', 'main'],
    legalComments: 'none',
    sourcemap: false,
    // Everything is bundled, the AWS SDK v3 too (the runtime's copy is not the version the adapters were tested with).
    exclude: [],
    plugins: [undiciSlim, stubs, envCredentials, sdkSchemaKeys, fastifySemver, injectOptions, userRunbooks],
  };
}

module.exports = () => lambdaBuildOptions();
module.exports.lambdaBuildOptions = lambdaBuildOptions;
module.exports.literalSchemaKeys = literalSchemaKeys;
