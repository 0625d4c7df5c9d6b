// Unit tests of the create-client output: the ready-to-paste export line survives any client id and secret.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { exportLine, formatCreated, shellQuote } from '../../../../scripts/lib/clients/format';

/** Runs the line in a real POSIX shell and reads the two variables back. */
function evaluate(line: string): { id: string; secret: string } {
  const out = execFileSync(
    '/bin/sh',
    ['-c', `${line}\nprintf '%s\\0%s' "$CLIENT_ID" "$CLIENT_SECRET"`],
    {
      encoding: 'utf8',
    },
  );
  const [id = '', secret = ''] = out.split('\0');
  return { id, secret };
}

describe('exportLine', () => {
  it('leaves generated ids and base64url secrets unquoted', () => {
    // Act
    const line = exportLine('0f3c9a', 'Ab-_09');

    // Assert
    expect(line).toBe('export CLIENT_ID=0f3c9a CLIENT_SECRET=Ab-_09');
  });

  it('exports exactly the values for any printable ASCII id (quotes, $, spaces, backticks)', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[\x21-\x7e]{1,40}$/),
        fc.stringMatching(/^[\x20-\x7e]{0,40}$/),
        (id, secret) => {
          // Act
          const result = evaluate(exportLine(id, secret));

          // Assert
          expect(result).toEqual({ id, secret });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('quotes what a shell would expand', () => {
    // Act / Assert
    expect(shellQuote("a'b$c")).toBe(`'a'\\''b$c'`);
    expect(shellQuote('')).toBe("''");
  });
});

describe('formatCreated', () => {
  it('ends with the export line after the one-time warning', () => {
    // Arrange
    const created = {
      record: {
        client_id: 'abc123',
        name: 'demo',
        status: 'active' as const,
        secrets: [],
        scopes: ['demo:read'],
        audiences: [],
        created_at: '2024-01-01T00:00:00.000Z',
        updated_at: '2024-01-01T00:00:00.000Z',
        version: 1,
      },
      secret: 'S3cr3t-_',
    };

    // Act
    const text = formatCreated(created as never);

    // Assert
    const lines = text.split('\n');
    expect(lines.at(-1)).toBe('export CLIENT_ID=abc123 CLIENT_SECRET=S3cr3t-_');
    expect(text.indexOf('shown only this once')).toBeLessThan(text.indexOf('export CLIENT_ID'));
  });
});
