// Unit tests of MOCK integrations: the VTL subset check, rendering and integration response selection.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import {
  answerMock,
  renderTemplate,
  unsupportedTemplateFeature,
  type MockSpec,
} from '../../../../tools/from-api/mock-integration';

const event = (overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent =>
  ({
    headers: { 'Content-Type': 'application/json', 'X-Trace': 'header-value' },
    pathParameters: { id: '42' },
    queryStringParameters: { q: 'query-value', id: 'shadowed' },
    stageVariables: { color: 'blue' },
    requestContext: {
      requestId: 'req-1',
      stage: 'v1',
      identity: { sourceIp: '127.0.0.1' },
      authorizer: { principalId: 'client-1', client_id: 'client-1', scope: 'demo:read' },
    },
    ...overrides,
  }) as unknown as APIGatewayProxyEvent;

describe('unsupportedTemplateFeature', () => {
  it.each([
    '{"statusCode": 200}',
    '{"id": "$context.authorizer.client_id", "s": "$!{context.stage}", "c": "${stageVariables.color}"}',
    '{"p": "$input.params(\'id\')", "price": "$5", "color": "#fff"}',
  ])('accepts %s', (template) => {
    expect(unsupportedTemplateFeature(template)).toBeUndefined();
  });

  it.each([
    ['#set($a = 1)', 'VTL directive #set'],
    ['#if($x) a #end', 'VTL directive #if'],
    ['## comment', 'VTL directive ##'],
    ["$input.json('$')", '$input.json'],
    ['$input.body', '$input.body'],
    ['$util.escapeJavaScript("x")', '$util'],
    ['$context', '$context'],
    ['${context.stage', 'malformed reference ${context.stage'],
  ])('refuses %s', (template, feature) => {
    expect(unsupportedTemplateFeature(template)).toBe(feature);
  });
});

describe('renderTemplate', () => {
  it('renders $context, $stageVariables and $input.params in API Gateway order (path, query, header)', () => {
    // Act
    const out = renderTemplate(
      "$context.authorizer.client_id|$!{context.identity.sourceIp}|${stageVariables.color}|$input.params('id')|$input.params('q')|$input.params('x-trace')",
      event(),
    );

    // Assert
    expect(out).toBe('client-1|127.0.0.1|blue|42|query-value|header-value');
  });

  it('renders unknown variables and objects as empty strings', () => {
    expect(
      renderTemplate("[$context.nope.deeper][$context.identity][$input.params('none')]", event()),
    ).toBe('[][][]');
  });
});

describe('answerMock', () => {
  const spec: MockSpec = {
    requestTemplates: {
      'application/json': '{"statusCode": $input.params(\'code\')}',
      'text/plain': '{"statusCode": 200}',
    },
    responses: [
      {
        statusCode: 200,
        headers: { 'X-A': 'b' },
        template: '{"who":"$context.authorizer.client_id"}',
        contentType: 'application/json',
      },
      {
        statusCode: 404,
        selectionPattern: '4\\d\\d',
        headers: {},
        contentType: 'application/json',
      },
    ],
  };

  it('selects the integration response by the status code the request template renders', () => {
    // Act
    const notFound = answerMock(spec, event({ queryStringParameters: { code: '404' } }));
    const ok = answerMock(spec, event({ queryStringParameters: { code: '200' } }));

    // Assert
    expect(notFound).toEqual({
      statusCode: 404,
      headers: { 'Content-Type': 'application/json' },
      body: '',
    });
    expect(ok).toEqual({
      statusCode: 200,
      headers: { 'Content-Type': 'application/json', 'X-A': 'b' },
      body: '{"who":"client-1"}',
    });
  });

  it('picks the request template by Content-Type', () => {
    // Act
    const result = answerMock(
      spec,
      event({ headers: { 'content-type': 'text/plain; charset=utf-8' } }),
    );

    // Assert
    expect(result.statusCode).toBe(200);
  });

  it('fails when the request template does not render JSON or nothing matches', () => {
    // Arrange
    const strict: MockSpec = {
      ...spec,
      responses: [spec.responses[1] as MockSpec['responses'][number]],
    };

    // Act / Assert
    expect(() => answerMock(spec, event({ queryStringParameters: { code: 'x' } }))).toThrow(
      /did not render JSON/,
    );
    expect(() => answerMock(strict, event({ queryStringParameters: { code: '200' } }))).toThrow(
      'no integration response matches status 200',
    );
  });

  it('uses status 200 when there is no request template', () => {
    // Act
    const result = answerMock({ requestTemplates: {}, responses: spec.responses }, event());

    // Assert
    expect(result.statusCode).toBe(200);
  });
});
