// The anchors GitHub gives the headings of a markdown document, to check links into it (alarm descriptions → docs/operations.md).

/**
 * The anchor of one heading as GitHub renders it: lower case, punctuation dropped (hyphens and
 * underscores kept), each space a hyphen.
 * @param heading the heading text without its leading #s
 * @returns the anchor, without #
 */
export function githubAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/**
 * Every heading anchor of a document; a repeated heading gets -1, -2, ... as on GitHub. Lines in
 * fenced code blocks are not headings.
 * @param markdown the document
 * @returns the anchors
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? undefined : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = githubAnchor(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}
