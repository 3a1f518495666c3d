import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../../..');
const { lambdaBuildOptions } = require('../../../deploy/esbuild.config.cjs') as { lambdaBuildOptions: () => Record<string, unknown> };
// serverless-esbuild's own options, not esbuild's.
const { exclude: _exclude, outputFileExtension: _ext, ...options } = lambdaBuildOptions();

/** Build with the Lambda settings (deploy/esbuild.config.cjs); the inputs with code in the bundle, by path. */
async function build(entry: esbuild.BuildOptions, outfile: string): Promise<string[]> {
  const result = await esbuild.build({ ...(options as esbuild.BuildOptions), ...entry, outfile, metafile: true, logLevel: 'error', absWorkingDir: ROOT });
  const output = Object.values(result.metafile.outputs)[0]!;
  return Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
}

/**
 * What deploy/esbuild.config.cjs and the handlers' compositions keep out of
 * the Lambda bundles (BENCHMARKS.md, "Reading the cold-start figures"): a
 * change that brings one back shows up here, not only as a bigger number.
 */
describe('the Lambda bundles', () => {
  let dir: string;
  const inputs: Record<string, string[]> = {};
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lambda-bundles-'));
    for (const fn of ['probe', 'api', 'runbook']) inputs[fn] = await build({ entryPoints: [join(ROOT, `src/handlers/${fn}.ts`)] }, join(dir, `${fn}.cjs`));
  }, 60_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const has = (fn: string, pattern: RegExp) => inputs[fn]!.filter((p) => pattern.test(p));

  it('read the packaged JSON configuration: no YAML parser, no config validator', () => {
    for (const fn of ['probe', 'api', 'runbook']) {
      expect(has(fn, /node_modules\/yaml\/|src\/config\/(load-config|schema|semantic-checks)\.ts/), fn).toEqual([]);
      expect(has(fn, /src\/config\/packaged-config\.ts/), fn).toHaveLength(1);
    }
    // The API validates requests with TypeBox; the probe and the worker have no use for it.
    expect(has('probe', /node_modules\/typebox\//)).toEqual([]);
    expect(has('runbook', /node_modules\/typebox\//)).toEqual([]);
  });

  /** The AWS SDK clients with code in a bundle. */
  const clients = (fn: string) => [...new Set(inputs[fn]!.flatMap((p) => /@aws-sdk\/client-([a-z0-9-]+)\//.exec(p)?.[1] ?? []))].sort();

  it('carry the SDK clients of their role: Route 53 (and SNS, to notify) for the probe, no Lambda client in the worker, SNS only in the probe', () => {
    expect(clients('probe')).toEqual(['dynamodb', 'lambda', 'route-53', 'sns']);
    expect(clients('api')).toEqual(['auto-scaling', 'cloudwatch', 'dynamodb', 'lambda', 'rds', 'route-53']);
    expect(clients('runbook')).toEqual(['auto-scaling', 'cloudwatch', 'dynamodb', 'rds', 'route-53']);
  });

  it('take credentials from the environment only, and carry the slim undici without fetch and with one llhttp build', () => {
    for (const fn of ['probe', 'api', 'runbook']) {
      expect(has(fn, /@aws-sdk\/(nested-clients|credential-provider-(node|ini|sso|process|web-identity|http|login))\//), fn).toEqual([]);
      expect(has(fn, /node_modules\/undici\/(index\.js|lib\/web\/|lib\/llhttp\/llhttp_simd-wasm\.js)/), fn).toEqual([]);
      expect(has(fn, /node_modules\/undici\/lib\/llhttp\/llhttp-wasm\.js$/), fn).toHaveLength(1);
    }
  });

  it('leave Ajv and fast-json-stringify’s compiler out of the API', () => {
    expect(has('api', /node_modules\/(ajv|ajv-formats|@fastify\/ajv-compiler|@fastify\/fast-json-stringify-compiler)\//)).toEqual([]);
  });

  it('build a Fastify app that validates with TypeBox; a response schema would fail at ready(), saying why', async () => {
    const bundle = join(dir, 'fastify-app.cjs');
    const contents = `
      import Fastify from 'fastify';
      import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
      export async function answer(responseSchema: boolean): Promise<string> {
        const app = Fastify();
        app.setValidatorCompiler(TypeBoxValidatorCompiler);
        app.get('/x', responseSchema ? { schema: { response: { 200: { type: 'object' } } } } : {}, async () => ({ a: 1 }));
        await app.ready();
        return (await app.inject({ url: '/x' })).body;
      }`;
    await build({ stdin: { contents, resolveDir: ROOT, loader: 'ts' } }, bundle);
    const script = `const { answer } = require(${JSON.stringify(bundle)});
      (async () => {
        const plain = await answer(false);
        const withSchema = await answer(true).catch((err) => err.message);
        process.stdout.write(JSON.stringify([plain, withSchema]));
      })();`;
    const { stdout } = await run(process.execPath, ['-e', script], { timeout: 30_000 });
    const [plain, withSchema] = JSON.parse(stdout) as [string, string];
    expect(plain).toBe('{"a":1}');
    expect(withSchema).toContain('fast-json-stringify (Fastify’s response serializer compiler) is not in the Lambda bundle (deploy/esbuild.config.cjs)');
  }, 60_000);

  it('probe over HTTP with the bundled undici: the llhttp build without SIMD parses the answer and its body', async () => {
    const bundle = join(dir, 'http-prober.cjs');
    await build({ stdin: { contents: "export { HttpProber } from './src/probes/http-prober.ts';", resolveDir: ROOT, loader: 'ts' } }, bundle);
    const script = `
      const { createServer } = require('node:http');
      const { HttpProber } = require(${JSON.stringify(bundle)});
      const server = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('status: ' + 'x'.repeat(20000) + ' all good'));
      server.listen(0, '127.0.0.1', async () => {
        const url = 'http://127.0.0.1:' + server.address().port + '/health';
        const prober = new HttpProber({ clock: { now: () => Date.now() } });
        const results = await prober.round([
          { url, method: 'GET', expectStatus: 200, timeoutMs: 2000, bodyMatch: 'all good' },
          { url, method: 'HEAD', expectStatus: 204, timeoutMs: 2000 },
        ]);
        await prober.close();
        server.close();
        process.stdout.write(JSON.stringify(results.map((r) => [r.ok, r.status, r.error ?? null])));
      });`;
    const { stdout } = await run(process.execPath, ['-e', script], { timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual([
      [true, 200, null],
      [false, 200, 'status'],
    ]);
  }, 60_000);
});
