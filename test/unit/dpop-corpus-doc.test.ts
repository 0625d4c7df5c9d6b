// docs/dpop.md lists the DPoP negative corpus exactly as test/support/dpop/corpus.ts defines it (the table the e2e tests assert row by row), and the corpus names every check once.
import fs from 'node:fs';
import { DPOP_CORPUS } from '../support/dpop/corpus';
import { CORPUS_DOC, withCorpusTable } from '../support/dpop/corpus-table';

describe('the DPoP negative corpus', () => {
  it('docs/dpop.md holds the current table (npx tsx test/support/dpop/corpus-table.ts --write)', () => {
    // Arrange
    const doc = fs.readFileSync(CORPUS_DOC, 'utf8');

    // Act / Assert
    expect(withCorpusTable(doc)).toBe(doc);
  });

  it('has unique row ids, and covers every proof check the verifier names', () => {
    // Arrange
    const reasons = new Set(DPOP_CORPUS.map((row) => row.expected.reason));

    // Assert
    expect(new Set(DPOP_CORPUS.map((row) => row.id)).size).toBe(DPOP_CORPUS.length);
    for (const check of [
      'missing',
      'multiple',
      'malformed',
      'typ',
      'alg',
      'jwk',
      'signature',
      'jti',
      'htm',
      'htu',
      'iat',
      'ath',
      'jkt',
      'unbound',
      'host',
    ]) {
      expect(reasons).toContain(`DPoP:invalid:${check}`);
    }
    for (const reason of ['DPoP:replayed:jti', 'DpopBoundAsBearerError', 'DPoP:required:bearer']) {
      expect(reasons).toContain(reason);
    }
  });
});
