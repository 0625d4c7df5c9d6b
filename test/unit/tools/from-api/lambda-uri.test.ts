// Unit tests of Lambda invocation URI and function ARN parsing.
import {
  functionArnFromUri,
  parseFunctionArn,
  substituteStageVariables,
} from '../../../../tools/from-api/lambda-uri';

describe('functionArnFromUri', () => {
  it('reads the function ARN out of an invoke_arn', () => {
    // Act
    const fn = functionArnFromUri(
      'arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:my-fn:live/invocations',
    );

    // Assert
    expect(fn).toEqual({
      arn: 'arn:aws:lambda:eu-west-1:123456789012:function:my-fn:live',
      partition: 'aws',
      region: 'eu-west-1',
      accountId: '123456789012',
      functionName: 'my-fn',
      qualifier: 'live',
    });
  });

  it.each([
    'arn:aws:apigateway:us-east-1:sqs:path/123/queue',
    'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/not-an-arn/invocations',
    'https://example.com',
  ])('returns undefined for %s', (uri) => {
    expect(functionArnFromUri(uri)).toBeUndefined();
  });

  it('parses unqualified ARNs in other partitions', () => {
    expect(parseFunctionArn('arn:aws-cn:lambda:cn-north-1:123456789012:function:f')).toMatchObject({
      partition: 'aws-cn',
      functionName: 'f',
    });
  });
});

describe('substituteStageVariables', () => {
  it('replaces references and names the first missing one', () => {
    expect(substituteStageVariables('a-${stageVariables.x}', { x: '1' })).toEqual({ value: 'a-1' });
    expect(substituteStageVariables('${stageVariables.y}${stageVariables.z}', {})).toEqual({
      missing: 'y',
    });
  });
});
