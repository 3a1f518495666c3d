import { html } from '../html/html.js';
import { htmlDocument } from './layout.js';

/** Why the sign-in form is shown: first visit, a wrong token, a session no longer valid, signed out, or token sign-in off. */
export type LoginNotice = 'none' | 'wrong-token' | 'expired' | 'signed-out' | 'iam';

const NOTICES: Record<Exclude<LoginNotice, 'none'>, { text: string; kind: 'error' | 'info' }> = {
  'wrong-token': { text: 'That token is not one of the configured tokens. Check it and try again.', kind: 'error' },
  expired: { text: 'Your session has ended (it expired, you signed out elsewhere, or its token was changed). Sign in again.', kind: 'error' },
  'signed-out': { text: 'You are signed out.', kind: 'info' },
  iam: { text: 'This API uses IAM authentication (SigV4 through API Gateway): token sign-in is off.', kind: 'error' },
};

/**
 * The sign-in page: one password field for an API token. Any configured
 * token may read the status page; signing in starts a session whose id is
 * kept in an HttpOnly cookie that only ever reads (changes need the token as
 * a bearer header).
 */
export function renderLoginPage(notice: LoginNotice = 'none'): string {
  const shown = notice === 'none' ? undefined : NOTICES[notice];
  const body = html`<main class="login">
<h1>failover-controller</h1>
${shown ? html`<p class="notice notice-${shown.kind}" role="alert">${shown.text}</p>` : ''}
<form method="post" action="/login" class="login-form">
<label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required maxlength="4096" autofocus>
<button type="submit">Sign in</button>
</form>
<p class="muted">Any configured token can read this page. With <code>npm start</code>, the token is in <code>.failover/api-token</code> (or <code>$FAILOVER_STATE_DIR/api-token</code>).</p>
</main>`;
  return htmlDocument({ title: 'failover-controller: sign in', body, bodyClass: 'login-page' });
}
