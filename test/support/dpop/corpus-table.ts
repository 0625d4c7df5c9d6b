// Prints the DPoP negative corpus as a markdown table, or writes it into docs/dpop.md ("Negative corpus") with --write: `npx tsx test/support/dpop/corpus-table.ts [--write]`.
import fs from 'node:fs';
import path from 'node:path';
import { corpusTable } from './corpus';

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
