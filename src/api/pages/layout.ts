import { html, type SafeHtml } from '../html/html.js';
import { assetUrl } from '../assets/assets.js';

/**
 * The HTML document around a page: its stylesheet and, for pages that update
 * themselves, the status script. No inline script or style anywhere: the
 * CSP (`script-src 'self'; style-src 'self'`) would block them. The empty
 * icon keeps browsers from asking for /favicon.ico, which is no route.
 */
export function htmlDocument(options: {
  title: string;
  body: SafeHtml;
  bodyClass?: string;
  script?: boolean;
  /** The page's stylesheet asset (default status.css). */
  stylesheet?: string;
  /** Reload the page every this many seconds (a meta refresh: pages that follow progress without a script). */
  refreshSeconds?: number;
}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
${options.refreshSeconds !== undefined ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}">` : ''}
<title>${options.title}</title>
<link rel="stylesheet" href="${assetUrl(options.stylesheet ?? 'status.css')}">
${options.script ? html`<script src="${assetUrl('status.js')}" defer></script>` : ''}
</head>
<body${options.bodyClass ? html` class="${options.bodyClass}"` : ''}>
${options.body}
</body>
</html>
`.toString();
}
