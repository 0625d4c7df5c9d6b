// API keys and usage plan keys in API Gateway, and the plans' config item in the clients table, for the clients CLI (never shipped to Lambda).
import {
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  DeleteUsagePlanKeyCommand,
  GetApiKeyCommand,
  GetApiKeysCommand,
  GetRestApiCommand,
  GetUsageCommand,
  GetUsagePlanKeyCommand,
  UpdateApiKeyCommand,
  type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UsageError } from '../cli/usage-error';
import type { UsageKey, UsageKeyGateway, UsagePlansConfig, UsageReport } from './usage-key-gateway';

/** `client_id` of the item Terraform writes with the plan ids (main.tf, aws_dynamodb_table_item.usage_plans). */
export const USAGE_PLANS_CONFIG_KEY = 'config#usage-plans';

function named(err: unknown, ...names: string[]): boolean {
  return names.includes((err as { name?: string }).name ?? '');
}

/**
 * The HTTP status of a failed call when the endpoint answered it as a server without the
 * operation: 501 Not Implemented, or 404 / 405 with a body that is not an AWS error (so the SDK
 * fails to deserialize it: moto_server answers GetUsage with an HTML 404 page). API Gateway
 * answers an unknown plan or key with a JSON NotFoundException, which is not matched.
 * @param err what the SDK threw
 * @returns the status, or undefined for any other failure
 */
export function missingOperationStatus(err: unknown): number | undefined {
  const error = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = error?.$metadata?.httpStatusCode;
  if (status === 501) return status;
  const undeserializable =
    error?.name === 'SyntaxError' || /Deserialization error/.test(error?.message ?? '');
  return (status === 404 || status === 405) && undeserializable ? status : undefined;
}

/**
 * The API Gateway side of a client's API key. Keys are named by client id and created with the
 * value the client record already holds, so the record names every key before it exists. Calls:
 * CreateApiKey, GetApiKey(s), UpdateApiKey, DeleteApiKey, CreateUsagePlanKey, GetUsagePlanKey,
 * DeleteUsagePlanKey, GetUsage (docs/usage-plans.md lists the IAM actions).
 */
export class ApiGatewayUsageKeys implements UsageKeyGateway {
  /**
   * @param options API Gateway and DynamoDB clients, and the clients table holding the config item
   */
  constructor(
    private readonly options: {
      apiGateway: APIGatewayClient;
      dynamoDb: DynamoDBClient;
      tableName: string;
      /** How messages name the API Gateway endpoint, e.g. `http://127.0.0.1:5000 (AWS_ENDPOINT_URL)`. */
      endpoint?: string;
    },
  ) {}

  async config(): Promise<UsagePlansConfig | undefined> {
    const out = await this.options.dynamoDb.send(
      new GetItemCommand({
        TableName: this.options.tableName,
        Key: { client_id: { S: USAGE_PLANS_CONFIG_KEY } },
        ConsistentRead: true,
      }),
    );
    const item = out.Item;
    if (item === undefined) return undefined;
    const plans: Record<string, string> = {};
    for (const [name, value] of Object.entries(item.plans?.M ?? {})) {
      if (value.S !== undefined) plans[name] = value.S;
    }
    const restApiId = item.rest_api_id?.S;
    // GetRestApi's apiKeySource is "HEADER" or "AUTHORIZER" (API Reference, RestApi,
    // https://docs.aws.amazon.com/apigateway/latest/api/API_RestApi.html); resolvePlan refuses to
    // give keys unless it is AUTHORIZER. The docs do not say what an absent value means; it is
    // taken as HEADER, the refusing side.
    const apiKeySource =
      restApiId === undefined
        ? undefined
        : ((await this.options.apiGateway.send(new GetRestApiCommand({ restApiId })))
            .apiKeySource ?? 'HEADER');
    return {
      plans,
      ...(item.default_plan?.S !== undefined ? { defaultPlan: item.default_plan.S } : {}),
      ...(restApiId !== undefined ? { restApiId } : {}),
      ...(item.stage?.S !== undefined ? { stage: item.stage.S } : {}),
      ...(apiKeySource !== undefined ? { apiKeySource } : {}),
    };
  }

  async getKey(id: string): Promise<UsageKey | undefined> {
    try {
      const key = await this.options.apiGateway.send(
        new GetApiKeyCommand({ apiKey: id, includeValue: true }),
      );
      return { id: key.id as string, value: key.value ?? '', enabled: key.enabled === true };
    } catch (err) {
      if (named(err, 'NotFoundException')) return undefined;
      throw err;
    }
  }

