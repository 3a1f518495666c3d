'use strict';
// The part of undici the controller uses (Agent, request, errors), for the
// Lambda bundles: `import ... from 'undici'` resolves here when bundling
// (deploy/esbuild-options.cjs). undici's index.js loads fetch, WebSocket,
// EventSource, the cache API, cookies and the mock agents at startup, about
// 250 KB minified that a probe never runs. `request` below is undici's own
// (index.js, makeDispatcher(api.request)), on the same internals.
const Dispatcher = require('undici/lib/dispatcher/dispatcher');
const Agent = require('undici/lib/dispatcher/agent');
const api = require('undici/lib/api');
const errors = require('undici/lib/core/errors');
const util = require('undici/lib/core/util');
const { getGlobalDispatcher, setGlobalDispatcher } = require('undici/lib/global');

Object.assign(Dispatcher.prototype, api);

function request(url, opts, handler) {
  if (typeof opts === 'function') {
    handler = opts;
    opts = null;
  }
  if (!url || (typeof url !== 'string' && typeof url !== 'object' && !(url instanceof URL))) {
    throw new errors.InvalidArgumentError('invalid url');
  }
  if (opts != null && typeof opts !== 'object') throw new errors.InvalidArgumentError('invalid opts');
  if (opts && opts.path != null) {
    if (typeof opts.path !== 'string') throw new errors.InvalidArgumentError('invalid opts.path');
    const path = opts.path.startsWith('/') ? opts.path : `/${opts.path}`;
    url = new URL(util.parseOrigin(url).origin + path);
  } else {
    if (!opts) opts = typeof url === 'object' ? url : {};
    url = util.parseURL(url);
  }
  const { agent, dispatcher = getGlobalDispatcher() } = opts;
  if (agent) throw new errors.InvalidArgumentError('unsupported opts.agent. Did you mean opts.client?');
  return api.request.call(
    dispatcher,
    { ...opts, origin: url.origin, path: url.search ? `${url.pathname}${url.search}` : url.pathname, method: opts.method || (opts.body ? 'PUT' : 'GET') },
    handler,
  );
}

module.exports = { Agent, Dispatcher, request, errors, getGlobalDispatcher, setGlobalDispatcher };
