import type { FastifyInstance } from 'fastify';
import { UserInputError } from '../errors/errors.js';

/**
 * Listen on `port`, or say in one line why not: a busy or forbidden port is
 * the user's to change (PORT), not a crash with a stack trace.
 */
export async function listenOrExplain(api: FastifyInstance, port: number, host: string): Promise<string> {
  try {
    return await api.listen({ port, host });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserInputError(`PORT: ${host}:${port} is already in use (another npm start?); stop that process or start with another port, e.g. PORT=${port + 1} npm start`);
    if (code === 'EACCES') throw new UserInputError(`PORT: not allowed to listen on ${host}:${port}; use a port above 1023, e.g. PORT=8080`);
    throw err;
  }
}
