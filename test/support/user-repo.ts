import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

/** An application's repository outside the project, holding its own runbooks (examples/user-runbooks). */
export interface UserRepo {
  dir: string;
  /** Its sim config (failover.yaml). */
  configPath: string;
  /** The runbook module the config names. */
  modulePath: string;
}

/**
 * Copy examples/user-runbooks into `dir`, with failover-controller
 * "installed" in its node_modules (a link to this project, as `npm install
 * failover-controller` would put the package there), so that its
 * `import ... from 'failover-controller/runbooks'` resolves the way it does
 * in a user's repository, not through the project's own self-reference.
 */
export async function userRepo(dir: string): Promise<UserRepo> {
  await cp(join(root, 'examples/user-runbooks'), dir, { recursive: true });
  await mkdir(join(dir, 'node_modules'), { recursive: true });
  await symlink(root, join(dir, 'node_modules/failover-controller'), 'dir');
  return { dir, configPath: join(dir, 'failover.yaml'), modulePath: join(dir, 'runbooks/shop.ts') };
}

/** Rewrite the repo's config: free ports for the endpoints, 1 s rounds, fast simulated delays. */
export async function fastLocalConfig(repo: UserRepo, ports: [number, number]): Promise<void> {
  const text = (await readFile(repo.configPath, 'utf8'))
    .replace('127.0.0.1:18101', `127.0.0.1:${ports[0]}`)
    .replace('127.0.0.1:18102', `127.0.0.1:${ports[1]}`)
    .replace('probeIntervalSeconds: 2 ', 'probeIntervalSeconds: 1 ')
    .replaceAll('timeoutMs: 1000', 'timeoutMs: 500')
    .replace('simulation:\n', 'simulation:\n  delays: { promoteMs: 400, replicaCreateMs: 400, instanceBootMs: 300, dnsPropagationMs: 300, taskStartMs: 300 }\n');
  await writeFile(repo.configPath, text);
}
