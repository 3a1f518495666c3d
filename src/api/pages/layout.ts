import { html, type SafeHtml } from '../html/html.js';
import { assetUrl } from '../assets/assets.js';

/**
 * The HTML document around a page: its stylesheet and, for pages that update
 * themselves, the status script. No inline script or style anywhere: the
 * CSP (`script-src 'self'; style-src 'self'`) would block them. The empty
 * icon keeps browsers from asking for /favicon.ico, which is no route.
 */
export function htmlDocument(options: { title: string; body: SafeHtml; bodyClass: string; script?: boolean }): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${options.title}</title>
<link rel="stylesheet" href="${assetUrl('status.css')}">
${options.script ? html`<script src="${assetUrl('status.js')}" defer></script>` : ''}
</head>
<body class="${options.bodyClass}">
${options.body}
</body>
</html>
`.toString();
}
