// What --from-api reads about DPoP: each authorizer's deployed result TTL beside its function's AUTHORIZER_RESULT_TTL_SECONDS and DPOP_* settings, and the warnings when they disagree.
import type { AuthorizerPlan } from '../../../../tools/from-api/api-plan';
import type { DeployedFunction } from '../../../../tools/from-api/deployed-function';
import {
  authorizerDpop,
  dpopSummary,
  dpopWarnings,
} from '../../../../tools/from-api/dpop-settings';

const ARN = 'arn:aws:lambda:us-east-1:123456789012:function:demo-authorizer';
const HOSTS = '["abc.execute-api.us-east-1.amazonaws.com"]';

function read(gatewayTtl: number, environment: Record<string, string>) {
  const authorizer = {
    id: 'a1',
    name: 'demo-authorizer',
    type: 'REQUEST',
    function: { arn: ARN },
    resultTtlSeconds: gatewayTtl,
  } as AuthorizerPlan;
  const fn = { arn: ARN, environment: { ISSUER: 'https://issuer', ...environment } };
  return authorizerDpop([authorizer], new Map([[ARN, fn as unknown as DeployedFunction]]));
}

describe('authorizerDpop and dpopWarnings', () => {
  it('reads the module wiring: uncached, told 0, with its hosts; no warning', () => {
    // Act
    const entries = read(0, {
      AUTHORIZER_RESULT_TTL_SECONDS: '0',
      DPOP_REPLAY_TABLE: 'demo-clients',
      DPOP_ALLOWED_HOSTS: HOSTS,
    });

    // Assert
    expect(entries).toEqual([
      {
        authorizer: 'demo-authorizer',
        gatewayTtlSeconds: 0,
        functionTtlSeconds: 0,
        allowedHosts: ['abc.execute-api.us-east-1.amazonaws.com'],
      },
    ]);
    expect(dpopWarnings(entries)).toEqual([]);
    expect(dpopSummary(entries[0])).toBe(
      ', DPoP for abc.execute-api.us-east-1.amazonaws.com (function told TTL 0s)',
    );
  });

  it('warns of the cached bypass: a cached authorizer in front of a function told TTL 0', () => {
    // Act
    const warnings = dpopWarnings(
      read(300, {
        AUTHORIZER_RESULT_TTL_SECONDS: '0',
        DPOP_REPLAY_TABLE: 'demo-clients',
        DPOP_ALLOWED_HOSTS: HOSTS,
      }),
    );

    // Assert
    expect(warnings).toEqual([
      expect.stringMatching(
        /^authorizer demo-authorizer caches decisions for 300 s, but its function was told AUTHORIZER_RESULT_TTL_SECONDS=0 and accepts DPoP: a cached decision answers later DPoP requests without their proof or replay check/,
      ),
    ]);
  });

  it.each([
    ['unset (read as 300)', {}, /is 300, so it refuses every DPoP request/],
    ['60', { AUTHORIZER_RESULT_TTL_SECONDS: '60' }, /is 60, so it refuses/],
    ['not a number', { AUTHORIZER_RESULT_TTL_SECONDS: 'x' }, /is not a whole number, so/],
  ])('says a DPoP function told a TTL %s refuses DPoP', (_name, ttl, message) => {
    // Act
    const warnings = dpopWarnings(
      read(0, { ...ttl, DPOP_REPLAY_TABLE: 'demo-clients', DPOP_ALLOWED_HOSTS: HOSTS }),
    );

    // Assert
    expect(warnings).toEqual([expect.stringMatching(message)]);
  });

  it('has nothing to say about an authorizer without DPoP, or a function of another product', () => {
    // Act
    const plain = read(300, { AUTHORIZER_RESULT_TTL_SECONDS: '300' });
    const foreign = authorizerDpop(
      [{ name: 'x', function: { arn: 'other' }, resultTtlSeconds: 300 } as AuthorizerPlan],
      new Map([['other', { environment: {} } as DeployedFunction]]),
    );
    const badHosts = read(0, { DPOP_REPLAY_TABLE: 't', DPOP_ALLOWED_HOSTS: 'not json' });

    // Assert
    expect(dpopWarnings(plain)).toEqual([]);
    expect(dpopSummary(plain[0])).toBe('');
    expect(foreign).toEqual([]);
    expect(badHosts[0]?.allowedHosts).toEqual([]);
  });
});
