import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../../..');
const { lambdaBuildOptions, literalSchemaKeys } = require('../../../deploy/esbuild.config.cjs') as {
  lambdaBuildOptions: () => Record<string, unknown>;
  literalSchemaKeys: (source: string) => string;
};
const FUNCTIONS = ['probe', 'api', 'runbook', 'reader'] as const;
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
    for (const fn of FUNCTIONS) inputs[fn] = await build({ entryPoints: [join(ROOT, `src/handlers/${fn}.ts`)] }, join(dir, `${fn}.cjs`));
  }, 90_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const has = (fn: string, pattern: RegExp) => inputs[fn]!.filter((p) => pattern.test(p));

  it('read the packaged JSON configuration: no YAML parser, no config validator', () => {
    for (const fn of FUNCTIONS) {
      expect(has(fn, /node_modules\/yaml\/|src\/config\/(load-config|schema|semantic-checks)\.ts/), fn).toEqual([]);
      expect(has(fn, /src\/config\/packaged-config\.ts/), fn).toHaveLength(1);
    }
    // The API validates requests with TypeBox; the other functions have no use for it.
    for (const fn of ['probe', 'runbook', 'reader']) expect(has(fn, /node_modules\/typebox\//), fn).toEqual([]);
  });

  /** The AWS SDK clients with code in a bundle. */
  const clients = (fn: string) => [...new Set(inputs[fn]!.flatMap((p) => /@aws-sdk\/client-([a-z0-9-]+)\//.exec(p)?.[1] ?? []))].sort();

  it('carry the SDK clients of their role: the API only its table and Lambda (runs to the worker, reads to the reader)', () => {
    // CloudWatch: the stack's votes of a health-checks traffic switch, every round.
    expect(clients('probe')).toEqual(['cloudwatch', 'dynamodb', 'lambda', 'route-53', 'sns']);
    expect(clients('api')).toEqual(['dynamodb', 'lambda']);
    // IAM: the worker's readiness check simulates its own role's calls; SNS: its world watch notifies.
    // ECS, ElastiCache, Lambda and SSM: the step library of user runbooks, which the worker runs and the reader plans.
    const steps = ['ecs', 'elasticache', 'lambda', 'ssm'];
    const runbook = ['auto-scaling', 'cloudwatch', 'dynamodb', 'ec2', 'iam', 'rds', 'route-53', 'route53-recovery-cluster', 'sns'];
    expect(clients('runbook')).toEqual([...runbook, ...steps].sort());
    // The reader has no table, and invokes nothing (its role has no lambda:InvokeFunction: the invoker's client is there, unused).
    const reader = ['auto-scaling', 'cloudwatch', 'ec2', 'rds', 'route-53', 'route53-recovery-cluster'];
    expect(clients('reader')).toEqual([...reader, ...steps].sort());
  });

  it('keep the prober and the cloud adapters out of the API: it reads through the reader', () => {
    expect(has('api', /node_modules\/undici\/|src\/probes\/http-prober\.ts|src\/adapters\/aws\/(route53|rds|aurora|autoscaling|replica-lag|ec2|cloud-clients|aws-providers)/)).toEqual([]);
    expect(has('api', /src\/adapters\/remote\/remote-reads\.ts|src\/adapters\/aws\/lambda-read-transport\.ts/)).toHaveLength(2);
    // Nothing but the reader answers reads, and it reads the cloud itself.
    expect(has('reader', /src\/adapters\/remote\/read-server\.ts|src\/probes\/http-prober\.ts/)).toHaveLength(2);
    expect(has('reader', /src\/adapters\/(remote\/remote-reads|aws\/lambda-read-transport|aws\/dynamodb)/)).toEqual([]);
  });

  it('take credentials from the environment only, and carry the slim undici without fetch and with one llhttp build', () => {
    for (const fn of FUNCTIONS) {
      expect(has(fn, /@aws-sdk\/(nested-clients|credential-provider-(node|ini|sso|process|web-identity|http|login))\//), fn).toEqual([]);
      expect(has(fn, /node_modules\/undici\/(index\.js|lib\/web\/|lib\/llhttp\/llhttp_simd-wasm\.js)/), fn).toEqual([]);
    }
    for (const fn of ['probe', 'runbook', 'reader']) expect(has(fn, /node_modules\/undici\/lib\/llhttp\/llhttp-wasm\.js$/), fn).toHaveLength(1);
  });

  it('log JSON lines without pino’s worker-thread transports (thread-stream)', async () => {
    for (const fn of FUNCTIONS) expect(has(fn, /node_modules\/thread-stream\//), fn).toEqual([]);
    const bundle = join(dir, 'logger.cjs');
    await build({ stdin: { contents: "export { createLogger } from './src/logging/logger.ts';", resolveDir: ROOT, loader: 'ts' } }, bundle);
    const script = `const { createLogger } = require(${JSON.stringify(bundle)});
      createLogger({ pretty: false, level: 'info' }).child({ region: 'eu-west-1' }).info({ runs: 1 }, 'composed');`;
    const { stdout } = await run(process.execPath, ['-e', script], { timeout: 30_000 });
    expect(JSON.parse(stdout)).toMatchObject({ level: 30, region: 'eu-west-1', runs: 1, msg: 'composed' });
  }, 60_000);

  it('write the SDK schemas’ computed keys out as literals, so that the schemas of operations nobody sends are left out', async () => {
    const source = ['const _h = "http";', 'const _e = "error";', 'export var Op$ = [9, n0, _O, { [_h]: ["POST", "/p", 200] }, () => A$];', 'export var E$ = [-3, n0, _E, { [_e]: _c, [other]: 1 }];'].join('\n');
    expect(literalSchemaKeys(source)).toBe(
      ['const _h = "http";', 'const _e = "error";', 'export var Op$ = [9, n0, _O, { "http": ["POST", "/p", 200] }, () => A$];', 'export var E$ = [-3, n0, _E, { "error": _c, [other]: 1 }];'].join('\n'),
    );
    // The API sends Invoke: its HTTP binding is in the bundle; that of an operation it never sends (AddLayerVersionPermission) is not.
    const api = await readFile(join(dir, 'api.cjs'), 'utf8');
    expect(api).toContain('/2015-03-31/functions/{FunctionName}/invocations');
    expect(api).not.toContain('/2018-10-31/layers/{LayerName}/versions/{VersionNumber}/policy');
  });

  it('invoke the reader with the bundled Lambda client: the answer comes back, and Lambda’s throttling is transient', async () => {
    const bundle = join(dir, 'lambda-read-transport.cjs');
    const contents = "export { LambdaReadTransport } from './src/adapters/aws/lambda-read-transport.ts'; export { TransientError } from './src/errors/errors.ts';";
    await build({ stdin: { contents, resolveDir: ROOT, loader: 'ts' } }, bundle);
    const script = `
      const { createServer } = require('node:http');
      const { LambdaReadTransport, TransientError } = require(${JSON.stringify(bundle)});
      const seen = [];
      let calls = 0;
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          seen.push([req.method, req.url, req.headers['x-amz-invocation-type'], JSON.parse(body)]);
          if (calls++ === 0) return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results: [{ ok: true, value: ['a'] }] }));
          res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' }).end(JSON.stringify({ Type: 'User', message: 'Rate Exceeded.' }));
        });
      });
      server.listen(0, '127.0.0.1', async () => {
        const transport = new LambdaReadTransport('reader', { region: 'eu-west-1', endpoint: 'http://127.0.0.1:' + server.address().port, credentials: { accessKeyId: 'AKID', secretAccessKey: 's' }, maxAttempts: 1 });
        const request = { source: 'failover-controller', reads: [{ op: 'dns.listRecords', hostedZoneId: 'Z1', name: 'a.' }] };
        const answer = await transport.read(request);
        const throttled = await transport.read(request).catch((err) => [err instanceof TransientError, err.message]);
        server.close();
        process.stdout.write(JSON.stringify({ answer, throttled, seen }));
      });`;
    const { stdout } = await run(process.execPath, ['-e', script], { timeout: 30_000 });
    const out = JSON.parse(stdout) as { answer: unknown; throttled: [boolean, string]; seen: unknown[] };
    expect(out.answer).toEqual({ results: [{ ok: true, value: ['a'] }] });
    expect(out.throttled).toEqual([true, expect.stringMatching(/^Invoke reader \(1 read\): TooManyRequestsException: Rate Exceeded/)]);
    expect(out.seen[0]).toEqual(['POST', '/2015-03-31/functions/reader/invocations', 'RequestResponse', { source: 'failover-controller', reads: [{ op: 'dns.listRecords', hostedZoneId: 'Z1', name: 'a.' }] }]);
  }, 60_000);

  it('leave Ajv and fast-json-stringify’s compiler out of the API', () => {
    expect(has('api', /node_modules\/(ajv|ajv-formats|@fastify\/ajv-compiler|@fastify\/fast-json-stringify-compiler)\//)).toEqual([]);
  });

  it('build a Fastify app that validates with TypeBox, checks plugin versions and documents itself as JSON; a response schema would fail at ready(), saying why', async () => {
    const bundle = join(dir, 'fastify-app.cjs');
    const contents = `
      import Fastify from 'fastify';
      import swagger from '@fastify/swagger';
      import fp from 'fastify-plugin';
      import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
      export async function answer(responseSchema: boolean): Promise<string> {
        const app = Fastify();
        app.setValidatorCompiler(TypeBoxValidatorCompiler);
        app.get('/x', responseSchema ? { schema: { response: { 200: { type: 'object' } } } } : {}, async () => ({ a: 1 }));
        await app.ready();
        return (await app.inject({ url: '/x' })).body;
      }
      export async function regexRoute(): Promise<string> {
        const app = Fastify();
        try {
          app.get('/r/:id(^\\d+$)', async () => 'x');
          await app.ready();
          return 'registered';
        } catch (err) {
          return (err as Error).message;
        }
      }
      export async function tooOld(): Promise<string> {
        const app = Fastify();
        return app.register(fp(async () => {}, { fastify: '4.x', name: 'old-plugin' })).ready().then(() => 'registered', (err: Error) => err.message);
      }
      export async function openApi(): Promise<[string, string]> {
        const app = Fastify();
        app.setValidatorCompiler(TypeBoxValidatorCompiler);
        await app.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 't', version: '1' } } });
        app.get('/x', { schema: { querystring: { type: 'object', properties: { n: { type: 'integer' } } } } }, async () => ({ a: 1 }));
        await app.ready();
        const json = JSON.stringify(app.swagger());
        let yaml: string;
        try {
          yaml = String(app.swagger({ yaml: true }));
        } catch (err) {
          yaml = (err as Error).message;
        }
        return [json, yaml];
      }`;
    await build({ stdin: { contents, resolveDir: ROOT, loader: 'ts' } }, bundle);
    const script = `const { answer, openApi, regexRoute, tooOld } = require(${JSON.stringify(bundle)});
      (async () => {
        const plain = await answer(false);
        const withSchema = await answer(true).catch((err) => err.message);
        const [json, yaml] = await openApi();
        const old = await tooOld();
        const regex = await regexRoute();
        process.stdout.write(JSON.stringify([plain, withSchema, json, yaml, old, regex]));
      })();`;
    const { stdout } = await run(process.execPath, ['-e', script], { timeout: 30_000 });
    const [plain, withSchema, json, yaml, old, regex] = JSON.parse(stdout) as [string, string, string, string, string, string];
    expect(plain).toBe('{"a":1}');
    expect(withSchema).toContain('fast-json-stringify (Fastify’s response serializer compiler) is not in the Lambda bundle (deploy/esbuild.config.cjs)');
    // @fastify/swagger without the YAML library: the OpenAPI document as JSON, and a YAML form that says why not.
    expect(JSON.parse(json)).toMatchObject({ openapi: '3.1.0', paths: { '/x': { get: { parameters: [{ name: 'n', in: 'query' }] } } } });
    expect(yaml).toContain('The YAML library is not in the Lambda bundle (deploy/esbuild.config.cjs)');
    // Plugins' Fastify version ranges are checked with semver's own functions (the slim semver entry): a plugin for Fastify 4 is refused.
    expect(old).toMatch(/fastify-plugin: old-plugin - expected '4\.x' fastify version, '5\.[0-9.]+' is installed/);
    expect(has('api', /node_modules\/semver\/index\.js$/)).toEqual([]);
    // Requests reach the app through light-my-request (app.inject) without its options validator, and the OpenAPI document is resolved without `debug`.
    expect(has('api', /node_modules\/(light-my-request\/lib\/config-validator\.js|debug\/|supports-color\/)/)).toEqual([]);
    expect(has('api', /node_modules\/fastify\/lib\/config-validator\.js$/)).toHaveLength(1);
    // find-my-way loads with the stub that knows its own regexes (the app above routed /x), and a regex route is refused saying why.
    expect(regex).toContain('safe-regex2 is not in the Lambda bundle (deploy/esbuild.config.cjs): no route of the API has a regex parameter');
    // Neither the regex checker nor trustProxy's address parsing is bundled.
    for (const fn of FUNCTIONS) expect(has(fn, /node_modules\/(ret|safe-regex2|ipaddr\.js|@fastify\/proxy-addr)\//), fn).toEqual([]);
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
