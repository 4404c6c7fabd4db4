// The one HTML document of the dashboard: no inline script, no data. The page's script reads
// the cancel token from a meta tag and everything else from the JSON API.
const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]!)

export function shellHtml(token: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="rayts-token" content="${esc(token)}">
<title>rayts dashboard</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body>
<header class="top"><a href="/" class="brand">rayts dashboard</a><span id="live" class="live" title="live updates">●</span></header>
<main id="main"><p class="muted">loading…</p></main>
</body>
</html>
`
}