  async findKey(name: string): Promise<UsageKey | undefined> {
    let position: string | undefined;
    do {
      const page = await this.options.apiGateway.send(
        new GetApiKeysCommand({ nameQuery: name, includeValues: true, limit: 500, position }),
      );
      // nameQuery matches a prefix; only the exact name is the client's key.
      const key = page.items?.find((k) => k.name === name);
      if (key !== undefined) {
        return { id: key.id as string, value: key.value ?? '', enabled: key.enabled === true };
      }
      position = page.position;
    } while (position);
    return undefined;
  }

  async createKey(name: string, value: string, enabled: boolean): Promise<string> {
    const key = await this.options.apiGateway.send(
      new CreateApiKeyCommand({
        name,
        value,
        enabled,
        description: `OAuth client ${name} (managed by the clients CLI)`,
      }),
    );
    return key.id as string;
  }

  async setEnabled(id: string, enabled: boolean): Promise<void> {
    await this.options.apiGateway.send(
      new UpdateApiKeyCommand({
        apiKey: id,
        patchOperations: [{ op: 'replace', path: '/enabled', value: String(enabled) }],
      }),
    );
  }

  async deleteKey(id: string): Promise<void> {
    try {
      await this.options.apiGateway.send(new DeleteApiKeyCommand({ apiKey: id }));
    } catch (err) {
      if (!named(err, 'NotFoundException')) throw err;
    }
  }

  async plansOf(keyId: string, planIds: readonly string[]): Promise<string[]> {
    const held: string[] = [];
    for (const usagePlanId of planIds) {
      try {
        await this.options.apiGateway.send(new GetUsagePlanKeyCommand({ usagePlanId, keyId }));
        held.push(usagePlanId);
      } catch (err) {
        if (!named(err, 'NotFoundException')) throw err;
      }
    }
    return held;
  }

  async addToPlan(planId: string, keyId: string): Promise<void> {
    try {
      await this.options.apiGateway.send(
        new CreateUsagePlanKeyCommand({ usagePlanId: planId, keyId, keyType: 'API_KEY' }),
      );
    } catch (err) {
      // Already in the plan (a rerun): nothing to do.
      if (!named(err, 'ConflictException')) throw err;
    }
  }

  async removeFromPlan(planId: string, keyId: string): Promise<void> {
    try {
      await this.options.apiGateway.send(
        new DeleteUsagePlanKeyCommand({ usagePlanId: planId, keyId }),
      );
    } catch (err) {
      if (!named(err, 'NotFoundException')) throw err;
    }
  }

  async usage(planId: string, keyId: string, from: string, to: string): Promise<UsageReport> {
    // GetUsage "gets the usage data of a usage plan in a specified time interval"; items map a key
    // id to one [used, remaining] pair per day (API Reference, GetUsage,
    // https://docs.aws.amazon.com/apigateway/latest/api/API_GetUsage.html).
    const out = await this.options.apiGateway
      .send(new GetUsageCommand({ usagePlanId: planId, keyId, startDate: from, endDate: to }))
      .catch((err: unknown) => {
        const status = missingOperationStatus(err);
        if (status === undefined) throw err;
        // Said plainly instead of the SDK's "Deserialization error" about an HTML page.
        throw new UsageError(
          `usage: the endpoint ${this.options.endpoint ?? 'of API Gateway'} does not implement ` +
            `API Gateway GetUsage (it answered HTTP ${status}, not an API Gateway response), so ` +
            'it has no request counts to report; emulators such as moto_server lack it',
          { cause: err },
        );
      });
    // The service's JSON names the map `values` (the SDK's `items`); the API Reference's example
    // keys it by "{api_key}" without saying whether that is the key's id or its value. The request
    // names one key (keyId), so the answer is about that key alone: take it by id, or else the one
    // entry there is, and never an entry of another key.
    const items = out.items ?? {};
    const entries = Object.values(items);
    const perDay = items[keyId] ?? (entries.length === 1 ? entries[0] : undefined) ?? [];
    const start = Date.parse(`${out.startDate ?? from}T00:00:00Z`);
    return {
      startDate: out.startDate ?? from,
      endDate: out.endDate ?? to,
      days: perDay.map((pair, i) => ({
        date: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
        used: pair[0] ?? 0,
        remaining: pair[1] ?? null,
      })),
    };
  }
}
