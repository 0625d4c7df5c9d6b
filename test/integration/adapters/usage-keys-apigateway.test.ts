// The clients CLI's GetUsage mapping over the real wire protocol: moto has no GetUsage, so a local HTTP responder answers with the API Reference's documented response shape, or as an endpoint without GetUsage does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UsageError } from '../../../tools/cli/usage-error';
import { ApiGatewayUsageKeys } from '../../../tools/dev-adapters/usage-keys-apigateway';

/**
 * GetUsage: `GET /usageplans/{usageplanId}/usage?startDate&endDate&keyId`, answered with
 * `{ usagePlanId, startDate, endDate, position, values: { "{api_key}": [[used, remaining], ...] } }`
 * (API Reference, GetUsage, https://docs.aws.amazon.com/apigateway/latest/api/API_GetUsage.html).
 */
interface Responder {
  url: string;
  requests: URL[];
  /** Answers with `body` as JSON, or as it is when `raw`, and `status` (default 200). */
  respond(body: unknown, options?: { status?: number; raw?: { contentType: string } }): void;
  close(): Promise<void>;
}

async function startResponder(): Promise<Responder> {
  let body: unknown = {};
  let settings: Parameters<Responder['respond']>[1] = {};
  const requests: URL[] = [];
  const server = http.createServer((req, res) => {
    requests.push(new URL(req.url ?? '/', 'http://localhost'));
    res.writeHead(settings?.status ?? 200, {
      'content-type': settings?.raw?.contentType ?? 'application/json',
    });
    res.end(settings?.raw ? String(body) : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond: (next, options = {}) => {
      body = next;
      settings = options;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('ApiGatewayUsageKeys.usage over the wire', () => {
  let responder: Responder;
  let keys: ApiGatewayUsageKeys;

  beforeAll(async () => {
    responder = await startResponder();
    const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
    keys = new ApiGatewayUsageKeys({
      apiGateway: new APIGatewayClient({
        endpoint: responder.url,
        region: 'us-east-1',
        credentials,
        maxAttempts: 1,
      }),
      dynamoDb: new DynamoDBClient({ endpoint: responder.url, region: 'us-east-1', credentials }),
      tableName: 'unused',
      endpoint: `${responder.url} (AWS_ENDPOINT_URL)`,
    });
  });

  afterAll(() => responder.close());

  it('sends the plan, key and dates, and maps each [used, remaining] pair to its UTC day', async () => {
    // Arrange
    responder.respond({
      usagePlanId: 'plan1',
      startDate: '2026-11-29',
      endDate: '2026-12-01',
      values: {
        key1: [
          [0, 100],
          [10, 90],
          [100, 0],
        ],
      },
    });

    // Act
    const report = await keys.usage('plan1', 'key1', '2026-11-29', '2026-12-01');

    // Assert
    const request = responder.requests.at(-1) as URL;
    expect(request.pathname).toBe('/usageplans/plan1/usage');
    expect(Object.fromEntries(request.searchParams)).toMatchObject({
      keyId: 'key1',
      startDate: '2026-11-29',
      endDate: '2026-12-01',
    });
    expect(report).toEqual({
      startDate: '2026-11-29',
      endDate: '2026-12-01',
      days: [
        { date: '2026-11-29', used: 0, remaining: 100 },
        { date: '2026-11-30', used: 10, remaining: 90 },
        { date: '2026-12-01', used: 100, remaining: 0 },
      ],
    });
  });

  it('takes the one entry of a map keyed otherwise than by the key id (the docs leave it open)', async () => {
    // Arrange
    responder.respond({
      usagePlanId: 'plan1',
      startDate: '2026-12-01',
      endDate: '2026-12-01',
      values: { 'the-key-value': [[3, 7]] },
    });

    // Act
    const report = await keys.usage('plan1', 'key1', '2026-12-01', '2026-12-01');

    // Assert
    expect(report.days).toEqual([{ date: '2026-12-01', used: 3, remaining: 7 }]);
  });

  it('reports no days rather than another key’s usage when the map holds several keys', async () => {
    // Arrange
    responder.respond({
      usagePlanId: 'plan1',
      startDate: '2026-12-01',
      endDate: '2026-12-01',
      values: { other1: [[5, 5]], other2: [[6, 4]] },
    });

    // Act
    const report = await keys.usage('plan1', 'key1', '2026-12-01', '2026-12-01');

    // Assert
    expect(report.days).toEqual([]);
  });

  it('reports no days for a key with no usage data', async () => {
    // Arrange
    responder.respond({ usagePlanId: 'plan1', startDate: '2026-12-01', endDate: '2026-12-01' });

    // Act
    const report = await keys.usage('plan1', 'key1', '2026-12-01', '2026-12-01');

    // Assert
    expect(report).toEqual({ startDate: '2026-12-01', endDate: '2026-12-01', days: [] });
  });

  it.each([
    [404, 'text/html', '<!doctype html><title>404 Not Found</title>'],
    [405, 'text/html', '<!doctype html><title>405 Method Not Allowed</title>'],
    [501, 'application/json', '{"message":"not implemented"}'],
  ])(
    'an HTTP %i %s answer (an endpoint without GetUsage) is a UsageError that says so',
    async (status, contentType, body) => {
      // Arrange
      responder.respond(body, { status, raw: { contentType } });

      // Act
      const result = keys.usage('plan1', 'key1', '2026-12-01', '2026-12-01');

      // Assert
      await expect(result).rejects.toThrow(UsageError);
      await expect(result).rejects.toThrow(
        `usage: the endpoint ${responder.url} (AWS_ENDPOINT_URL) does not implement API Gateway ` +
          `GetUsage (it answered HTTP ${status}, not an API Gateway response)`,
      );
    },
  );

  it("passes API Gateway's own JSON NotFoundException on (an unknown plan or key)", async () => {
    // Arrange
    responder.respond('{"message":"Invalid Usage Plan ID specified"}', {
      status: 404,
      raw: { contentType: 'application/json' },
    });

    // Act
    const result = keys.usage('plan1', 'key1', '2026-12-01', '2026-12-01');

    // Assert
    await expect(result).rejects.not.toThrow(UsageError);
    await expect(result).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
  });
});
