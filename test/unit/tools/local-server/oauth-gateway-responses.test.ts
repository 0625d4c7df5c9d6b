// Unit tests of the protected API's gateway responses: the one file Terraform and the emulator share, rendered as RFC 6750 §3 challenges.
import fs from 'node:fs';
import path from 'node:path';
import { renderGatewayResponse } from '../../../../tools/gateway/gateway-responses';
import {
  GATEWAY_RESPONSES_FILE,
  OAUTH_GATEWAY_RESPONSES,
  gatewayResponsesFromDefinition,
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
    expect(mainTf).not.toContain('gatewayresponse.header.');
    expect(fromFile).toEqual(OAUTH_GATEWAY_RESPONSES);
  });
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
