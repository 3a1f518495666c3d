'use strict';
// Values serverless.yml takes from the TypeScript sources, all derived from
// the very failover.yaml the functions are packaged with (custom.configFile):
// src/deploy/stack-values.ts validates it with the run-time loader (a bad
// file fails the packaging, not the first invocation) and builds
// - iam.<function>: the statements of each function's role (actions from
//   src/adapters/aws/iam-actions.ts, resources from the configuration);
// - stateTableReplicas: a replica of the state table per region of the configuration;
// - stateTableHome: the primary region of the first application (--param stateTableHome=… overrides it).
// The TypeScript is bundled on the fly with esbuild (a dev dependency), offline.
const Module = require('node:module');
const path = require('node:path');

let cached;

function loadStackValues() {
  const esbuild = require('esbuild');
  const entry = path.join(__dirname, '../src/deploy/stack-values.ts');
  const out = esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', write: false, logLevel: 'silent' });
  const filename = path.join(__dirname, 'stack-values.generated.cjs');
  const mod = new Module(filename, module);
  mod.filename = filename;
  mod.paths = Module._nodeModulePaths(__dirname);
  mod._compile(out.outputFiles[0].text, filename);
  return mod.exports.stackValues;
}

async function derive(resolveVariable) {
  const configFile = await resolveVariable('self:custom.configFile');
  const stackValues = loadStackValues();
  try {
    return await stackValues({
      configPath: path.resolve(__dirname, '..', configFile),
      stackRegion: await resolveVariable('self:provider.region'),
      tableName: await resolveVariable('self:custom.stateTable'),
      functionNames: await resolveVariable('self:custom.functionNames'),
    });
  } catch (err) {
    // The message names the file and every problem; a stack trace would only hide it.
    const error = new Error(`${err.message}\n(custom.configFile: the failover.yaml packaged with the functions; set FAILOVER_CONFIG)`);
    error.stack = error.message;
    throw error;
  }
}

module.exports = async ({ resolveVariable }) => {
  cached ??= derive(resolveVariable).catch((err) => {
    cached = undefined;
    throw err;
  });
  return cached;
};
