import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runbooks } from '../../runbooks/index.js';
import { MemoryStateStore } from '../../src/adapters/memory/memory-state-store.js';
import { systemClock } from '../../src/adapters/system-clock.js';
import { buildApp } from '../../src/api/build-app.js';
import { validateConfig } from '../../src/config/load-config.js';
import { Controller } from '../../src/controller/controller.js';
import { HttpProber } from '../../src/probes/http-prober.js';
import { SimWorld } from '../../src/sim/sim-world.js';
import { TEST_TOKENS, testApiConfig } from '../support/auth.js';

/** The Debian chromium package, which .ci/run installs. */
const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`status page browser test skipped: ${CHROMIUM} is missing (apt-get install -y --no-install-recommends chromium; .ci/run does this in CI)`);

/** Longest wait for anything the page should show: detection (2 rounds of 1 s) plus a failover over short simulated delays is a few seconds. */
const DEADLINE_MS = 30_000;
/** How late the page may show a finished run: it polls every second. */
const MAX_PAGE_LAG_MS = 3_000;

/**
 * The controller over the simulated world in real time, with short timings:
 * a probe round every second, two failed rounds to call a region down, and
 * a simulated cloud that promotes a database in 1.5 s, boots an instance and
 * propagates DNS in half a second: the run lasts long enough to be seen running.
 */
async function startController(): Promise<{ world: SimWorld; store: MemoryStateStore; controller: Controller; api: FastifyInstance; baseUrl: string; close(): Promise<void> }> {
  const regions = ['us-east-1', 'eu-west-1'];
  const endpoints = await Promise.all(regions.map((r) => SimWorld.endpoint(r)));
  const config = validateConfig({
    provider: 'sim',
    api: testApiConfig,
    applications: [
      {
        name: 'shop',
        policy: { probeIntervalSeconds: 1, fallThreshold: 2, riseThreshold: 2, rtoSeconds: 60, rpoSeconds: 60 },
        regions: regions.map((name, i) => ({
          name,
          probes: [{ url: endpoints[i]!.url('/health'), bodyMatch: '"status":"ok"', timeoutMs: 500 }],
          database: { engine: 'rds', instanceId: `shop-db-${name}` },
          compute: { autoScalingGroup: `shop-web-${name}`, standbyCapacity: 1, activeCapacity: 4 },
          dns: { hostedZoneId: 'Z0TEST', recordName: 'shop.example.com', type: 'CNAME', value: `shop-${name}.example.com` },
        })),
      },
    ],
  });
  const log = pino({ level: 'silent' });
  const prober = new HttpProber({ clock: systemClock, concurrency: 8 });
  const world = SimWorld.attach(config, endpoints, { clock: systemClock, delays: { promoteMs: 1_500, replicaCreateMs: 1_000, instanceBootMs: 500, dnsPropagationMs: 500 } });
  const store = new MemoryStateStore();
  const controller = new Controller({ config, clock: systemClock, store, cloud: world.providers, prober, log, runbooks });
  await controller.init();
  const api = await buildApp({ controller, store, log, world, auth: config.api });
  const address = await api.listen({ port: 0, host: '127.0.0.1' });
  controller.start();
  return {
    world,
    store,
    controller,
    api,
    baseUrl: address,
    async close() {
      await controller.stop();
      await api.close();
      await prober.close();
      await world.stop();
    },
  };
}

