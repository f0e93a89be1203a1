import { escapeXml } from '../../escape-xml.js';

/** Where the page's script and stylesheet are served. */
export const PAGE_SCRIPT_PATH = '/assets/browse.js';
export const PAGE_STYLE_PATH = '/assets/browse.css';

/**
 * The page's HTML shell: a header, an empty main element the views fill, the per-server action
 * token in a meta element (the script sends it with every POST), and the same-origin script and
 * stylesheet. Nothing inline, so the strict Content-Security-Policy holds.
 * @example pageHtml({ token: 'f00d…', title: 'fs:/home/me/project/cache' })
 */
export function pageHtml(options: { token: string; title: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="geodata-token" content="${escapeXml(options.token)}">
<title>geodata browse: ${escapeXml(options.title)}</title>
<link rel="stylesheet" href="${PAGE_STYLE_PATH}">
<script type="module" src="${PAGE_SCRIPT_PATH}"></script>
</head>
<body>
<header id="top"></header>
<main id="view"><p class="muted">Loading…</p></main>
</body>
</html>
`;
}
