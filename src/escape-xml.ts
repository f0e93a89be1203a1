// Text for SVG and HTML: figures (render/), the pipeline graph (graph/) and the registry browser's pages.

/**
 * Escapes text for XML content and attribute values, and replaces characters XML 1.0 cannot
 * hold at all (control characters, lone surrogates, U+FFFE/U+FFFF) with U+FFFD.
 * @example escapeXml('<script>"&"</script>') // '&lt;script&gt;&quot;&amp;&quot;&lt;/script&gt;'
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
