'use strict';
// The esbuild settings of the Lambda bundles, for serverless-esbuild
// (custom.esbuild.config in serverless.yml) and for bench/cold-start.ts,
// so that what is measured is what is deployed.
const path = require('node:path');

/** `import ... from 'undici'` resolves to the slim entry (deploy/undici-slim.cjs): see that file. */
const undiciSlim = {
  name: 'undici-slim',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: path.join(__dirname, 'undici-slim.cjs') }));
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
    plugins: [undiciSlim],
  };
}

module.exports = () => lambdaBuildOptions();
module.exports.lambdaBuildOptions = lambdaBuildOptions;
