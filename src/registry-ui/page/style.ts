/**
 * The page's stylesheet, served as `/assets/browse.css` (a module rather than a .css file, so it
 * ships with the compiled package without a copy step). System fonts only: no web fonts.
 */
export const PAGE_STYLE = `
:root { --ink: #111827; --muted: #6b7280; --line: #e5e7eb; --accent: #1d4ed8; --bg: #ffffff; --soft: #f8fafc; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; flex-wrap: wrap; align-items: center; gap: 16px; padding: 8px 16px; border-bottom: 1px solid var(--line); background: var(--soft); position: sticky; top: 0; z-index: 1; }
header .brand { font-weight: 700; color: var(--ink); text-decoration: none; }
header nav { display: flex; gap: 12px; }
header nav a { color: var(--accent); text-decoration: none; padding: 2px 6px; border-radius: 4px; }
header nav a.active { background: #dbeafe; }
header .index { margin-left: auto; display: flex; align-items: center; gap: 8px; color: var(--muted); }
header .notice { flex-basis: 100%; }
main { padding: 12px 16px 48px; }
h1 { font-size: 20px; margin: 4px 0 8px; }
h2 { font-size: 16px; margin: 20px 0 6px; }
a { color: var(--accent); }
.muted { color: var(--muted); }
.error { color: #b91c1c; background: #fef2f2; border: 1px solid #fecaca; padding: 6px 10px; border-radius: 4px; }
.notice { background: #fffbeb; border: 1px solid #fde68a; padding: 6px 10px; border-radius: 4px; }
.summary { color: #374151; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--soft); font-weight: 600; position: sticky; top: 41px; }
td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.entries td { white-space: nowrap; }
table.entries td.parameter { white-space: normal; max-width: 420px; }
.hash, .full-hash, td.code, pre, .parameters .string, .parameters .literal { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace; font-size: 12.5px; }
.full-hash { color: var(--muted); word-break: break-all; }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 12px; border: 1px solid transparent; }
.state-fresh, .state-ok { background: #dcfce7; color: #166534; }
.state-stale { background: #ffedd5; color: #9a3412; }
.state-input-changed { background: #fef9c3; color: #854d0e; }
.state-unknown, .state-new, .state-absent { background: #f3f4f6; color: #374151; }
.state-damaged, .state-incomplete { background: #fee2e2; color: #991b1b; }
.changed { color: #b91c1c; font-weight: 600; }
form.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; background: var(--soft); padding: 8px; border: 1px solid var(--line); border-radius: 6px; }
form.filters input, form.filters select { font: inherit; }
.explanation li:first-child { font-weight: 600; list-style: none; margin-left: -18px; }
table.parameters th { font-weight: 600; color: #374151; }
table.parameters table.parameters { margin: 0; }
ol.array { margin: 0; padding-left: 20px; }
.spec { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
img.footprint { border: 1px solid var(--line); border-radius: 4px; }
figure.preview { margin: 8px 0; }
figure.preview img { max-width: 100%; image-rendering: pixelated; border: 1px solid var(--line); }
figure.preview figcaption { color: var(--muted); font-size: 12px; }
pre { background: var(--soft); border: 1px solid var(--line); padding: 8px; overflow: auto; max-height: 420px; white-space: pre-wrap; word-break: break-word; }
.graph { overflow: auto; border: 1px solid var(--line); border-radius: 4px; padding: 8px; background: #fff; }
table.diff, table.source { width: 100%; border: 1px solid var(--line); }
table.diff td, table.source td { border: 0; padding: 0 8px; white-space: pre-wrap; }
td.line-number { color: var(--muted); text-align: right; width: 3em; user-select: none; font-family: ui-monospace, monospace; font-size: 12px; }
tr.add td.code { background: #dcfce7; }
tr.remove td.code { background: #fee2e2; }
tr.hunk td { background: #eff6ff; color: #1e40af; font-family: ui-monospace, monospace; font-size: 12px; }
tr.shown { background: #eff6ff; }
button { font: inherit; padding: 3px 10px; border: 1px solid #cbd5e1; border-radius: 4px; background: #fff; cursor: pointer; }
button:disabled { opacity: 0.5; cursor: default; }
button.danger { border-color: #fca5a5; color: #991b1b; }
section.clean { border: 1px solid var(--line); border-radius: 6px; padding: 4px 12px 12px; margin-bottom: 16px; }
ul.related { margin: 0; padding-left: 18px; }
.pager a { margin-right: 12px; }
`;