describe.skipIf(!hasChromium)('the status page in a real headless Chromium (skipped without /usr/bin/chromium)', () => {
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof startController>> | undefined;
  let page: Page;
  /** Page errors and console errors (a CSP violation shows up as one). */
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startController();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
    });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 30_000);

  it('signs in through the form: a wrong token is refused, a configured one opens the page', async () => {
    const base = server!.baseUrl;
    await page.goto(`${base}/`);
    expect(page.url()).toBe(`${base}/login`);
    await page.fill('#token', 'not-a-token');
    await page.click('button[type=submit]');
    await page.locator('.notice-error', { hasText: 'not one of the configured tokens' }).waitFor({ timeout: DEADLINE_MS });
    await page.fill('#token', TEST_TOKENS.viewer);
    await page.click('button[type=submit]');
    await page.waitForURL(`${base}/`, { timeout: DEADLINE_MS });
    expect(await page.locator('h1').textContent()).toBe('failover-controller');
    // The refused sign-in was a 401 on purpose; from here on nothing may fail.
    expect(errors).toEqual(['console: Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
    errors.length = 0;
  });

  it('shows both regions and us-east-1 active, and keeps their health up to date', async () => {
    const app = page.locator('section[data-app="shop"]');
    expect(await app.locator('tr[data-region] th[scope=row]').allTextContents()).toEqual(['us-east-1', 'eu-west-1']);
    expect(await app.locator('[data-field="active-region"]').textContent()).toBe('us-east-1');
    expect(await app.locator('tr[data-region] .history .cell').count()).toBe(120);
    // Judged healthy after two good rounds: the page learns it by polling, without a reload.
    for (const region of ['us-east-1', 'eu-west-1']) {
      await app.locator(`tr[data-region="${region}"] [data-field="state"]`, { hasText: /^healthy$/ }).waitFor({ timeout: DEADLINE_MS });
    }
  });

  it('shows a failover within a few seconds of it happening: eu-west-1 active and the run’s steps', async () => {
    const app = page.locator('section[data-app="shop"]');
    // Record every state of the run the page shows, to see it live and not only once it has ended.
    await page.evaluate(`window.runStates = [];
      new MutationObserver(() => {
        const status = document.querySelector('section[data-app="shop"] [data-field="run-status"]');
        const progress = document.querySelector('section[data-app="shop"] [data-field="run-progress"]');
        const state = status ? status.textContent + ': ' + progress.textContent : 'no run';
        if (window.runStates[window.runStates.length - 1] !== state) window.runStates.push(state);
      }).observe(document.body, { childList: true, subtree: true, characterData: true });`);
    const outageAt = Date.now();
    await server!.world.outage('us-east-1');

    await app.locator('[data-field="active-region"]', { hasText: /^eu-west-1$/ }).waitFor({ timeout: DEADLINE_MS });
    await app.locator('[data-field="run-status"]', { hasText: /^succeeded$/ }).waitFor({ timeout: DEADLINE_MS });
    const shownAt = Date.now();

    const [run] = await server!.store.listRuns({ app: 'shop', limit: 1 });
    expect(run).toMatchObject({ kind: 'failover', from: 'us-east-1', to: 'eu-west-1', status: 'succeeded' });
    const lagMs = shownAt - run!.finishedAt!;
    console.log(
      `status page: outage at +0 ms, run started at +${run!.createdAt - outageAt} ms, finished at +${run!.finishedAt! - outageAt} ms, shown at +${shownAt - outageAt} ms: ${lagMs} ms after the run finished`,
    );
    expect(lagMs).toBeLessThanOrEqual(MAX_PAGE_LAG_MS);

    // While it ran, the page showed it running, with its progress.
    const states = (await page.evaluate('window.runStates')) as string[];
    console.log(`status page: the run as the page showed it: ${states.join(' → ')}`);
    expect(states.some((s) => /^running: \d of 8 steps done$/.test(s))).toBe(true);
    expect(states.at(-1)).toBe('succeeded: 8 of 8 steps done');

    // The run's steps, each as it ended.
    const steps = app.locator('[data-field="run"] li.step');
    expect(await steps.evaluateAll((items) => items.map((li) => [li.getAttribute('data-step'), li.getAttribute('class')]))).toEqual(
      run!.steps.map((s) => [s.id, `step step-${s.status}`]),
    );
    expect(run!.steps.find((s) => s.id === 'switch-dns-to-standby')?.status).toBe('succeeded');
    expect(await app.locator('[data-field="run-progress"]').textContent()).toBe(`${run!.steps.length} of ${run!.steps.length} steps done`);
    expect(await app.locator('[data-field="run-heading"]').textContent()).toBe('Last run');
    expect(await app.locator('tr[data-region="us-east-1"] [data-field="role"]').textContent()).toBe('standby');
    await app.locator('[data-field="decisions"] li', { hasText: 'failover' }).first().waitFor({ timeout: DEADLINE_MS });
    expect(errors).toEqual([]);
  });
});
