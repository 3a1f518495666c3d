import type { FastifyInstance } from 'fastify';

/** What `GET /metrics` serves: one scrape of the process's registry (PromMetrics.scrape). */
export type MetricsScrape = () => Promise<{ contentType: string; body: string }>;

/**
 * GET /metrics: the controller's metrics in Prometheus's text format, for a
 * Prometheus server to scrape with a viewer's token (`authorization:
 * credentials_file` in its scrape config). Local mode only: on Lambda each
 * container would show its own counters, so the functions write CloudWatch
 * EMF instead.
 */
export function registerMetricsRoutes(app: FastifyInstance, scrape: MetricsScrape): void {
  app.get('/metrics', { config: { auth: 'viewer' } }, async (_request, reply) => {
    const { contentType, body } = await scrape();
    return reply.type(contentType).header('cache-control', 'no-store').send(body);
  });
}
