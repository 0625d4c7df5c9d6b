// Unit tests of the protected API's gateway responses: the one file Terraform and the emulator share, rendered as RFC 6750 §3 challenges.
import fs from 'node:fs';
import path from 'node:path';
import { renderGatewayResponse } from '../../../../tools/gateway/gateway-responses';
import { DPOP_ALGORITHMS } from '../../../../functions/shared/dpop-proof';
import {
  DPOP_CHALLENGE,
  GATEWAY_RESPONSES_FILE,
  OAUTH_GATEWAY_RESPONSES,
  gatewayResponsesFromDefinition,
  oauthGatewayResponses,
} from '../../../../tools/local-server/oauth-gateway-responses';

const ROOT = path.resolve(__dirname, '../../../..');

// RFC 6750 §3: Bearer challenge with an error attribute (quoted string).
const BEARER_CHALLENGE = /^Bearer error="([a-z_]+)"$/;

describe('OAUTH_GATEWAY_RESPONSES (modules/authorizer/gateway-responses.json)', () => {
  it.each([
    ['UNAUTHORIZED', 401, 'invalid_token'],
    ['ACCESS_DENIED', 403, 'insufficient_scope'],
  ] as const)(
    '%s renders %i with a Bearer error="%s" challenge, a JSON body and no-store',
    (type, status, error) => {
      // Act
      const result = renderGatewayResponse(type, OAUTH_GATEWAY_RESPONSES, 'req-1');

      // Assert
      expect(result.statusCode).toBe(status);
      expect(result.headers).toEqual({
        'Content-Type': ['application/json'],
        'WWW-Authenticate': [`Bearer error="${error}"`],
        'Cache-Control': ['no-store'],
      });
      const challenge = BEARER_CHALLENGE.exec(result.headers['WWW-Authenticate']?.[0] ?? '');
      const body = JSON.parse(result.body.toString('utf8')) as Record<string, unknown>;
      // The body names the same error as the challenge, with a static description.
      expect(body).toEqual({ error: challenge?.[1], error_description: expect.any(String) });
      expect(body.error).toBe(error);
    },
  );

  it('defines exactly the two responses the authorizer produces', () => {
    // Assert
    expect(Object.keys(OAUTH_GATEWAY_RESPONSES).sort()).toEqual(['ACCESS_DENIED', 'UNAUTHORIZED']);
  });

  it('is the file the Terraform authorizer module deploys, with no second definition in HCL', () => {
    // Arrange
    const mainTf = fs.readFileSync(path.join(ROOT, 'modules/authorizer/main.tf'), 'utf8');
    const onDisk = JSON.parse(fs.readFileSync(path.join(ROOT, GATEWAY_RESPONSES_FILE), 'utf8'));

    // Act
    const fromFile = gatewayResponsesFromDefinition(onDisk);

    // Assert: Terraform decodes the same file and passes every field through unchanged.
    expect(mainTf).toContain('jsondecode(file("${path.module}/gateway-responses.json"))');
    const resource = /resource "aws_api_gateway_gateway_response" "this" \{([\s\S]*?)\n\}/.exec(
      mainTf,
    )?.[1];
    expect(resource?.replace(/\s+/g, ' ')).toContain(
      'status_code = each.value.status_code response_parameters = each.value.response_parameters response_templates = each.value.response_templates',
    );
    // The HCL names one header only: the 401's WWW-Authenticate, to append the DPoP challenge.
    expect(new Set(mainTf.match(/gatewayresponse\.header\.[\w-]+/g))).toEqual(
      new Set(['gatewayresponse.header.WWW-Authenticate']),
    );
    expect(mainTf).toContain(
      'jsondecode(file("${path.module}/../../functions/shared/dpop-algorithms.json"))',
    );
    expect(fromFile).toEqual(OAUTH_GATEWAY_RESPONSES);
  });
});

/**
 * Splits a WWW-Authenticate value into its challenges by RFC 9110 §11.6.1's grammar (challenge =
 * auth-scheme [ 1*SP ( token68 / #auth-param ) ], auth-param = token BWS "=" BWS ( token /
 * quoted-string )), for the auth-param form only; throws on anything else.
 */
function parseChallenges(value: string): { scheme: string; params: Record<string, string> }[] {
  const token = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
  const param = new RegExp(`^(${token})=(?:(${token})|"((?:[^"\\\\]|\\\\.)*)")`);
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  let rest = value;
  while (rest !== '') {
    const scheme = new RegExp(`^(${token}) `).exec(rest);
    if (!scheme) throw new Error(`no auth-scheme at: ${rest}`);
    rest = rest.slice(scheme[0].length);
    const params: Record<string, string> = {};
    for (;;) {
      const p = param.exec(rest);
      if (!p) throw new Error(`no auth-param at: ${rest}`);
      params[p[1]!.toLowerCase()] = p[2] ?? p[3]!;
      rest = rest.slice(p[0].length);
      if (rest === '') break;
      if (!rest.startsWith(', ')) throw new Error(`no list separator at: ${rest}`);
      rest = rest.slice(2);
      // A token followed by a space starts the next challenge, not another auth-param.
      if (new RegExp(`^${token} `).test(rest)) break;
    }
    challenges.push({ scheme: scheme[1]!, params });
  }
  return challenges;
}

