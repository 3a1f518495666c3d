import swaggerUi from '@fastify/swagger-ui';
import type { DocsUi } from './openapi.js';

/**
 * The OpenAPI UI (@fastify/swagger-ui) for `npm start` and tests: the
 * document at <prefix>/json, the UI at <prefix>. Not imported by the Lambda
 * handler (its static files cannot be bundled), which serves the JSON
 * document alone.
 *
 * Swagger UI injects one <style> element at runtime, which the API's CSP
 * (`style-src 'self'`) blocks; under the prefix only, inline styles are
 * allowed. Scripts stay `'self'` only, so nothing inline can run there either.
 */
export const swaggerUiDocs: DocsUi = async (app, prefix) => {
  await app.register(swaggerUi, {
    routePrefix: prefix,
    uiConfig: { deepLinking: false, tryItOutEnabled: false },
    theme: { title: 'failover-controller API' },
    transformStaticCSP: (header) => header.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
  });
};
