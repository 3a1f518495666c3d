import { pino, type Logger } from 'pino';

/** API credentials never reach a log line, whatever logs a request or its headers. */
const REDACT = { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', 'authorization', 'cookie'], censor: '[redacted]' };

/**
 * The one logger. Readable lines on a terminal (pino-pretty), JSON otherwise
 * (files, Lambda, CI). Level from LOG_LEVEL, default info.
 */
export function createLogger(options: { pretty?: boolean; level?: string } = {}): Logger {
  const level = options.level ?? process.env['LOG_LEVEL'] ?? 'info';
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  if (!pretty) return pino({ level, redact: REDACT, base: { service: 'failover-controller' } });
  return pino({
    level,
    redact: REDACT,
    base: undefined,
    transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } },
  });
}
