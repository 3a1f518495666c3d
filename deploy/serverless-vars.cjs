'use strict';
// Values serverless.yml takes from the TypeScript sources, all derived from
// the very failover.yaml the functions are packaged from (custom.configFile):
// src/deploy/stack-values.ts validates it with loadConfig, the loader of
// local mode and the CLI (a bad file fails the packaging, not the first
// invocation), and builds
// - iam.<function>: the statements of each function's role (actions from
//   src/adapters/aws/iam-actions.ts, resources from the configuration);
// - stateTableReplicas: a replica of the state table per region of the configuration;
// - stateTableHome: the primary region of the first application (--param stateTableHome=… overrides it);
// - apiAuth: api.auth of the configuration (token or iam), which picks the API route's authorizer;
// - metricsNamespace: the CloudWatch namespace of the stage's metrics (FailoverController/<stage>),
//   given to the functions as METRICS_NAMESPACE and read by the alarms and the dashboard;
// - monitoring: { Resources, Outputs } merged into the template (serverless.yml `resources` is a list):
//   the alarms on the controller itself, the SNS topic they page through, and the CloudWatch dashboard
//   (src/deploy/stack-alarms.ts, src/deploy/stack-dashboard.ts). `--param deadMansSwitchMinutes=N`
//   sets how long the probe function may complete no round before it pages (default 3);
// - packagedConfig: the path (relative to this service) of the configuration as the functions read
//   it, written here: the validated failover.yaml, its defaults filled in, as JSON
//   (src/config/packaged-config.ts), so that the functions need neither the YAML parser nor the
//   schema validator at run time. It is packaged instead of the failover.yaml.
// The TypeScript is bundled on the fly with esbuild (a dev dependency), offline.
const Module = require('node:module');
const path = require('node:path');

let cached;

const ROOT = path.join(__dirname, '..');
/** Where the packaged configuration is written, relative to the service (gitignored). */
const PACKAGED_CONFIG_DIR = '.packaged-config';

function loadStackValues() {
  const esbuild = require('esbuild');
  const stdin = {
    contents: "export { stackValues } from './stack-values.ts';\nexport { writePackagedConfig } from './packaged-config.ts';\n",
    resolveDir: path.join(ROOT, 'src/deploy'),
    loader: 'ts',
  };
  const out = esbuild.buildSync({ stdin, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', write: false, logLevel: 'silent' });
  const filename = path.join(__dirname, 'stack-values.generated.cjs');
  const mod = new Module(filename, module);
  mod.filename = filename;
  mod.paths = Module._nodeModulePaths(__dirname);
  mod._compile(out.outputFiles[0].text, filename);
  return mod.exports;
}

/**
 * The applications' own runbooks must load and pass the plan lint before
 * they are bundled: `failover validate` checks exactly that, in a process of
 * its own (a TypeScript module imported into this one would share its
 * already loaded packages, undici among them, with the module's copies).
 */
function checkRunbooks(configFile) {
  const { spawnSync } = require('node:child_process');
  const cli = path.join(ROOT, 'src/cli/main.ts');
  const out = spawnSync(process.execPath, ['--import', 'tsx', cli, 'validate', path.resolve(ROOT, configFile)], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
  if (out.status !== 0) throw new Error((out.stderr || out.stdout || String(out.error)).replace(/^error: /, '').trim());
}

/**
 * A `--param name=value` of the command line, as a number (undefined when not given). Read from the
 * options, not through `${param:…}`: that source resolves only after this file's first use.
 */
function cliParam(options, name) {
  const item = [options.param ?? []].flat().find((p) => p.split('=')[0] === name);
  return item === undefined ? undefined : Number(item.slice(name.length + 1));
}

async function derive(resolveVariable, options) {
  const configFile = await resolveVariable('self:custom.configFile');
  const { stackValues, writePackagedConfig } = loadStackValues();
  try {
    const { config, ...values } = await stackValues({
      configPath: path.resolve(ROOT, configFile),
      stackRegion: await resolveVariable('self:provider.region'),
      tableName: await resolveVariable('self:custom.stateTable'),
      functionNames: await resolveVariable('self:custom.functionNames'),
      namePrefix: `${await resolveVariable('self:service')}-${await resolveVariable('sls:stage')}`,
      stage: await resolveVariable('sls:stage'),
      deadMansSwitchMinutes: cliParam(options, 'deadMansSwitchMinutes'),
    });
    if (config.applications.some((app) => app.runbooks)) checkRunbooks(configFile);
    const packagedConfig = `${PACKAGED_CONFIG_DIR}/${path.basename(configFile).replace(/\.(ya?ml|json)$/i, '')}.json`;
    await writePackagedConfig(path.join(ROOT, packagedConfig), config, configFile);
    // For the bundling in this same process: the applications' own runbooks go into the functions (esbuild.config.cjs).
    process.env.FAILOVER_PACKAGED_CONFIG_PATH = path.join(ROOT, packagedConfig);
    return { ...values, packagedConfig };
  } catch (err) {
    // The message names the file and every problem; a stack trace would only hide it.
    const error = new Error(`${err.message}\n(custom.configFile: the failover.yaml the functions are packaged from; set FAILOVER_CONFIG)`);
    error.stack = error.message;
    throw error;
  }
}

/** The message of the last failure, already thrown once: osls lists every variable that failed, and each would repeat it. */
let reported;

module.exports = async ({ resolveVariable, options }) => {
  cached ??= derive(resolveVariable, options).catch((err) => {
    cached = undefined;
    throw err;
  });
  try {
    return await cached;
  } catch (err) {
    if (err.message !== reported) {
      reported = err.message;
      throw err;
    }
    // The same problem for the next variable: said once, in full, at the first variable osls lists.
    const same = new Error('the same problem as above');
    same.stack = same.message;
    throw same;
  }
};
