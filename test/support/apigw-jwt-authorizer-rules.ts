// The token rules API Gateway's native JWT authorizers apply (HTTP API and REST API), as a checker that reports each rule separately, each citing its AWS page.
import {
  compactVerify,
  decodeJwt,
  decodeProtectedHeader,
  importJWK,
  type JWK,
  type JWTPayload,
} from 'jose';

/*
 * Sources (AWS documentation, quoted by name; the rule ids below refer to them):
 * - [HTTP] "Control access to HTTP APIs with JWT authorizers in API Gateway",
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html,
 *   section "Authorizing API requests with a JWT authorizer", steps 1-4.
 * - [REST] "Control access to REST APIs using JWT authorizers",
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-jwt-authorizer.html
 * - [REST-CREATE] "Create a JWT authorizer for a REST API",
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-jwt-authorizer-create.html
 * - [REST-METHODS] "Attach a JWT authorizer to methods and require scopes",
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-jwt-authorizer-methods.html
 * - [REST-API] API reference "JwtConfigurationInput" and "JwtIssuerInput",
 *   https://docs.aws.amazon.com/apigateway/latest/api/API_JwtConfigurationInput.html,
 *   https://docs.aws.amazon.com/apigateway/latest/api/API_JwtIssuerInput.html
 */

/** Which API Gateway flavour's JWT authorizer to model. */
export type JwtAuthorizerKind = 'http-api' | 'rest-api';

/** Every rule the checker evaluates, in the order API Gateway's pages list them. */
export const JWT_AUTHORIZER_RULES = [
  'identity-source',
  'alg',
  'kid',
  'signature',
  'iss',
  'aud',
  'exp',
  'nbf',
  'iat',
  'scope',
] as const;

/** One rule id. */
export type JwtAuthorizerRule = (typeof JWT_AUTHORIZER_RULES)[number];

/** RSA-based JWS algorithms: [HTTP] step 3, "Currently, only RSA-based algorithms are supported." */
export const HTTP_API_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512'];

/** [REST-API] JwtConfigurationInput.defaultAlgorithms valid values. */
export const REST_API_ALGORITHMS: readonly string[] = [
  'RS256',
  'RS384',
  'RS512',
  'ES256',
  'ES384',
  'ES512',
];

/** The authorizer as configured, plus the route (or method) being called. */
export interface JwtAuthorizerSetup {
  kind: JwtAuthorizerKind;
  /** The configured issuer (HTTP: jwt_configuration.issuer; REST: JwtIssuerInput.issuer). */
  issuer: string;
  /** The configured audiences (HTTP: audience; REST: JwtIssuerInput.audiences). */
  audiences: readonly string[];
  /** REST only: JwtConfigurationInput.defaultAlgorithms; HTTP APIs ignore it (RSA only). */
  algorithms?: readonly string[];
  /** The route's authorizationScopes (HTTP) or the method's authorization scopes (REST); [] = none required. */
  routeScopes: readonly string[];
  /** The key set the issuer's discovery document points at (its jwks_uri). */
  jwks: { keys: JWK[] };
  /** The gateway's current time, in seconds since the epoch. */
  nowSeconds: number;
}

/** The outcome of one rule. */
export interface RuleOutcome {
  rule: JwtAuthorizerRule;
  ok: boolean;
  /** Why it failed (empty when it passed); names no token content beyond claim values. */
  reason: string;
}

/** All outcomes, one per rule; `failed` lists the ids of the rules that failed. */
export interface JwtAuthorizerReport {
  outcomes: RuleOutcome[];
  failed: JwtAuthorizerRule[];
}

const pass = (rule: JwtAuthorizerRule): RuleOutcome => ({ rule, ok: true, reason: '' });
const fail = (rule: JwtAuthorizerRule, reason: string): RuleOutcome => ({
  rule,
  ok: false,
  reason,
});

/** Finite NumericDate check: a claim API Gateway compares with the current time. */
const isNumericDate = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/**
 * Extracts the token from the identity source value. [HTTP] step 1: "The identitySource can
 * include only the token, or the token prefixed with Bearer." [REST] step 1 reads the token from
 * the configured request header in the same way.
 */
function tokenFrom(identity: string | undefined): string | undefined {
  if (!identity) return undefined;
  const match = /^Bearer (\S+)$/.exec(identity);
  const token = match ? match[1] : identity;
  return /^[\w-]+\.[\w-]+\.[\w-]+$/.test(token as string) ? token : undefined;
}

/**
 * Evaluates every rule API Gateway's JWT authorizer applies to a request, independently, so that a
 * test can assert which rule a token breaks.
 * @param identity the value of the identity source header (e.g. `Authorization`)
 * @param setup the authorizer configuration and the route called
 * @returns one outcome per rule in {@link JWT_AUTHORIZER_RULES}
 */
