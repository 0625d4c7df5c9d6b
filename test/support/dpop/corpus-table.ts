// Prints the DPoP negative corpus as a markdown table, or writes it into docs/dpop.md ("Negative corpus") with --write: `npx tsx test/support/dpop/corpus-table.ts [--write]`.
import fs from 'node:fs';
import path from 'node:path';
import { DPOP_CORPUS } from './corpus';

/**
 * The corpus as a markdown table (docs/dpop.md, "Negative corpus"; a unit test keeps the two equal).
 * @returns the table, one line per row, with a trailing newline
 */
export function corpusTable(): string {
  const cell = (text: string | null): string => (text === null ? '' : `\`${text}\``);
  const lines = [
    '| Row | What is broken | Answer | Logged `reason` | `AuthorizerUnauthorized{reason}` |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const row of DPOP_CORPUS) {
    const { status, reason, metric } = row.expected;
    const deployed = row.deployed;
    const logged =
      deployed && deployed.reason !== reason
        ? `${cell(reason)} (npm start); ${cell(deployed.reason)} (deployed)`
        : cell(reason);
    const broken = row.before ? `${row.broken}, after a first request that is allowed` : row.broken;
    lines.push(`| \`${row.id}\` | ${broken} | ${status} | ${logged} | ${cell(metric)} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** docs/dpop.md, which holds the table between these markers. */
export const CORPUS_DOC = path.resolve(__dirname, '../../../docs/dpop.md');
export const BEGIN = '<!-- negative corpus: begin (test/support/dpop/corpus-table.ts --write) -->';
export const END = '<!-- negative corpus: end -->';

/**
 * The document with the table between the markers replaced by the current one.
 * @param doc the document's text
 * @returns the new text
 * @throws Error when the markers are missing
 */
export function withCorpusTable(doc: string): string {
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`docs/dpop.md has no ${BEGIN} … ${END} block`);
  return `${doc.slice(0, begin + BEGIN.length)}\n\n${corpusTable()}\n${doc.slice(end)}`;
}

if (require.main === module) {
  if (process.argv.includes('--write')) {
    fs.writeFileSync(CORPUS_DOC, withCorpusTable(fs.readFileSync(CORPUS_DOC, 'utf8')));
  } else {
    process.stdout.write(corpusTable());
  }
}
