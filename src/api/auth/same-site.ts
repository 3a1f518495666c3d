import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * A route hook for sign-in and sign-out: refuse (403) a request that another
 * site made a browser send. SameSite=Strict keeps the session cookie off such
 * requests, but sign-in needs no cookie: a page elsewhere could post its own
 * token and sign the browser in as someone else (login CSRF), or sign it out.
 * Browsers say where a form post comes from: `Sec-Fetch-Site`, and `Origin`,
 * which must name this host (as the Host header, or X-Forwarded-Host behind a
 * proxy: headers a cross-site form cannot set). A client that sends neither
 * (curl, a script) is no browser being used by another site, and may go on.
 */
export async function refuseCrossSite(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  const evidence = crossSiteEvidence(request);
  if (evidence === undefined) return undefined;
  const route = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
  request.log.info({ route, evidence }, 'request refused: sent by another site');
  return reply.code(403).send({ error: 'Forbidden', message: `${route} came from another site (${evidence}); sign in and out on this site's own page` });
}

/**
 * What shows that another site sent the request, or undefined when nothing
 * does. `Sec-Fetch-Site` decides where the browser sends it (every current
 * engine does): `same-origin` is our own page, and anything else but `none`
 * (typed or bookmarked) came from elsewhere. `Origin` decides only without
 * it: our own pages are served with `Referrer-Policy: no-referrer`, under
 * which Chromium sends `Origin: null` even for a same-origin form post.
 */
function crossSiteEvidence(request: FastifyRequest): string | undefined {
  const site = header(request, 'sec-fetch-site');
  if (site === 'same-origin' || site === 'none') return undefined;
  if (site !== undefined) return `Sec-Fetch-Site: ${site.slice(0, 40)}`;
  const origin = header(request, 'origin');
  if (origin === undefined) return undefined;
  const hosts = [header(request, 'host'), header(request, 'x-forwarded-host')?.split(',')[0]?.trim()];
  return hosts.some((host) => host !== undefined && sameHost(origin, host)) ? undefined : `Origin ${origin.slice(0, 200)}`;
}

/** Whether an Origin (`https://host:port`, or `null` from a sandboxed page) names this host; default ports compare equal. */
function sameHost(origin: string, host: string): boolean {
  try {
    const from = new URL(origin);
    return from.host === new URL(`${from.protocol}//${host}`).host;
  } catch {
    return false;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
