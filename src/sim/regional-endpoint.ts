import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { UserInputError } from '../errors/errors.js';

/**
 * How a simulated regional endpoint behaves:
 * - `healthy`: 200 with `{"status":"ok","region":…}` on any path;
 * - `down`: nothing listens, so connections are refused;
 * - `slow`: 200, but only after `slowDelayMs`;
 * - `http503`: 503 with `{"status":"unavailable"}`;
 * - `flapping`: each request is a 503 with probability `flapFailureRatio`, else healthy.
 */
export type EndpointMode = 'healthy' | 'down' | 'slow' | 'http503' | 'flapping';

/** Options of {@link RegionalEndpoint}. */
export interface RegionalEndpointOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port to listen on; 0 (the default) picks an ephemeral port, kept across `down` periods. */
  port?: number;
  /** Delay of a response in `slow` mode, in real milliseconds. Default 10 000. */
  slowDelayMs?: number;
  /** Share of requests that fail in `flapping` mode, 0..1. Default 0.5. */
  flapFailureRatio?: number;
  /** Source of randomness for `flapping`; inject a sequence for deterministic tests. Default Math.random. */
  random?: () => number;
}

/**
 * The simulated application's endpoint in one region: a real `node:http`
 * server on loopback whose behaviour can be switched to reproduce outages,
 * so the real prober is exercised against real sockets.
 */
export class RegionalEndpoint {
  readonly region: string;
  private readonly host: string;
  private readonly slowDelayMs: number;
  private readonly flapFailureRatio: number;
  private readonly random: () => number;
  private currentMode: EndpointMode = 'healthy';
  private boundPort: number;
  private server: Server | undefined;
  private started = false;
  private served = 0;
  private readonly sockets = new Set<Socket>();
  private readonly slowTimers = new Set<NodeJS.Timeout>();
  /** Paths that answer with their own body when the endpoint is up (e.g. the replication endpoint). */
  private readonly routes = new Map<string, () => { status: number; body: object }>();
  /** Serializes start/stop/mode changes so close and re-listen never interleave. */
  private transition: Promise<void> = Promise.resolve();

  constructor(region: string, options: RegionalEndpointOptions = {}) {
    this.region = region;
    this.host = options.host ?? '127.0.0.1';
    this.boundPort = options.port ?? 0;
    this.slowDelayMs = options.slowDelayMs ?? 10_000;
    this.flapFailureRatio = options.flapFailureRatio ?? 0.5;
    this.random = options.random ?? Math.random;
  }

  /** The port the endpoint listens on (stable across `down` periods). Throws before start(). */
  get port(): number {
    if (this.boundPort === 0) throw new Error(`endpoint ${this.region} has no port yet: call start() first`);
    return this.boundPort;
  }

  /** The current mode. */
  get mode(): EndpointMode {
    return this.currentMode;
  }

  /** URL of `path` on this endpoint, e.g. `http://127.0.0.1:54321/health`. */
  url(path = '/health'): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.port}${path}`;
  }

  /**
   * Answer `path` (query ignored) with `answer()` instead of the health
   * body, in every mode that answers at all (`slow` late, `flapping` when it
   * does not fail, never `down` or `http503`).
   */
  serve(path: string, answer: () => { status: number; body: object }): void {
    this.routes.set(path, answer);
  }

  /** How many requests reached the endpoint since it was created. */
  requests(): number {
    return this.served;
  }

  /** Start listening (unless the mode is `down`, which is applied as "not listening"). */
  start(): Promise<void> {
    return this.serialize(async () => {
      if (this.started) return;
      this.started = true;
      if (this.currentMode !== 'down') await this.listen();
    });
  }

  /**
   * Switch behaviour. Entering `down` closes the listener and drops open
   * connections; leaving it listens again on the same port. Async because
   * both take a round trip through the event loop.
   */
  setMode(mode: EndpointMode): Promise<void> {
    return this.serialize(async () => {
      const previous = this.currentMode;
      this.currentMode = mode;
      if (!this.started || previous === mode) return;
      if (mode === 'down') await this.unlisten();
      else if (previous === 'down') await this.listen();
    });
  }

  /** Stop everything: pending slow responses, open connections, the listener. */
  stop(): Promise<void> {
    return this.serialize(async () => {
      this.started = false;
      await this.unlisten();
    });
  }

  private serialize(work: () => Promise<void>): Promise<void> {
    const next = this.transition.then(work);
    // A failed transition must not wedge every later one.
    this.transition = next.catch(() => undefined);
    return next;
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(this.listenError(err)));
      server.listen(this.boundPort, this.host, () => {
        server.removeAllListeners('error');
        resolve();
      });
    });
    const address = server.address();
    if (address !== null && typeof address === 'object') this.boundPort = address.port;
    this.server = server;
  }

  /** A port another process holds is the user's to free or change: say which and how, without a stack trace. */
  private listenError(err: NodeJS.ErrnoException): Error {
    const where = `${this.host}:${this.boundPort}`;
    if (err.code === 'EADDRINUSE') {
      return new UserInputError(`${this.region}: the simulated endpoint's port ${where} is taken by another process (another npm start?); stop that process, or give this region's probe URL another port in the config`);
    }
    if (err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
      return new UserInputError(`${this.region}: the simulated endpoint cannot listen on ${where} (${err.code}); give this region's probe URL another loopback port in the config`);
    }
    return err;
  }

  private async unlisten(): Promise<void> {
    for (const timer of this.slowTimers) clearTimeout(timer);
    this.slowTimers.clear();
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // close() only stops accepting; destroying sockets is what makes an
    // outage immediate and keeps tests from hanging on idle keep-alives.
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.served++;
    // Drain any request body so the connection stays well-formed.
    req.resume();
    switch (this.currentMode) {
      case 'slow':
        this.answerLater(res, req.url);
        return;
      case 'http503':
        this.unavailable(res);
        return;
      case 'flapping':
        if (this.random() < this.flapFailureRatio) this.unavailable(res);
        else this.ok(res, req.url);
        return;
      default:
        // 'healthy', and 'down' for a request that raced the listener closing.
        this.ok(res, req.url);
    }
  }

  private answerLater(res: ServerResponse, url?: string): void {
    const timer = setTimeout(() => {
      this.slowTimers.delete(timer);
      this.ok(res, url);
    }, this.slowDelayMs);
    this.slowTimers.add(timer);
    // A prober that gave up closes the socket; do not keep a timer for it.
    res.on('close', () => {
      clearTimeout(timer);
      this.slowTimers.delete(timer);
    });
  }

  private ok(res: ServerResponse, url?: string): void {
    const route = this.routes.get((url ?? '/').split('?')[0]!);
    if (route) {
      const { status, body } = route();
      this.send(res, status, body);
      return;
    }
    this.send(res, 200, { status: 'ok', region: this.region });
  }

  private unavailable(res: ServerResponse): void {
    this.send(res, 503, { status: 'unavailable' });
  }

  private send(res: ServerResponse, status: number, body: object): void {
    if (res.destroyed || res.writableEnded) return;
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      'x-region': this.region,
    });
    res.end(payload);
  }
}
