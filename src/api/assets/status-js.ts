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
        el('strong', null, [(run.kind === 'runbook' ? 'runbook ' + run.runbook : run.kind) + ' ' + run.from + ' \u2192 ' + run.to]), ' ',
        el('span', { class: 'status status-' + run.status, 'data-field': 'run-status' }, [run.status]), ' ',
        el('span', { class: 'muted' }, [run.trigger + ', run ', el('code', null, [run.id]), ', started ' + dateTime(run.createdAt) + ', ' + (run.finishedAt !== undefined ? 'took' : 'for') + ' ' + duration(took)])
      ]),
      el('p', { class: 'run-reason' }, [run.reason]),
      el('p', { class: 'run-progress' }, [el('progress', { max: run.steps.length, value: done }), ' ', el('span', { 'data-field': 'run-progress' }, [done + ' of ' + run.steps.length + ' steps done'])]),
      el('ol', { class: 'steps' }, run.steps.map(function (s) {
        var stepTook = s.startedAt !== undefined ? duration((s.finishedAt !== undefined ? s.finishedAt : now) - s.startedAt) : '';
        var message = stepMessage(s);
        var observation = s.status === 'running' && s.lastObservation ? stepObservation(s.lastObservation) : '';
        var undo = stepRollback(s.id, run.rollback);
        return el('li', { class: 'step step-' + s.status, 'data-step': s.id }, [
          el('span', { class: 'step-status' }, [stepLabel(s.status)]), ' ', el('span', { class: 'step-title' }, [s.title]), ' ', el('span', { class: 'step-time muted' }, [stepTook]),
          message ? el('div', { class: 'step-message' }, [message]) : null,
          observation ? el('div', { class: 'step-observation' }, [observation]) : null,
          undo ? el('div', { class: 'step-rollback' }, [undo]) : null
        ]);
      })),
      run.error ? el('p', { class: 'run-error' }, [run.error]) : null,
      run.rollback ? el('p', { class: 'run-rollback rollback-' + run.rollback.outcome, role: run.rollback.outcome === 'complete' ? undefined : 'alert' }, [rollbackSentence(run.rollback)]) : null,
      run.attention ? el('p', { class: 'run-attention', role: 'alert' }, [el('strong', null, ['Operator action needed:']), ' ' + run.attention]) : null
    ])];
  }

  // --- a run's steps and rollback: the same words as stepLabel, stepMessage, stepObservation, stepRollback and rollbackSentence in status-page.ts ---
  function stepLabel(status) { return status === 'skipped' ? 'already done' : status; }
  function stepMessage(s) {
    var message = s.message || '';
    return s.status === 'skipped' && message.indexOf('already done: ') === 0 ? message.slice('already done: '.length) : message;
  }
  function stepObservation(seen) { return 'last seen at ' + clockTime(seen.at) + ': ' + seen.text; }
  function stepRollback(id, rollback) {
    if (!rollback) return '';
    if (rollback.undone.indexOf(id) >= 0) return 'undone by the rollback';
    var not = rollback.notUndone.filter(function (n) { return n.step === id; })[0];
    return not ? 'not undone by the rollback: ' + not.error : '';
  }
  function rollbackSentence(rollback) {
    var undone = rollback.undone.length > 0 ? 'undone ' + rollback.undone.join(', ') : 'nothing undone';
    var notUndone = rollback.notUndone.map(function (n) { return n.step + ' (' + n.error + ')'; }).join('; ');
    if (rollback.outcome === 'complete') return rollback.undone.length > 0 ? 'Rolled back: ' + undone + '.' : 'Rolled back: the run had changed nothing to undo.';
    return 'Rollback ' + (rollback.outcome === 'partial' ? 'incomplete' : 'failed') + ': ' + undone + '; not undone: ' + notUndone + '. What was not undone stands: check the world before anything else.';
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
      var held = decisionHeld(d);
      return el('li', null, [el('time', null, [dateTime(d.at)]), ' ', el('span', { class: 'action action-' + d.action + (d.action === 'hold' && d.attention ? ' attention' : '') }, [d.action]), ' ' + d.reason, held ? ' ' : null, held ? el('span', { class: 'held muted' }, [held]) : null]);
    });
  }

  // A decision that held on is one entry whose count grows: the same words as decisionHeld in status-page.ts.
  function decisionHeld(d) {
    if (d.count === undefined || d.count < 2) return '';
    return 'held ' + d.count + ' rounds' + (d.lastAt !== undefined ? ', last at ' + clockTime(d.lastAt) : '');
  }

  function bucketTitle(b) {
    var at = clockTime(b.start).slice(0, 5) + 'Z: ';
    return b.state === 'none' ? at + 'no rounds' : at + b.ok + ' ok' + (b.failed > 0 ? ', ' + b.failed + ' failed' : '');
  }

  // --- attention banners and the readiness panel: the same words as src/api/pages/attention-blocks.ts ---
  var BANNER_LABELS = { down: 'Application down', operator: 'Operator needed', drift: 'Drift', readiness: 'Not ready', drill: 'Drill in progress' };
  function attentionBlock(items) {
    return (items || []).map(function (item) {
      return el('div', { class: 'banner banner-' + item.kind + ' severity-' + item.severity, 'data-kind': item.kind, role: item.severity === 'critical' ? 'alert' : 'status' }, [
        el('p', { class: 'banner-title' }, [el('strong', null, [BANNER_LABELS[item.kind] || item.kind]), ' ' + item.title]),
        item.details.length > 0 ? el('ul', { class: 'banner-details' }, item.details.map(function (d) { return el('li', null, [d]); })) : null,
        item.commands.length > 0 ? el('pre', { class: 'command' }, [item.commands.join('\n')]) : null,
        item.link ? el('p', null, [el('a', { href: item.link.href }, [item.link.text])]) : null
      ]);
    });
  }
  function readinessWhen(r) {
    return 'Evaluated ' + (r.readinessAt !== undefined ? clockTime(r.readinessAt) : 'never') + '; drift checked ' + (r.driftAt !== undefined ? clockTime(r.driftAt) : 'never');
  }
  function readinessPanel(r) {
    if (!r || r.readinessAt === undefined) return [el('p', { class: 'muted' }, ['Not evaluated yet: the first evaluation runs within a round of the start.'])];
    var head = el('thead', null, [el('tr', null, ['Region', 'Check', 'Status', 'Finding'].map(function (h) { return el('th', { scope: 'col' }, [h]); }))]);
    var rows = r.checks.map(function (c) {
      return el('tr', { class: 'check check-' + c.status, 'data-check': c.id, 'data-check-region': c.region }, [
        el('td', null, [c.region]), el('td', null, [el('code', null, [c.id])]),
        el('td', null, [el('span', { class: 'check-status check-status-' + c.status }, [c.status])]),
        el('td', null, [c.sentence, c.status !== 'ok' && c.fix ? el('div', { class: 'fix' }, ['Fix: ' + c.fix]) : null])
      ]);
    });
    return [el('p', { class: 'muted' }, [readinessWhen(r)]), el('table', { class: 'readiness' }, [head, el('tbody', null, rows)])];
  }

  function updateApp(section, app, now) {
    fill(field(section, 'attention'), attentionBlock(app.attention));
    fill(field(section, 'readiness'), readinessPanel(app.readiness));
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
      // Read again after every judged round (a new decision, or the count of the one held on), not every poll.
      var key = app.decision ? app.decision.action + '|' + app.decision.reason + '|' + app.decision.at : '';
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
