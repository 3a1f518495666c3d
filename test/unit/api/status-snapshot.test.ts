import { describe, expect, it } from 'vitest';
import { StatusSnapshot, type StatusSource } from '../../../src/api/status-snapshot.js';
import type { ControllerStatus } from '../../../src/controller/status-view.js';

/** A controller stand-in: counts builds, and lets a test move its clock and version, or hold a build open. */
function source() {
  const s = {
    version: 0,
    time: 1_000,
    builds: 0,
    gate: undefined as Promise<void> | undefined,
    now: () => s.time,
    async status(): Promise<ControllerStatus> {
      s.builds += 1;
      const build = s.builds;
      const at = s.time;
      if (s.gate) await s.gate;
      return { provider: 'sim', vantage: 'local', now: at, applications: [{ name: `build-${build}` }] } as unknown as ControllerStatus;
    },
  };
  return s satisfies StatusSource;
}

const appName = (json: string) => (JSON.parse(json) as { applications: { name: string }[] }).applications[0]!.name;

describe('StatusSnapshot', () => {
  it('serves one build while the controller reports no change and the snapshot is younger than its age limit', async () => {
    const s = source();
    const snapshot = new StatusSnapshot(s, 1_000);
    const first = await snapshot.json();
    s.time += 999;
    expect(await snapshot.json()).toBe(first);
    expect(s.builds).toBe(1);
    s.time += 1;
    expect(appName(await snapshot.json())).toBe('build-2');
  });

  it('rebuilds as soon as the version moves, so a caller reads its own writes', async () => {
    const s = source();
    const snapshot = new StatusSnapshot(s, 1_000);
    expect(appName(await snapshot.json())).toBe('build-1');
    s.version += 1;
    expect(appName(await snapshot.json())).toBe('build-2');
    expect(appName(await snapshot.json())).toBe('build-2');
  });

  it('lets concurrent requests share one build, and says when it was built', async () => {
    const s = source();
    let open!: () => void;
    s.gate = new Promise((resolve) => (open = resolve));
    const snapshot = new StatusSnapshot(s, 1_000);
    const answers = [snapshot.json(), snapshot.json(), snapshot.json()];
    open();
    const texts = await Promise.all(answers);
    expect(s.builds).toBe(1);
    expect(new Set(texts).size).toBe(1);
    expect((JSON.parse(texts[0]!) as { now: number }).now).toBe(1_000);
  });

  it('never labels a build with a version it did not see: a change during a build makes the next request rebuild', async () => {
    const s = source();
    let open!: () => void;
    s.gate = new Promise((resolve) => (open = resolve));
    const snapshot = new StatusSnapshot(s, 1_000);
    const during = snapshot.json();
    s.version += 1;
    s.gate = undefined;
    const after = snapshot.json();
    open();
    expect(appName(await during)).toBe('build-1');
    expect(appName(await after)).toBe('build-2');
    // The older build finished last, and did not replace the newer snapshot.
    expect(appName(await snapshot.json())).toBe('build-2');
    expect(s.builds).toBe(2);
  });

  it('does not keep a failed build: the next request tries again', async () => {
    const s = source();
    const status = s.status;
    let failures = 1;
    s.status = async () => (failures-- > 0 ? Promise.reject(new Error('store down')) : status());
    const snapshot = new StatusSnapshot(s, 1_000);
    await expect(snapshot.json()).rejects.toThrow('store down');
    expect(appName(await snapshot.json())).toBe('build-1');
  });
});
