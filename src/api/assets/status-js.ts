/**
 * The status page's script, served as /assets/status.js: plain browser
 * JavaScript, no build step, no framework. Kept in a module (not a .js file)
 * so that the Lambda bundle, which packages nothing but the bundled code,
 * serves it too; test/unit/api/pages/page-routes.test.ts checks that it
 * parses, test/e2e/status-page.browser.test.ts that it works.
 *
 * Every second while the tab is visible it reads GET /status (and, when
 * something may have changed, /decisions and /status/approvals; every ten
 * seconds /status/history) with the session cookie, and rewrites the parts
 * of the page that the server marked with `data-field`, in the same words
 * as src/api/pages/status-page.ts.
 * Data only ever goes into the page as text (textContent, attributes), never
 * as markup. No template literals below: this text is itself one.
 */
export const STATUS_JS = String.raw`(function () {
  'use strict';
  var POLL_MS = 1000;
  var HISTORY_EVERY_POLLS = 10;
  var DECISIONS_SHOWN = 10;

  var main = document.querySelector('main[data-api-url]');
  if (!main) return;
  var apiUrl = main.getAttribute('data-api-url') || '';
  var polls = 0;
  var lastDecisionKey = {};
  var approvalsShown = false;

  // --- formatting: the same as src/api/pages/page-format.ts ---
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function clockTime(ms) { return new Date(ms).toISOString().slice(11, 19) + 'Z'; }
  function dateTime(ms) { var iso = new Date(ms).toISOString(); return iso.slice(0, 10) + ' ' + iso.slice(11, 19) + 'Z'; }
  function duration(ms) {
    var v = Math.max(0, ms);
    if (v < 1000) return Math.round(v) + ' ms';
    if (v < 60000) return (v / 1000).toFixed(1) + ' s';
    var s = Math.round(v / 1000);
    if (s < 3600) return Math.floor(s / 60) + ' min ' + pad(s % 60) + ' s';
    var m = Math.round(s / 60);
    return Math.floor(m / 60) + ' h ' + pad(m % 60) + ' min';
  }
  function percent(v, decimals) { return v === null || v === undefined || !isFinite(v) ? 'n/a' : v.toFixed(decimals) + ' %'; }

  // --- DOM helpers: text and attributes only ---
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { if (attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, String(attrs[k])); });
    (children || []).forEach(function (c) { if (c !== undefined && c !== null && c !== false) node.append(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }
  function field(root, name) { return root.querySelector('[data-field="' + name + '"]'); }
  function setText(node, text) { if (node && node.textContent !== text) node.textContent = text; }
  function setClass(node, value) { if (node && node.className !== value) node.className = value; }
  function byData(selector, attr, value) {
    var found = null;
    document.querySelectorAll(selector).forEach(function (n) { if (n.getAttribute(attr) === value) found = n; });
    return found;
  }
  function within(root, selector, attr, value) {
    var found = null;
    root.querySelectorAll(selector).forEach(function (n) { if (n.getAttribute(attr) === value) found = n; });
    return found;
  }
  function fill(node, children) { if (node) node.replaceChildren.apply(node, children); }

  // --- the parts of an application's section ---
  function decisionLine(d) {
    if (!d) return [el('span', { class: 'muted' }, ['No decision yet: the first probe round has not been judged.'])];
    return [el('span', { class: 'action action-' + d.action + (d.attention ? ' attention' : '') }, [d.action]), ' ' + d.reason + ' ', el('time', { class: 'muted' }, [clockTime(d.at)])];
  }

  function approvalCommands(a) {
    return [
      'FAILOVER_URL=' + apiUrl + ' failover approve ' + a.runId + ' --step ' + a.stepId + ' --comment "why"',
      'FAILOVER_URL=' + apiUrl + ' failover approve ' + a.runId + ' --step ' + a.stepId + ' --reject',
      'curl -X POST ' + apiUrl + '/runs/' + a.runId + '/approve -H "Authorization: Bearer $FAILOVER_TOKEN" -H \'content-type: application/json\' -d \'{"stepId":"' + a.stepId + '"}\''
    ].join('\n');
  }

  function approvalsBlock(list) {
    if (list.length === 0) return [];
    return [el('h3', null, ['Waiting for approval']), el('ul', { class: 'approval-list' }, list.map(function (a) {
      var deadline = a.deadline !== undefined ? '; ' + (a.onTimeout === 'proceed' ? 'proceeds' : 'fails') + ' without an answer at ' + clockTime(a.deadline) : '';
      return el('li', { class: 'approval', 'data-run': a.runId, 'data-step': a.stepId }, [
        el('p', null, [el('strong', null, [a.kind + ' ' + a.from + ' \u2192 ' + a.to]), ', run ', el('code', null, [a.runId]), ', waits at ', el('em', null, [a.stepTitle]), ' (', el('code', null, [a.stepId]), ') since ' + clockTime(a.requestedAt) + deadline + '.']),
        el('p', { class: 'approval-reason' }, [a.reason]),
        el('p', { class: 'muted' }, ["Approve (an approver's token) or reject with:"]),
        el('pre', { class: 'command' }, [approvalCommands(a)])
      ]);
    }))];
  }

  function runBlock(run, now) {
    if (!run) return [el('p', { class: 'muted' }, ['No failover or failback has run yet.'])];
    var done = run.steps.filter(function (s) { return s.status === 'succeeded' || s.status === 'skipped'; }).length;
    var took = (run.finishedAt !== undefined ? run.finishedAt : now) - run.createdAt;
    return [el('div', { class: 'run run-' + run.status, 'data-run-id': run.id }, [
      el('p', { class: 'run-title' }, [
        el('strong', null, [run.kind + ' ' + run.from + ' \u2192 ' + run.to]), ' ',
        el('span', { class: 'status status-' + run.status, 'data-field': 'run-status' }, [run.status]), ' ',
        el('span', { class: 'muted' }, [run.trigger + ', run ', el('code', null, [run.id]), ', started ' + dateTime(run.createdAt) + ', ' + (run.finishedAt !== undefined ? 'took' : 'for') + ' ' + duration(took)])
      ]),
      el('p', { class: 'run-reason' }, [run.reason]),
      el('p', { class: 'run-progress' }, [el('progress', { max: run.steps.length, value: done }), ' ', el('span', { 'data-field': 'run-progress' }, [done + ' of ' + run.steps.length + ' steps done'])]),
      el('ol', { class: 'steps' }, run.steps.map(function (s) {
        var stepTook = s.startedAt !== undefined ? duration((s.finishedAt !== undefined ? s.finishedAt : now) - s.startedAt) : '';
        return el('li', { class: 'step step-' + s.status, 'data-step': s.id }, [
          el('span', { class: 'step-status' }, [s.status]), ' ', el('span', { class: 'step-title' }, [s.title]), ' ', el('span', { class: 'step-time muted' }, [stepTook]),
          s.message ? el('div', { class: 'step-message' }, [s.message]) : null
        ]);
      })),
      run.error ? el('p', { class: 'run-error' }, [run.error]) : null,
      run.attention ? el('p', { class: 'run-attention', role: 'alert' }, [el('strong', null, ['Operator action needed:']), ' ' + run.attention]) : null
    ])];
  }

  function availabilityBlock(av) {
    if (!av || !av.windows || av.windows.length === 0) return [el('p', { class: 'muted' }, ['Not measured yet.'])];
    var head = el('thead', null, [el('tr', null, ['Window', 'Availability', 'Target', 'Downtime', 'Error budget left'].map(function (h) { return el('th', { scope: 'col' }, [h]); }))]);
    var rows = av.windows.map(function (w) {
      return el('tr', { class: w.met ? 'met' : 'missed', 'data-window': w.window }, [
        el('th', { scope: 'row' }, [w.window]),
        el('td', null, [percent(w.availabilityPercent, 4)]),
        el('td', null, [percent(w.targetPercent, 2)]),
        el('td', null, [duration(w.downMs) + ' of ' + duration(w.allowedDownMs) + ' allowed']),
        el('td', null, [w.budgetLeftMs >= 0 ? duration(w.budgetLeftMs) + ' (' + percent(w.budgetLeftPercent, 2) + ')' : 'none: over by ' + duration(-w.budgetLeftMs)])
      ]);
    });
    return [el('table', { class: 'availability' }, [head, el('tbody', null, rows)])];
  }

  function decisionItems(list) {
    if (list.length === 0) return [el('li', { class: 'muted' }, ['None recorded yet.'])];
    return list.map(function (d) {
      return el('li', null, [el('time', null, [dateTime(d.at)]), ' ', el('span', { class: 'action action-' + d.action + (d.action === 'hold' && d.attention ? ' attention' : '') }, [d.action]), ' ' + d.reason]);
    });
  }

  function bucketTitle(b) {
    var at = clockTime(b.start).slice(0, 5) + 'Z: ';
    return b.state === 'none' ? at + 'no rounds' : at + b.ok + ' ok' + (b.failed > 0 ? ', ' + b.failed + ' failed' : '');
  }

  function updateApp(section, app, now) {
    setText(field(section, 'active-region'), app.activeRegion);
    setText(field(section, 'primary-note'), app.activeRegion === app.primaryRegion ? '(the primary)' : '(the primary is ' + app.primaryRegion + ')');
    fill(field(section, 'decision'), decisionLine(app.decision));
    app.regions.forEach(function (r) {
      var row = within(section, 'tr[data-region]', 'data-region', r.name);
      if (!row) return;
      setClass(row, 'role-' + r.role);
      setText(field(row, 'role'), r.role);
      var state = field(row, 'state');
      setText(state, r.state);
      setClass(state, 'state state-' + r.state);
      setText(field(row, 'sentence'), r.sentence);
    });
    var run = app.currentRun || app.lastRun;
    setText(field(section, 'run-heading'), !run ? 'Runs' : run.status === 'running' ? 'Current run' : 'Last run');
    fill(field(section, 'run'), runBlock(run, now));
    fill(field(section, 'availability'), availabilityBlock(app.availability));
  }

  function updateHistory(report) {
    report.applications.forEach(function (h) {
      var section = byData('section[data-app]', 'data-app', h.app);
      if (!section) return;
      h.regions.forEach(function (r) {
        var row = within(section, 'tr[data-region]', 'data-region', r.region);
        if (row) fill(field(row, 'history'), r.buckets.map(function (b) { return el('span', { class: 'cell cell-' + b.state, title: bucketTitle(b) }); }));
      });
    });
  }

  function Expired() {}

  async function getJson(path) {
    var res = await fetch(path, { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } });
    if (res.status === 401) throw new Expired();
    if (!res.ok) throw new Error(path + ': HTTP ' + res.status);
    return res.json();
  }

  function connection(state) {
    var node = field(document, 'connection');
    if (!node) return;
    if (state === 'ok') { setClass(node, 'connection'); fill(node, []); return; }
    setClass(node, 'connection lost');
    if (state === 'expired') fill(node, ['Your session has ended: ', el('a', { href: '/login?from=expired' }, ['sign in again']), '.']);
    else setText(node, 'Connection to the controller lost; retrying\u2026');
  }

  async function poll() {
    polls++;
    var status = await getJson('/status');
    setText(field(document, 'updated'), 'as of ' + clockTime(status.now));
    var running = false;
    for (var i = 0; i < status.applications.length; i++) {
      var app = status.applications[i];
      var section = byData('section[data-app]', 'data-app', app.name);
      if (!section) continue;
      updateApp(section, app, status.now);
      if (app.currentRun) running = true;
      // The decision list grows only when the policy changes its mind (a new action or reason).
      var key = app.decision ? app.decision.action + '|' + app.decision.reason : '';
      if (lastDecisionKey[app.name] !== key) {
        var decisions = await getJson('/decisions?limit=' + DECISIONS_SHOWN + '&app=' + encodeURIComponent(app.name));
        fill(field(section, 'decisions'), decisionItems(decisions.decisions));
        lastDecisionKey[app.name] = key;
      }
    }
    if (running || approvalsShown) {
      var approvals = (await getJson('/status/approvals')).approvals;
      approvalsShown = approvals.length > 0;
      document.querySelectorAll('section[data-app]').forEach(function (section) {
        var name = section.getAttribute('data-app');
        fill(field(section, 'approvals'), approvalsBlock(approvals.filter(function (a) { return a.app === name; })));
      });
    }
    if (polls % HISTORY_EVERY_POLLS === 0) updateHistory(await getJson('/status/history?window=1h'));
  }

  async function loop() {
    // A tab nobody looks at does not poll (a page left open overnight would cost reads for nothing).
    if (document.hidden) { setTimeout(loop, POLL_MS); return; }
    try {
      await poll();
      connection('ok');
    } catch (err) {
      if (err instanceof Expired) { connection('expired'); return; }
      connection('lost');
    }
    setTimeout(loop, POLL_MS);
  }

  approvalsShown = document.querySelector('.approval') !== null;
  setTimeout(loop, POLL_MS);
})();
`;
