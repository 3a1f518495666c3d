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

/** Headless Chromium with one page, whose page errors and console errors (a CSP violation shows up as one) go to `errors`. */
async function openPage(errors: string[]): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return { browser, page };
}

describe.skipIf(!hasChromium)('the status page in a real headless Chromium (skipped without /usr/bin/chromium)', () => {
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof startController>> | undefined;
  let page: Page;
  /** Page errors and console errors (a CSP violation shows up as one). */
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startController();
    ({ browser, page } = await openPage(errors));
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

  it('counts a decision held on in its one entry, and writes a rollback and "already done" steps in the same words as the server', async () => {
    const app = page.locator('section[data-app="shop"]');
    // us-east-1 stays down after the failover: the same hold every round, one entry whose count the page keeps up to date.
    const held = app.locator('[data-field="decisions"] li .held').first();
    await held.waitFor({ timeout: DEADLINE_MS });
    const rounds = async () => Number(/^held (\d+) rounds, last at \d\d:\d\d:\d\dZ$/.exec((await held.textContent()) ?? '')?.[1]);
    const before = await rounds();
    // The page's CSP refuses a string evaluated in it: poll from here.
    await expect.poll(rounds, { timeout: DEADLINE_MS, interval: 250 }).toBeGreaterThan(before);
    expect(await app.locator('[data-field="decisions"] li').count()).toBeLessThanOrEqual(10);

    // A cancelled run whose rollback was incomplete, as the page polls it in, then as the server writes it.
    const now = Date.now();
    await server!.store.putRun({
      id: 'run-rolled-back',
      app: 'shop',
      kind: 'failback',
      runbook: 'failback',
      from: 'eu-west-1',
      to: 'us-east-1',
      trigger: 'manual',
      reason: 'browser test',
      status: 'cancelled',
      createdAt: now,
      finishedAt: now + 4_000,
      steps: [
        { id: 'freeze-writes', title: 'Freeze writes', status: 'skipped', startedAt: now, finishedAt: now + 100, message: 'already done: frozen' },
        { id: 'promote-primary-database', title: 'Promote', status: 'succeeded', startedAt: now + 100, finishedAt: now + 2_000, message: 'writer (available)' },
        { id: 'scale-up-primary-compute', title: 'Scale up', status: 'succeeded', startedAt: now + 100, finishedAt: now + 1_000, message: 'desired 4' },
        { id: 'switch-dns-to-primary', title: 'Switch DNS', status: 'pending' },
      ],
      cancelRequested: { by: 'carol', at: now + 2_500, rollback: true },
      rollback: { outcome: 'partial', undone: ['scale-up-primary-compute'], notUndone: [{ step: 'promote-primary-database', error: 'promote-primary-database cannot be undone' }] },
    });
    const run = app.locator('[data-field="run"]');
    await run.locator('[data-run-id="run-rolled-back"]').waitFor({ timeout: DEADLINE_MS });
    const shown = async () => run.evaluate((node) => [...node.querySelectorAll('*')].map((n) => `${n.tagName} ${n.getAttribute('class') ?? ''} ${n.getAttribute('role') ?? ''} ${n.childElementCount === 0 ? n.textContent : ''}`));
    const byScript = await shown();
    expect(await run.locator('.step-status').allTextContents()).toEqual(['already done', 'succeeded', 'succeeded', 'pending']);
    expect(await run.locator('.step-rollback').allTextContents()).toEqual(['not undone by the rollback: promote-primary-database cannot be undone', 'undone by the rollback']);
    expect(byScript.join('\n')).toContain('Rollback incomplete: undone scale-up-primary-compute; not undone: promote-primary-database (promote-primary-database cannot be undone).');
    await page.reload();
    await run.locator('[data-run-id="run-rolled-back"]').waitFor({ timeout: DEADLINE_MS });
    expect(await shown()).toEqual(byScript);
    expect(errors).toEqual([]);
  });
});

