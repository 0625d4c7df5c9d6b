// The DPoP negative corpus (issue 25, item 6): every check of RFC 9449 §4.3 and §7 broken one at a time, as data, with the answer and the logged reason each row must get; test/e2e/dpop-local.test.ts runs it through npm start, test/e2e/deployed-api.test.ts through --from-api, and docs/dpop.md lists it.
import type { CorpusContext, CorpusExpectation, CorpusRequest, CorpusRow } from './corpus-types';
import { dpopProof, type ProofSpec } from './proofs';

export type { CorpusContext, CorpusExpectation, CorpusRequest, CorpusRow } from './corpus-types';

const ok: CorpusExpectation = { status: 200, reason: null, metric: null };
const invalid = (detail: string): CorpusExpectation => ({
  status: 401,
  reason: `DPoP:invalid:${detail}`,
  metric: 'dpop_invalid',
});

/** The URL a proof for `path` names. */
const urlOf = (ctx: CorpusContext, path: string): string => `${ctx.origin}${ctx.prefix}${path}`;

/** A GET of the DPoP route with `Authorization: DPoP <token>` and the given proofs. */
function dpopGet(ctx: CorpusContext, proofs: string[], token = ctx.token): CorpusRequest {
  return {
    method: 'GET',
    path: `${ctx.prefix}${ctx.dpopPath}`,
    headers: [
      ['Authorization', `DPoP ${token}`],
      ...proofs.map((p): [string, string] => ['DPoP', p]),
    ],
  };
}

/** A proof of `ctx.key` for a GET of the DPoP route with `ctx.token`, changed by `spec`. */
function proof(ctx: CorpusContext, spec: Partial<ProofSpec> = {}, key = ctx.key): string {
  return dpopProof(key, {
    htm: 'GET',
    htu: urlOf(ctx, ctx.dpopPath),
    accessToken: ctx.token,
    ...spec,
  });
}

/** A row whose one request is a GET of the DPoP route with one proof changed by `spec`. */
function proofRow(
  id: string,
  broken: string,
  spec: (ctx: CorpusContext) => Partial<ProofSpec>,
  expected: CorpusExpectation,
): CorpusRow {
  return { id, broken, request: (ctx) => dpopGet(ctx, [proof(ctx, spec(ctx))]), expected };
}

const now = (): number => Math.floor(Date.now() / 1000);

