/**
 * The stylesheet of the drill report page, served as
 * /assets/drill-report.css. A module rather than a .css file, so that the
 * Lambda bundle serves it too. The phase bars are inline SVG (presentation
 * attributes, not style attributes, so the CSP allows them); their colours
 * come from here.
 */
export const DRILL_REPORT_CSS = String.raw`
:root { --ok: #1a7f37; --bad: #cf222e; --warn: #bf8700; --mute: #6e7781; --line: #d0d7de; --bg: #f6f8fa; --none: #e6e9ed; --bar: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #fff; }
header { padding: .75rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--bg); }
header h1 { font-size: 1.2rem; margin: 0 0 .25rem; }
header p { margin: 0; }
main { padding: 0 1.5rem 1.5rem; max-width: 80rem; }
footer { padding: 0 1.5rem 1.5rem; font-size: .85rem; color: var(--mute); }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
.verdict { font-size: 1.05rem; font-weight: 600; margin: 1rem 0; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 3px; font-weight: 600; font-size: .85rem; background: var(--none); }
.badge-succeeded, .badge-met { background: #dafbe1; color: var(--ok); }
.badge-failed, .badge-missed { background: #ffebe9; color: var(--bad); }
.badge-aborted, .badge-running { background: #fff8c5; color: #7d4e00; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.facts dt { color: var(--mute); }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
thead th { font-size: .85rem; color: var(--mute); font-weight: 600; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.timeline { width: 35%; min-width: 12rem; }
.note { font-size: .85rem; color: var(--mute); font-weight: normal; }
.window { display: block; }
svg.bar { display: block; width: 100%; height: 1rem; }
svg.bar .track { fill: var(--none); }
svg.bar .span { fill: var(--bar); }
svg.bar .span-failed { fill: var(--bad); }
svg.bar .span-running { fill: var(--warn); }
svg.bar .rto { stroke: var(--bad); stroke-width: 3; }
.status-done { color: var(--ok); }
.status-failed { color: var(--bad); font-weight: 600; }
.status-running { color: var(--warn); }
.status-pending, .status-skipped, .status-not-exercised { color: var(--mute); }
.status-exercised { color: var(--ok); }
.status-stood-in { color: var(--warn); font-weight: 600; }
.legend { font-size: .85rem; color: var(--mute); margin: .25rem 0 .75rem; }
section.attention { margin: 1rem 0; padding: .75rem 1rem; border: 2px solid var(--bad); border-radius: 4px; background: #ffebe9; }
section.attention h2 { margin: 0 0 .5rem; color: var(--bad); }
section.attention ol { margin: .5rem 0 0; padding-left: 1.25rem; }
ol.events { padding-left: 1.25rem; }
ol.events li { margin: .15rem 0; }
`;
