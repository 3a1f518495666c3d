/**
 * The pages' stylesheet, served as /assets/status.css. Kept in a module (not
 * a .css file) so that the Lambda bundle, which packages nothing but the
 * bundled code, serves it too.
 */
export const STATUS_CSS = String.raw`
:root { --ok: #1a7f37; --bad: #cf222e; --warn: #bf8700; --mute: #6e7781; --line: #d0d7de; --bg: #f6f8fa; --none: #e6e9ed; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #fff; }
header.top { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0 1.5rem; padding: .75rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--bg); }
header.top h1 { font-size: 1.15rem; margin: 0; }
header.top .meta { margin: 0; flex: 1; }
main { padding: 0 1.5rem 1.5rem; max-width: 80rem; }
footer { padding: 0 1.5rem 1.5rem; font-size: .85rem; }
h2 { font-size: 1.4rem; margin: 1.25rem 0 .5rem; }
h3 { font-size: 1rem; margin: 1.25rem 0 .4rem; }
code, pre { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
.muted { color: var(--mute); }
.connection.lost { color: var(--bad); font-weight: 600; }
.summary p { margin: .25rem 0; }
.active strong { font-size: 1.25rem; }
.action { display: inline-block; padding: 0 .4rem; border-radius: 3px; font-weight: 600; background: var(--none); }
.action-failover, .action-failback { background: #ffebe9; color: var(--bad); }
.action.attention { background: #fff8c5; color: #7d4e00; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
thead th { font-size: .85rem; color: var(--mute); font-weight: 600; }
.regions th[scope=row] { white-space: nowrap; }
tr.role-active th[scope=row]::after { content: " ●"; color: var(--ok); }
tr.role-active td[data-field=role] { font-weight: 600; }
.regions .history-col { width: 40%; }
.state { font-weight: 600; }
.state-healthy { color: var(--ok); }
.state-unhealthy { color: var(--bad); }
.state-suspect, .state-recovering { color: var(--warn); }
.state-unknown { color: var(--mute); }
.sentence { font-size: .85rem; color: var(--mute); }
.history { display: flex; gap: 1px; min-width: 15rem; }
.cell { flex: 1; height: 1.4rem; min-width: 2px; border-radius: 1px; background: var(--none); }
.cell-ok { background: var(--ok); }
.cell-failed { background: var(--bad); }
.cell-mixed { background: var(--warn); }
.run { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; }
.run-running { border-color: var(--warn); }
.run-failed, .run-cancelled { border-color: var(--bad); }
.run p { margin: .3rem 0; }
.status { font-weight: 600; }
.status-succeeded { color: var(--ok); }
.status-failed, .status-cancelled { color: var(--bad); }
.status-running { color: var(--warn); }
.run-error { color: var(--bad); }
.run-attention { margin: .5rem 0; padding: .5rem .75rem; border: 2px solid var(--bad); border-radius: 4px; background: #ffebe9; }
progress { width: 12rem; vertical-align: middle; }
ol.steps { margin: .4rem 0; padding-left: 1.5rem; }
.step { margin: .15rem 0; }
.step-status { display: inline-block; min-width: 6.5rem; font-weight: 600; }
.step-succeeded .step-status { color: var(--ok); }
.step-skipped .step-status { color: var(--mute); }
.step-running .step-status { color: var(--warn); }
.step-failed .step-status, .step-stopped .step-status { color: var(--bad); }
.step-pending { color: var(--mute); }
.step-message { font-size: .85rem; color: var(--mute); }
.step-observation { font-size: .85rem; color: var(--warn); }
.step-rollback { font-size: .85rem; color: var(--mute); font-style: italic; }
.run-rollback { margin: .5rem 0; }
.rollback-partial, .rollback-failed { padding: .5rem .75rem; border: 2px solid var(--bad); border-radius: 4px; background: #ffebe9; }
.attention:empty { display: none; }
.banner { margin: .5rem 0; padding: .5rem .75rem; border-radius: 6px; border: 2px solid var(--line); background: var(--bg); }
.banner p, .banner ul { margin: .25rem 0; }
.banner .command { margin: .35rem 0; }
.severity-critical { border-color: var(--bad); background: #ffebe9; }
.severity-warning { border-color: var(--warn); background: #fff8c5; }
.severity-info { border-color: #0969da; background: #ddf4ff; }
.banner-title strong { margin-right: .35rem; text-transform: uppercase; font-size: .85rem; }
.readiness { border-collapse: collapse; width: 100%; font-size: .9rem; }
.readiness td, .readiness th { text-align: left; padding: .2rem .4rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.check-status { font-weight: 600; }
.check-status-ok { color: var(--ok); }
.check-status-warning { color: var(--warn); }
.check-status-failing { color: var(--bad); }
.readiness .fix { font-size: .85rem; color: var(--mute); }
.approval-list { list-style: none; padding: 0; }
.approval { border: 2px solid var(--warn); border-radius: 6px; padding: .5rem .75rem; background: #fff8c5; }
.approval p { margin: .3rem 0; }
.approval-reason { font-weight: 600; }
pre.command { white-space: pre-wrap; word-break: break-all; background: #fff; border: 1px solid var(--line); padding: .5rem; margin: .3rem 0; }
.availability tr.missed td { color: var(--bad); }
ol.decisions { padding-left: 1.5rem; }
ol.decisions li { margin: .2rem 0; }
ol.decisions time { color: var(--mute); font-size: .85rem; }
.signout { margin: 0; }
.login { max-width: 26rem; margin: 4rem auto; padding: 0 1rem; }
.login-form { display: flex; flex-direction: column; gap: .5rem; margin: 1rem 0; }
.login-form input { font: inherit; padding: .4rem .5rem; border: 1px solid var(--line); border-radius: 4px; }
button { font: inherit; padding: .3rem .9rem; border: 1px solid var(--line); border-radius: 4px; background: var(--bg); cursor: pointer; }
.notice { padding: .5rem .75rem; border-radius: 4px; }
.notice-error { background: #ffebe9; color: var(--bad); }
.notice-info { background: var(--bg); }
`;