/** The rows, in the order docs/dpop.md lists them. */
export const DPOP_CORPUS: readonly CorpusRow[] = [
  proofRow('valid-es256', 'nothing: a valid ES256 proof (baseline)', () => ({}), ok),
  {
    id: 'valid-ps256',
    broken: 'nothing: a valid PS256 proof, RSA key',
    request: (ctx) =>
      dpopGet(
        ctx,
        [proof(ctx, { accessToken: ctx.rsaToken, header: { alg: 'PS256' } }, ctx.rsaKey)],
        ctx.rsaToken,
      ),
    expected: ok,
  },
  {
    id: 'valid-rs256',
    broken: 'nothing: a valid RS256 proof, RSA key',
    request: (ctx) =>
      dpopGet(ctx, [proof(ctx, { accessToken: ctx.rsaToken }, ctx.rsaKey)], ctx.rsaToken),
    expected: ok,
  },
  {
    id: 'no-proof',
    broken: '§7.1 no DPoP header',
    request: (ctx) => dpopGet(ctx, []),
    expected: invalid('missing'),
  },
  {
    id: 'two-proofs',
    broken: '§4.3 (1) two DPoP headers',
    request: (ctx) => dpopGet(ctx, [proof(ctx), proof(ctx)]),
    expected: invalid('multiple'),
  },
  {
    id: 'not-a-jwt',
    broken: '§4.3 (2) not a JWT',
    request: (ctx) => dpopGet(ctx, ['not.a.jwt']),
    expected: invalid('malformed'),
  },
  proofRow('typ-jwt', '§4.3 (4) typ JWT', () => ({ header: { typ: 'JWT' } }), invalid('typ')),
  proofRow(
    'typ-missing',
    '§4.3 (4) no typ',
    () => ({ header: { typ: undefined } }),
    invalid('typ'),
  ),
  proofRow(
    'alg-none',
    '§4.3 (5) alg none (with signature bytes)',
    () => ({ header: { alg: 'none' } }),
    invalid('alg'),
  ),
  proofRow(
    'alg-none-unsigned',
    '§4.3 (2, 5) alg none with an empty signature (not a JWS this verifier reads)',
    () => ({ header: { alg: 'none' }, signature: 'none' }),
    invalid('malformed'),
  ),
  proofRow(
    'alg-hs256',
    '§4.3 (5) alg HS256 (symmetric)',
    () => ({ header: { alg: 'HS256' }, signature: 'hmac' }),
    invalid('alg'),
  ),
  proofRow(
    'crit',
    'RFC 7515 §4.1.11 a crit header',
    () => ({ header: { crit: ['exp'], exp: now() + 60 } }),
    invalid('malformed'),
  ),
  proofRow(
    'jwk-private',
    '§4.3 (7) jwk with its private part (d)',
    (ctx) => ({ header: { jwk: { ...ctx.key.jwk, d: 'AAAA' } } }),
    invalid('jwk'),
  ),
  proofRow(
    'jwk-missing',
    '§4.3 (6) no jwk',
    () => ({ header: { jwk: undefined } }),
    invalid('jwk'),
  ),
  {
    id: 'jwk-alg-mismatch',
    broken: '§4.3 (5, 6) alg RS256 with an EC jwk',
    request: (ctx) => dpopGet(ctx, [proof(ctx, { header: { alg: 'RS256' } })]),
    expected: invalid('jwk'),
  },
  proofRow(
    'bad-signature',
    '§4.3 (6) signature with a flipped bit',
    () => ({ signature: 'flipped' }),
    invalid('signature'),
  ),
  proofRow(
    'foreign-signature',
    '§4.3 (6) signed by another key than jwk',
    (ctx) => ({ signature: { key: ctx.otherKey } }),
    invalid('signature'),
  ),
  proofRow(
    'jti-missing',
    '§4.3 (3) no jti',
    () => ({ claims: { jti: undefined } }),
    invalid('jti'),
  ),
  proofRow(
    'jti-too-long',
    '§4.2 a jti of 257 characters',
    () => ({ jti: 'j'.repeat(257) }),
    invalid('jti'),
  ),
  proofRow(
    'htm-missing',
    '§4.3 (3) no htm',
    () => ({ claims: { htm: undefined } }),
    invalid('htm'),
  ),
  proofRow('htm-post', '§4.3 (8) htm POST on a GET', () => ({ htm: 'POST' }), invalid('htm')),
  proofRow(
    'htm-lower',
    '§4.3 (8) htm get (methods are case-sensitive)',
    () => ({ htm: 'get' }),
    invalid('htm'),
  ),
  proofRow(
    'htu-missing',
    '§4.3 (3) no htu',
    () => ({ claims: { htu: undefined } }),
    invalid('htu'),
  ),
  proofRow(
    'htu-path',
    '§4.3 (9) htu of another path (the Bearer route)',
    (ctx) => ({ htu: urlOf(ctx, ctx.bearerPath) }),
    invalid('htu'),
  ),
  proofRow(
    'htu-host',
    '§4.3 (9) htu of another host',
    (ctx) => ({ htu: urlOf(ctx, ctx.dpopPath).replace(ctx.origin, 'https://evil.example') }),
    invalid('htu'),
  ),
  proofRow(
    'htu-scheme',
    '§4.3 (9) htu of another scheme',
    (ctx) => ({
      htu: urlOf(ctx, ctx.dpopPath).replace(/^https?:/, (s) =>
        s === 'https:' ? 'http:' : 'https:',
      ),
    }),
    invalid('htu'),
  ),
  proofRow(
    'htu-port',
    '§4.3 (9) htu of another port',
    (ctx) => ({
      htu: `${new URL(ctx.origin).protocol}//${new URL(ctx.origin).hostname}:1${ctx.prefix}${ctx.dpopPath}`,
    }),
    invalid('htu'),
  ),
  proofRow(
    'htu-query',
    '§4.2 htu with a query',
    (ctx) => ({ htu: `${urlOf(ctx, ctx.dpopPath)}?a=1` }),
    invalid('htu'),
  ),
  proofRow(
    'htu-fragment',
    '§4.2 htu with a fragment',
    (ctx) => ({ htu: `${urlOf(ctx, ctx.dpopPath)}#f` }),
    invalid('htu'),
  ),
  proofRow(
    'htu-stage',
    '§4.3 (9) htu without the path prefix (stage or base path)',
    (ctx) => ({ htu: `${ctx.origin}/other${ctx.dpopPath}` }),
    invalid('htu'),
  ),
  proofRow(
    'iat-missing',
    '§4.3 (3) no iat',
    () => ({ claims: { iat: undefined } }),
    invalid('iat'),
  ),
  proofRow('iat-future', '§4.3 (11) iat 60 s ahead', () => ({ iat: now() + 60 }), invalid('iat')),
  proofRow('iat-past', '§4.3 (11) iat 120 s old', () => ({ iat: now() - 120 }), invalid('iat')),
  proofRow(
    'iat-string',
    '§4.3 (11) iat as a string',
    () => ({ claims: { iat: String(now()) } }),
    invalid('iat'),
  ),
  proofRow('ath-missing', '§4.3 (12) no ath', () => ({ accessToken: undefined }), invalid('ath')),
  proofRow(
    'ath-other-token',
    '§4.3 (12) ath of another token',
    (ctx) => ({ accessToken: ctx.otherToken }),
    invalid('ath'),
  ),
  {
    id: 'other-key-token',
    broken: '§4.3 (12) a token bound to another key (cnf.jkt is not the proof key)',
    request: (ctx) => dpopGet(ctx, [proof(ctx, { accessToken: ctx.otherToken })], ctx.otherToken),
    expected: invalid('jkt'),
  },
  {
    id: 'unbound-as-dpop',
    broken: '§7.1 a Bearer (unbound) token sent as DPoP',
    request: (ctx) => dpopGet(ctx, [proof(ctx, { accessToken: ctx.bearerToken })], ctx.bearerToken),
    expected: invalid('unbound'),
  },
  {
    id: 'host-not-allowed',
    broken: '§7.1 a Host that is not allowed (htu names it)',
    request: (ctx) => {
      const request = dpopGet(ctx, [
        proof(ctx, { htu: `https://evil.example${ctx.prefix}${ctx.dpopPath}` }),
      ]);
      return { ...request, headers: [['Host', 'evil.example'], ...request.headers] };
    },
    expected: invalid('host'),
  },
  {
    id: 'replayed-proof',
    broken: '§11.1 the same proof twice',
    before: (ctx) => [dpopGet(ctx, [replayProof(ctx)])],
    request: (ctx) => dpopGet(ctx, [replayProof(ctx)]),
    expected: { status: 401, reason: 'DPoP:replayed:jti', metric: 'dpop_replayed' },
  },
  {
    id: 'reused-jti',
    broken: '§11.1 a new proof with a used jti',
    before: (ctx) => [dpopGet(ctx, [proof(ctx, { jti: reusedJti(ctx) })])],
    request: (ctx) => dpopGet(ctx, [proof(ctx, { jti: reusedJti(ctx), iat: now() - 1 })]),
    expected: { status: 401, reason: 'DPoP:replayed:jti', metric: 'dpop_replayed' },
  },
  {
    id: 'bound-as-bearer',
    broken: '§7.2 a bound token sent as Bearer (downgrade) on the DPoP route',
    request: (ctx) => ({
      method: 'GET',
      path: `${ctx.prefix}${ctx.dpopPath}`,
      headers: [['Authorization', `Bearer ${ctx.token}`]],
    }),
    expected: { status: 401, reason: 'DpopBoundAsBearerError', metric: 'dpop_bound_as_bearer' },
  },
  {
    id: 'bound-as-bearer-elsewhere',
    broken: '§7.2 a bound token sent as Bearer (downgrade) on a Bearer route',
    request: (ctx) => ({
      method: 'GET',
      path: `${ctx.prefix}${ctx.bearerPath}`,
      headers: [['Authorization', `Bearer ${ctx.token}`]],
    }),
    expected: { status: 401, reason: 'DpopBoundAsBearerError', metric: 'dpop_bound_as_bearer' },
  },
  {
    id: 'bearer-on-dpop-route',
    broken: '§7.1 a Bearer token on the DPoP route',
    request: (ctx) => ({
      method: 'GET',
      path: `${ctx.prefix}${ctx.dpopPath}`,
      headers: [['Authorization', `Bearer ${ctx.bearerToken}`]],
    }),
    expected: { status: 401, reason: 'DPoP:required:bearer', metric: 'dpop_required' },
  },
  {
    id: 'dpop-on-bearer-route',
    broken: 'a DPoP token with a valid proof on a route without the dpop constraint',
    request: (ctx) => ({
      method: 'GET',
      path: `${ctx.prefix}${ctx.bearerPath}`,
      headers: [
        ['Authorization', `DPoP ${ctx.token}`],
        ['DPoP', proof(ctx, { htu: urlOf(ctx, ctx.bearerPath) })],
      ],
    }),
    // npm start: the Bearer routes' authorizer is cached, so it refuses every DPoP request.
    expected: { status: 401, reason: 'DPoP:not_accepted:ttl', metric: 'dpop_not_accepted' },
    // The deployed example: one uncached authorizer, which refuses by the route map.
    deployed: { status: 401, reason: 'DPoP:not_accepted:route', metric: 'dpop_not_accepted' },
  },
];

/** One proof per context, sent twice by the `replayed-proof` row. */
const replayProofs = new WeakMap<CorpusContext, string>();
function replayProof(ctx: CorpusContext): string {
  let made = replayProofs.get(ctx);
  if (made === undefined) {
    made = proof(ctx);
    replayProofs.set(ctx, made);
  }
  return made;
}

/** One jti per context, used by two proofs in the `reused-jti` row. */
const reusedJtis = new WeakMap<CorpusContext, string>();
function reusedJti(ctx: CorpusContext): string {
  let jti = reusedJtis.get(ctx);
  if (jti === undefined) {
    jti = `reused-${Math.random().toString(36).slice(2)}`;
    reusedJtis.set(ctx, jti);
  }
  return jti;
}