export async function checkJwtAuthorizerRules(
  identity: string | undefined,
  setup: JwtAuthorizerSetup,
): Promise<JwtAuthorizerReport> {
  const outcomes: RuleOutcome[] = [];
  const token = tokenFrom(identity);
  if (token === undefined) {
    outcomes.push(fail('identity-source', 'no token, or not "<jwt>" / "Bearer <jwt>"'));
    for (const rule of JWT_AUTHORIZER_RULES.slice(1)) outcomes.push(fail(rule, 'no token'));
    return report(outcomes);
  }
  outcomes.push(pass('identity-source'));

  // [HTTP] step 2 "Decode the token."
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    for (const rule of JWT_AUTHORIZER_RULES.slice(1)) outcomes.push(fail(rule, 'undecodable'));
    return report(outcomes);
  }

  // alg: [HTTP] step 3, RSA-based only; [REST-API] defaultAlgorithms, a subset of RS/ES 256-512.
  const allowed =
    setup.kind === 'http-api'
      ? HTTP_API_ALGORITHMS
      : (setup.algorithms ?? []).filter((a) => REST_API_ALGORITHMS.includes(a));
  const alg = header.alg;
  const algOk = typeof alg === 'string' && allowed.includes(alg);
  outcomes.push(algOk ? pass('alg') : fail('alg', `alg ${String(alg)} not in [${allowed}]`));

  // kid: [HTTP] step 4 "The token must have a header claim that matches the key in the jwks_uri
  // that signed the token." [REST] finds the key in the issuer's key set the same way.
  const kid = header.kid;
  const jwk = typeof kid === 'string' ? setup.jwks.keys.find((k) => k.kid === kid) : undefined;
  outcomes.push(
    jwk
      ? pass('kid')
      : fail('kid', typeof kid === 'string' ? 'kid not in the JWKS' : 'no kid header'),
  );

  // signature: [HTTP] step 3 "Check the token's algorithm and signature by using the public key
  // that is fetched from the issuer's jwks_uri." Verified here with jose against that key.
  let signatureOk = false;
  if (jwk && typeof alg === 'string' && REST_API_ALGORITHMS.includes(alg)) {
    try {
      const key = await importJWK(jwk, alg);
      await compactVerify(token, key, { algorithms: [alg] });
      signatureOk = true;
    } catch {
      signatureOk = false;
    }
  }
  outcomes.push(signatureOk ? pass('signature') : fail('signature', 'signature does not verify'));

  // iss: [HTTP] "Must match the issuer that is configured for the authorizer."; [REST-CREATE]
  // "must match the token's iss claim exactly, including any trailing slash".
  outcomes.push(
    claims.iss === setup.issuer
      ? pass('iss')
      : fail('iss', `iss ${JSON.stringify(claims.iss)} is not ${JSON.stringify(setup.issuer)}`),
  );

  // aud: [HTTP] "aud or client_id – Must match one of the audience entries ... API Gateway
  // validates client_id only if aud is not present. When both aud and client_id are present, API
  // Gateway evaluates aud." [REST-API] JwtIssuerInput.audiences: "The token's aud claim must
  // contain at least one of these values." (no client_id fallback on REST).
  const audList =
    typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  let audOk: boolean;
  if (claims.aud !== undefined) audOk = audList.some((a) => setup.audiences.includes(a));
  else if (setup.kind === 'http-api')
    audOk = typeof claims.client_id === 'string' && setup.audiences.includes(claims.client_id);
  else audOk = false;
  outcomes.push(audOk ? pass('aud') : fail('aud', 'no aud (or client_id) among the audiences'));

  // exp / nbf / iat: [HTTP] "exp – Must be after the current time in UTC.", "nbf – Must be before
  // the current time in UTC.", "iat – Must be before the current time in UTC." The pages name no
  // clock skew, so none is allowed here (the safe side). A missing claim fails: the pages do not
  // say it may be omitted, and our tokens always carry all three.
  const now = setup.nowSeconds;
  outcomes.push(
    isNumericDate(claims.exp) && claims.exp > now ? pass('exp') : fail('exp', 'expired or no exp'),
  );
  outcomes.push(
    isNumericDate(claims.nbf) && claims.nbf < now
      ? pass('nbf')
      : fail('nbf', 'not yet valid or no nbf'),
  );
  outcomes.push(
    isNumericDate(claims.iat) && claims.iat < now
      ? pass('iat')
      : fail('iat', 'iat not in the past'),
  );

  // scope: [HTTP] "scope or scp – The token must include at least one of the scopes in the
  // route's authorizationScopes."; [REST-METHODS] "API Gateway reads a method's scopes from the
  // token's scope or scp claim ... at least one of the method's scopes". The pages do not define
  // the claim's format; RFC 9068 §2.2.3 / RFC 8693 §4.2 define `scope` as a space-delimited
  // string, so only that form is accepted here (a JSON array fails, the safe side).
  const scopeClaim = claims.scope ?? claims.scp;
  const scopeIsString = typeof scopeClaim === 'string';
  const held = scopeIsString ? scopeClaim.split(' ').filter(Boolean) : [];
  const scopeOk =
    setup.routeScopes.length === 0
      ? scopeClaim === undefined || scopeIsString
      : held.some((s) => setup.routeScopes.includes(s));
  outcomes.push(
    scopeOk
      ? pass('scope')
      : fail(
          'scope',
          scopeIsString || scopeClaim === undefined
            ? `none of [${setup.routeScopes}] in the scope claim`
            : 'scope claim is not a space-delimited string',
        ),
  );
  return report(outcomes);
}

function report(outcomes: RuleOutcome[]): JwtAuthorizerReport {
  return { outcomes, failed: outcomes.filter((o) => !o.ok).map((o) => o.rule) };
}
