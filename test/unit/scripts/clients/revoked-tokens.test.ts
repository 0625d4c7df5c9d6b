// Unit tests of the revoke-tokens output: the 503 window's end and length, in text and JSON, and that the token endpoint refuses exactly until then.
import { createTokenIssuer } from '../../../../functions/token/core/issue-token';
import { TOKENS_NOT_BEFORE_MARGIN_SECONDS } from '../../../../functions/shared/limits';
import { createClient } from '../../../../scripts/lib/clients/commands/create';
import { runCommand } from '../../../../scripts/lib/clients/commands/run-command';
import {
  toRevokedTokensView,
  type RevokedTokensView,
} from '../../../../scripts/lib/clients/revoked-tokens';
import { makeDeps } from '../../../support/clients-cli';
import { basicAuthorization } from '../../../support/basic-auth';
import { FORM, InMemorySigner } from '../../../support/token-fakes';

const LOCAL = { kind: 'local', dataDir: '/unused' } as const;

/** A client and `revoke-tokens` run at `iso`; returns the output and the ports. */
async function revokeAt(iso: string, json: boolean) {
  const made = makeDeps();
  made.clock.set(iso);
  const { record, secret } = await createClient(made.deps, {
    name: 'Orders',
    scopes: ['orders:read'],
    audiences: [],
    authMethod: 'client_secret_basic',
  });
  await runCommand(
    { command: 'revoke-tokens', target: LOCAL, json, clientId: record.client_id },
    made.deps,
  );
  return { ...made, clientId: record.client_id, secret: secret as string };
}

describe('revoke-tokens output', () => {
  it(`--json gives the 503 window: until tokens_not_before, ${TOKENS_NOT_BEFORE_MARGIN_SECONDS} s on a whole second`, async () => {
    // Act
    const { out, clientId } = await revokeAt('2030-01-01T00:00:00.000Z', true);

    // Assert
    expect(JSON.parse(out.stdoutText())).toEqual({
      client_id: clientId,
      tokens_not_before: '2030-01-01T00:00:30.000Z',
      new_tokens_refused_until: '2030-01-01T00:00:30.000Z',
      new_tokens_refused_seconds: 30,
    } satisfies RevokedTokensView);
  });

  it('rounds the window up: tokens_not_before is the next whole second plus the margin', async () => {
    // Act
    const { out } = await revokeAt('2030-01-01T00:00:00.400Z', true);

    // Assert
    expect(JSON.parse(out.stdoutText())).toMatchObject({
      new_tokens_refused_until: '2030-01-01T00:00:31.000Z',
      new_tokens_refused_seconds: 31,
    });
  });

  it('says in text which tokens died, until when new ones get 503 and why', async () => {
    // Act
    const { out, clientId } = await revokeAt('2030-01-01T00:00:00.000Z', false);

    // Assert
    expect(out.stdoutText()).toBe(
      `Revoked every token of client ${clientId} issued before 2030-01-01T00:00:30.000Z; with ` +
        'revocation checks on, they get 401 within the bound of docs/revocation.md.\n' +
        'New tokens for this client are refused with 503 temporarily_unavailable until ' +
        '2030-01-01T00:00:30.000Z (30 s): a token request that read the client before this ' +
        'revoke may still sign until then, and its token must not outlive the revoke ' +
        '(docs/revocation.md).\n',
    );
  });

  it('the token endpoint answers 503 temporarily_unavailable until exactly the time printed', async () => {
    // Arrange
    const { deps, out, clock, clientId, secret } = await revokeAt('2030-01-01T00:00:00.400Z', true);
    const until = Date.parse(
      (JSON.parse(out.stdoutText()) as RevokedTokensView).new_tokens_refused_until,
    );
    const issuer = createTokenIssuer({
      issuer: 'https://issuer.test',
      defaultAudience: 'aud',
      tokenTtlSeconds: 3600,
      clientStore: deps.store,
      hasher: deps.hasher,
      signer: new InMemorySigner(),
      clock,
      randomBytes: deps.randomBytes,
    });
    const request = () =>
      issuer.issueToken({
        authorization: basicAuthorization(clientId, secret),
        contentType: FORM,
        body: 'grant_type=client_credentials',
      });

    // Act
    clock.set(new Date(until - 1).toISOString());
    const justBefore = request();
    await justBefore.catch(() => undefined);
    clock.set(new Date(until).toISOString());
    const atThen = request();

    // Assert
    await expect(justBefore).rejects.toMatchObject({ code: 'temporarily_unavailable' });
    await expect(atThen).resolves.toMatchObject({ clientId });
  });

  it('reports a later tokens_not_before already stored, and never a negative wait', () => {
    // Arrange
    const record = {
      client_id: 'c1',
      tokens_not_before: Date.parse('2030-01-01T00:05:00.000Z') / 1000,
    } as Parameters<typeof toRevokedTokensView>[0];

    // Act
    const later = toRevokedTokensView(record, Date.parse('2030-01-01T00:00:00.000Z'));
    const past = toRevokedTokensView(record, Date.parse('2030-01-01T00:06:00.000Z'));

    // Assert
    expect(later).toMatchObject({ new_tokens_refused_seconds: 300 });
    expect(past).toMatchObject({ new_tokens_refused_seconds: 0 });
  });
});
