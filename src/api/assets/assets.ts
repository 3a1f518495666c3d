import { createHash } from 'node:crypto';
import { DRILL_REPORT_CSS } from './drill-report-css.js';
import { STATUS_CSS } from './status-css.js';
import { STATUS_JS } from './status-js.js';

/** A static file of the pages, with what it is served as. */
export interface Asset {
  body: string;
  contentType: string;
  /** Short hash of the body: the version in the page's links and the ETag. */
  version: string;
}

function asset(body: string, contentType: string): Asset {
  return { body, contentType, version: createHash('sha256').update(body).digest('hex').slice(0, 12) };
}

/** The files under /assets/, by name. */
export const ASSETS: Readonly<Record<string, Asset>> = {
  'status.js': asset(STATUS_JS, 'text/javascript; charset=utf-8'),
  'status.css': asset(STATUS_CSS, 'text/css; charset=utf-8'),
  'drill-report.css': asset(DRILL_REPORT_CSS, 'text/css; charset=utf-8'),
};

/**
 * The URL a page links an asset with: versioned by its content, so a
 * browser may keep it for long and still never runs yesterday's script
 * against today's page.
 */
export function assetUrl(name: keyof typeof ASSETS & string): string {
  const found = ASSETS[name];
  if (!found) throw new Error(`no asset ${name}`);
  return `/assets/${name}?v=${found.version}`;
}