describe.skipIf(!hasChromium)('the status page tells on-call what to do: the drill banner, the readiness panel and the drift banner', () => {
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof startController>> | undefined;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    server = await startController();
    ({ browser, page } = await openPage(errors));
    await page.goto(`${server.baseUrl}/login`);
    await page.fill('#token', TEST_TOKENS.viewer);
    await page.click('button[type=submit]');
    await page.waitForURL(`${server.baseUrl}/`, { timeout: DEADLINE_MS });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, 30_000);

  const post = async (path: string, body: unknown) =>
    fetch(`${server!.baseUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKENS.operator}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('shows a game day in progress as a banner that links to its report, and takes it down when the drill ends', async () => {
    const app = page.locator('section[data-app="shop"]');
    for (const region of ['us-east-1', 'eu-west-1']) await app.locator(`tr[data-region="${region}"] [data-field="state"]`, { hasText: /^healthy$/ }).waitFor({ timeout: DEADLINE_MS });
    const started = await post('/drills', { mode: 'game-day', failback: false });
    expect(started.status, await started.clone().text()).toBe(202);
    const { drill } = (await started.json()) as { drill: { id: string } };
    const banner = app.locator('[data-field="attention"] .banner-drill');
    await banner.waitFor({ timeout: DEADLINE_MS });
    const title = await banner.locator('.banner-title').textContent();
    // No fault injector here (as on AWS): the game day is a manual failover, and the banner says so.
    expect(title).toMatch(new RegExp(`^Drill in progress Game day ${drill.id} in progress: shop is failed over from us-east-1 to eu-west-1 on purpose \\(stage: `));
    expect(await banner.locator('pre.command').textContent()).toContain(`failover drill --id ${drill.id} --wait`);
    expect(await banner.locator('a').getAttribute('href')).toBe(`/drills/${drill.id}/report`);
    expect(await banner.getAttribute('role')).toBe('status');
    // The drill fails over and ends (no failback): its banner goes.
    await app.locator('[data-field="active-region"]', { hasText: /^eu-west-1$/ }).waitFor({ timeout: DEADLINE_MS });
    await banner.waitFor({ state: 'detached', timeout: DEADLINE_MS });
    expect(errors).toEqual([]);
  }, 60_000);

  it('lists every readiness check with its fix, and says when one fails', async () => {
    const app = page.locator('section[data-app="shop"]');
    // The way back (us-east-1) cannot reach active capacity: MaxSize 1 of 4.
    server!.world.providers.compute.setMaxSize({ region: 'us-east-1', groupName: 'shop-web-us-east-1' }, 1);
    await server!.controller.watchWorld({ readiness: true });
    const row = app.locator('[data-field="readiness"] tr[data-check="compute-capacity"][data-check-region="us-east-1"]');
    await row.locator('.check-status', { hasText: /^failing$/ }).waitFor({ timeout: DEADLINE_MS });
    expect(await row.locator('td').nth(3).textContent()).toBe(
      'Auto Scaling group shop-web-us-east-1 has MaxSize 1, below activeCapacity 4: a failover would have to raise it in the middle of an outageFix: aws autoscaling update-auto-scaling-group --auto-scaling-group-name shop-web-us-east-1 --max-size 4 --region us-east-1',
    );
    expect(await app.locator('[data-field="readiness"] p.muted').textContent()).toMatch(/^Evaluated \d\d:\d\d:\d\dZ; drift checked \d\d:\d\d:\d\dZ$/);
    const banner = app.locator('[data-field="attention"] .banner-readiness');
    await banner.waitFor({ timeout: DEADLINE_MS });
    expect(await banner.locator('.banner-title').textContent()).toMatch(/^Not ready \d readiness check\(s\) failing \(us-east-1\): a failover or failback there would fail now$/);
    expect(await banner.locator('pre.command').textContent()).toBe('failover readiness --app shop');
    expect(errors).toEqual([]);
  }, 60_000);

  it('raises a red drift banner with the commands that settle it when DNS sends traffic where the writer is not', async () => {
    const app = page.locator('section[data-app="shop"]');
    // By hand, outside any run: the record back to us-east-1, whose database is no longer the writer.
    const [record] = (await server!.world.providers.dns.listRecords('Z0TEST', 'shop.example.com')).filter((r) => r.type === 'CNAME');
    await server!.world.providers.dns.changeRecords('Z0TEST', [{ action: 'UPSERT', record: { ...record!, values: ['shop-us-east-1.example.com'] } }], 'by hand');
    const banner = app.locator('[data-field="attention"] .banner-drift.severity-critical');
    await banner.waitFor({ timeout: DEADLINE_MS });
    expect(await banner.getAttribute('role')).toBe('alert');
    expect(await banner.locator('.banner-title').textContent()).toBe("Drift drift: DNS sends shop's traffic to us-east-1, but its only writer is in eu-west-1: writes fail or reach a read replica");
    expect(await banner.locator('pre.command').textContent()).toBe('failover plan --app shop --kind failover --to us-east-1\nfailover status --app shop');
    // The active region followed DNS within a round, and the page with it.
    await app.locator('[data-field="active-region"]', { hasText: /^us-east-1$/ }).waitFor({ timeout: DEADLINE_MS });
    // Most urgent first: the red drift, then the leftovers (the old writer, fenced since the game day's failover), then readiness.
    const order = await app.locator('[data-field="attention"] .banner').evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-kind')}:${/severity-(\w+)/.exec(n.className)?.[1]}`));
    // (How many leftovers there are depends on timing: a group still scaling after the drill is one too.)
    expect(order[0]).toBe('drift:critical');
    expect(order.at(-1)).toBe('readiness:warning');
    expect(order.slice(1, -1)).toEqual(expect.arrayContaining(['drift:warning']));
    expect(order.slice(1, -1).every((b) => b === 'drift:warning')).toBe(true);
    expect(errors).toEqual([]);
  }, 60_000);
});
