// The reason each authorizer rejection is counted under: every verifier error class and claim, the revocation verdicts, and the rest as malformed.
import {
  MalformedRequestError,
  RevocationError,
  UNAUTHORIZED_REASONS,
  unauthorizedReason,
  type UnauthorizedReason,
} from '../../../functions/authorizer/rejections';
import { MethodArnError } from '../../../functions/authorizer/core/policy';
import {
  JwtAlgNotAllowedError,
  JwtClaimInvalidError,
  JwtClaimMismatchError,
  JwtExpiredError,
  JwtInvalidHeaderError,
  JwtMalformedError,
  JwtNotYetValidError,
  JwtSignatureError,
  JwtTooLargeError,
  JwtUnknownKidError,
} from '../../../functions/shared/jwt-errors';

describe('unauthorizedReason', () => {
  it.each<[string, unknown, UnauthorizedReason]>([
    ['exp passed', new JwtExpiredError('exp', 'm'), 'expired'],
    ['nbf not reached', new JwtNotYetValidError('nbf', 'm'), 'expired'],
    ['a signature that does not verify', new JwtSignatureError('m'), 'bad_signature'],
    ['an alg the key does not allow', new JwtAlgNotAllowedError('m'), 'bad_signature'],
    ['a missing or unknown kid', new JwtUnknownKidError('m'), 'unknown_kid'],
    ['an unexpected aud', new JwtClaimMismatchError('aud', 'm'), 'wrong_audience'],
    ['a missing aud', new JwtClaimInvalidError('aud', 'm'), 'wrong_audience'],
    ['an unexpected iss', new JwtClaimMismatchError('iss', 'm'), 'wrong_issuer'],
    ['a missing iss', new JwtClaimInvalidError('iss', 'm'), 'wrong_issuer'],
    ['a revoked token', new RevocationError('revoked'), 'revoked'],
    ['a disabled client', new RevocationError('disabled'), 'disabled_client'],
    ['unreadable revocation state', new RevocationError('unavailable'), 'revocation_unavailable'],
    ['another claim missing or mistyped', new JwtClaimInvalidError('sub', 'm'), 'malformed'],
    ['a token that is not a JWS', new JwtMalformedError('m'), 'malformed'],
    ['a token over the size cap', new JwtTooLargeError('m'), 'malformed'],
    ['a header the profile refuses', new JwtInvalidHeaderError('m'), 'malformed'],
    ['no Bearer token', new MalformedRequestError('not a Bearer token'), 'malformed'],
    ['a methodArn of another method', new MethodArnError('m'), 'malformed'],
    ['anything else', new TypeError('bug'), 'malformed'],
    ['a thrown non-error', 'oops', 'malformed'],
  ])('%s is %s', (_name, error, reason) => {
    expect(unauthorizedReason(error)).toBe(reason);
  });

  it('lists every reason once', () => {
    expect(new Set(UNAUTHORIZED_REASONS).size).toBe(UNAUTHORIZED_REASONS.length);
  });
});

describe('rejection errors', () => {
  it('name the revocation verdict for the log', () => {
    expect(
      (['revoked', 'disabled', 'unavailable'] as const).map((v) => new RevocationError(v).name),
    ).toEqual(['TokenRevoked', 'ClientDisabled', 'RevocationStateUnavailable']);
    expect(new MalformedRequestError('not a Bearer token')).toMatchObject({
      name: 'MalformedRequestError',
      message: 'not a Bearer token',
    });
  });
});
