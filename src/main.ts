/**
 * `npm start`: the controller, its API and the simulated world as one local
 * process. Config from `--config PATH`, FAILOVER_CONFIG, or examples/failover.yaml;
 * port from PORT (default 8080).
 */
import { parseArgs } from 'node:util';
import { systemClock } from './adapters/system-clock.js';
import { ConfigError } from './config/config-error.js';
import { loadConfig } from './config/load-config.js';
import { UserInputError } from './errors/errors.js';
import { startLocal } from './local/start-local.js';
import { ACCEPT_LOST_STATE_FLAG } from './local/state-dir.js';
import { FREEZE_ENV } from './local/freeze-points.js';
import { createLogger } from './logging/logger.js';

const EXIT_USAGE = 2;
const USAGE = `usage: npm start -- [--config failover.yaml] [${ACCEPT_LOST_STATE_FLAG}]\n`;

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: { config: { type: 'string', short: 'c' }, 'accept-lost-state': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}`);
    process.exit(EXIT_USAGE);
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}  PORT sets the API port (default 8080), FAILOVER_STATE_DIR the state directory (default .failover).\n`);
    process.stdout.write(`  ${ACCEPT_LOST_STATE_FLAG}: start even though state this directory had is gone or damaged (damaged parts are moved aside).\n`);
    return;
  }
  const configPath = args.values.config ?? process.env['FAILOVER_CONFIG'] ?? 'examples/failover.yaml';
  const port = Number(process.env['PORT'] ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`PORT: must be a port number from 0 to 65535, got "${process.env['PORT']}"\n`);
    process.exit(EXIT_USAGE);
  }

  const log = createLogger();
  let local;
  try {
    const config = await loadConfig(configPath);
    const freezeAt = process.env[FREEZE_ENV];
    local = await startLocal(config, {
      clock: systemClock,
      log,
      stateDir: process.env['FAILOVER_STATE_DIR'] || '.failover',
      port,
      acceptLostState: args.values['accept-lost-state'] === true,
      ...(freezeAt ? { freezeAt } : {}),
    });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UserInputError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(EXIT_USAGE);
    }
    throw err;
  }
  const address = local.address;
  const mode = local.world ? `simulated world: ${local.world.regions().map((r) => r.name).join(', ')}` : 'provider: aws';
  log.info(`failover-controller listening on ${address} (${mode})`);

  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await local.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

await main();