describe('oauthGatewayResponses: the DPoP challenge (RFC 9449 §7.1)', () => {
  it('adds DPoP algs="ES256 PS256 RS256" after the Bearer challenge of the 401 when the API has a DPoP route', () => {
    // Act
    const result = renderGatewayResponse(
      'UNAUTHORIZED',
      oauthGatewayResponses({ dpop: true }),
      'r',
    );

    // Assert: the exact header API Gateway sends, parsed as two challenges.
    const header = result.headers['WWW-Authenticate']?.[0] ?? '';
    expect(header).toBe('Bearer error="invalid_token", DPoP algs="ES256 PS256 RS256"');
    expect(parseChallenges(header)).toEqual([
      { scheme: 'Bearer', params: { error: 'invalid_token' } },
      { scheme: 'DPoP', params: { algs: 'ES256 PS256 RS256' } },
    ]);
    expect(result.statusCode).toBe(401);
    expect(JSON.parse(result.body.toString('utf8'))).toMatchObject({ error: 'invalid_token' });
  });

  it('lists exactly the algorithms the proof verifier accepts (one definition)', () => {
    // Act
    const [, dpop] = parseChallenges(`Bearer error="invalid_token", ${DPOP_CHALLENGE}`);

    // Assert
    expect(dpop?.params.algs?.split(' ')).toEqual([...DPOP_ALGORITHMS]);
  });

  it('leaves the 403 and an API without DPoP routes unchanged', () => {
    // Act
    const withDpop = oauthGatewayResponses({ dpop: true });
    const without = oauthGatewayResponses({ dpop: false });

    // Assert
    expect(without).toBe(OAUTH_GATEWAY_RESPONSES);
    expect(withDpop.ACCESS_DENIED).toEqual(OAUTH_GATEWAY_RESPONSES.ACCESS_DENIED);
    expect(parseChallenges('Bearer error="invalid_token"')).toEqual([
      { scheme: 'Bearer', params: { error: 'invalid_token' } },
    ]);
  });

  it.each(['Bearer', 'Bearer error=', 'Bearer error="x" DPoP', 'Bearer error="x",DPoP algs="a"'])(
    'the challenge parser refuses %j (so it cannot pass anything)',
    (value) => {
      expect(() => parseChallenges(value)).toThrow();
    },
  );
});

describe('gatewayResponsesFromDefinition', () => {
  const good = {
    status_code: '401',
    response_parameters: { 'gatewayresponse.header.X-A': "'a'" },
    response_templates: { 'application/json': '{}' },
  };

  it('converts Terraform argument names to the emulator terms', () => {
    // Act
    const responses = gatewayResponsesFromDefinition({ UNAUTHORIZED: good }, 'f.json');

    // Assert
    expect(responses).toEqual({
      UNAUTHORIZED: {
        statusCode: 401,
        responseParameters: { 'gatewayresponse.header.X-A': "'a'" },
        responseTemplates: { 'application/json': '{}' },
      },
    });
  });

  it.each([
    ['not an object', [], /f\.json must be a JSON object keyed by gateway response type/],
    ['null', null, /must be a JSON object/],
    [
      'an unknown type',
      { WAF_FILTERED: good },
      /f\.json: WAF_FILTERED is not a gateway response type/,
    ],
    ['an entry that is not an object', { UNAUTHORIZED: 'x' }, /UNAUTHORIZED must be an object/],
    ['an unknown field', { UNAUTHORIZED: { ...good, body: {} } }, /unknown fields: body/],
    ['a numeric status', { UNAUTHORIZED: { ...good, status_code: 401 } }, /status_code must be/],
    ['a bad status', { UNAUTHORIZED: { ...good, status_code: '600' } }, /status_code must be/],
    [
      'parameters that are not an object',
      { UNAUTHORIZED: { ...good, response_parameters: ['x'] } },
      /response_parameters must be an object of strings/,
    ],
    [
      'a template that is not a string',
      { UNAUTHORIZED: { ...good, response_templates: { 'application/json': {} } } },
      /response_templates\.application\/json must be a string/,
    ],
    [
      'a header value that is not a quoted literal',
      {
        UNAUTHORIZED: {
          ...good,
          response_parameters: { 'gatewayresponse.header.X-A': 'method.request.header.A' },
        },
      },
      /must be a static value in single quotes/,
    ],
  ])('rejects %s, naming the file and field', (_name, raw, message) => {
    // Act
    const act = (): unknown => gatewayResponsesFromDefinition(raw, 'f.json');

    // Assert
    expect(act).toThrow(message);
  });
});
