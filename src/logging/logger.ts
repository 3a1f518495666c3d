import { pino, type Logger } from 'pino';

/**
 * The one logger. Readable lines on a terminal (pino-pretty), JSON otherwise
 * (files, Lambda, CI). Level from LOG_LEVEL, default info.
 */
export function createLogger(options: { pretty?: boolean; level?: string } = {}): Logger {
  const level = options.level ?? process.env['LOG_LEVEL'] ?? 'info';
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  if (!pretty) return pino({ level, base: { service: 'failover-controller' } });
  return pino({
    level,
    base: undefined,
    transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } },
  });
}
