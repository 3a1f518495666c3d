'use strict';
// The part of undici the controller uses (Agent, request, errors), for the
// Lambda bundles: `import ... from 'undici'` resolves here when bundling
// (deploy/esbuild.config.cjs). undici's index.js loads fetch, WebSocket,
// EventSource, the cache API, cookies and the mock agents at startup, about
// 250 KB minified that a probe never runs. `request` below is undici's own
// (index.js, makeDispatcher(api.request)), on the same internals.
//
// Only `request` is installed on Dispatcher.prototype (undici's index installs
// stream, pipeline, upgrade and connect too): HttpProber and the webhook
// notifier call `request(url, { dispatcher })` and nothing else, so
// `agent.request()` works and the other four stay out of the bundle.
// deploy/esbuild.config.cjs also trims what undici's dispatchers require
// lazily: see `undiciSlim` there.
const Dispatcher = require('undici/lib/dispatcher/dispatcher');
const Agent = require('undici/lib/dispatcher/agent');
const apiRequest = require('undici/lib/api/api-request');
const errors = require('undici/lib/core/errors');
const util = require('undici/lib/core/util');
const { getGlobalDispatcher, setGlobalDispatcher } = require('undici/lib/global');

Dispatcher.prototype.request = apiRequest;

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
  return apiRequest.call(
    dispatcher,
    { ...opts, origin: url.origin, path: url.search ? `${url.pathname}${url.search}` : url.pathname, method: opts.method || (opts.body ? 'PUT' : 'GET') },
    handler,
  );
}

module.exports = { Agent, Dispatcher, request, errors, getGlobalDispatcher, setGlobalDispatcher };
