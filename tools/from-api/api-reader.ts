// Reads a deployed REST API and its stage through the API Gateway API (AWS, or an emulator via AWS_ENDPOINT_URL).
import {
  APIGatewayClient,
  GetAuthorizersCommand,
  GetGatewayResponsesCommand,
  GetMethodCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetStageCommand,
  GetStagesCommand,
  type Authorizer,
  type GatewayResponse,
  type Resource,
  type RestApi,
  type Stage,
} from '@aws-sdk/client-api-gateway';
import type { DeployedApiSnapshot } from './api-plan';
import { FromApiError } from './errors';

/** Largest page size the API Gateway API accepts. */
const PAGE_SIZE = 500;

function isNotFound(err: unknown): boolean {
  return (err as { name?: string }).name === 'NotFoundException';
}

async function region(client: APIGatewayClient): Promise<string> {
  try {
    return await client.config.region();
  } catch (err) {
    throw new FromApiError(
      'no AWS region is configured: set AWS_REGION (or AWS_PROFILE with a region)',
      { cause: err },
    );
  }
}

/**
 * Follows `position` through every page of an API Gateway list call.
 * @param readPage reads the page at `position` (undefined: the first)
 * @returns all items, in order
 */
export async function readAllPages<T>(
  readPage: (position: string | undefined) => Promise<{ items?: T[]; position?: string }>,
): Promise<T[]> {
  const items: T[] = [];
  let position: string | undefined;
  do {
    const page = await readPage(position);
    items.push(...(page.items ?? []));
    position = page.position;
  } while (position);
  return items;
}

async function readResources(client: APIGatewayClient, restApiId: string): Promise<Resource[]> {
  const resources = await readAllPages((position) =>
    client.send(
      new GetResourcesCommand({ restApiId, embed: ['methods'], limit: PAGE_SIZE, position }),
    ),
  );
  // `embed=methods` returns whole methods; one without its integration is read on its own.
  for (const resource of resources) {
    for (const [httpMethod, method] of Object.entries(resource.resourceMethods ?? {})) {
      if (method.methodIntegration && method.httpMethod) continue;
      const full = await client.send(
        new GetMethodCommand({ restApiId, resourceId: resource.id, httpMethod }),
      );
      (resource.resourceMethods as Record<string, typeof full>)[httpMethod] = {
        ...full,
        httpMethod,
      };
    }
  }
  return resources;
}

/**
 * Every authorizer of the API (GetAuthorizers, https://docs.aws.amazon.com/apigateway/latest/api/API_GetAuthorizers.html),
 * with its `authorizerResultTtlInSeconds`: "If it equals 0, authorization caching is disabled. If
 * it is greater than 0, API Gateway will cache authorizer responses. If this field is not set, the
 * default value is 300." (Authorizer, https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html).
 * The emulator caches for that TTL, so a DPoP route behind a cached authorizer is answered from
 * the cache as on AWS (tools/from-api/dpop-settings.ts warns of it).
 */
function readAuthorizers(client: APIGatewayClient, restApiId: string): Promise<Authorizer[]> {
  return readAllPages((position) =>
    client.send(new GetAuthorizersCommand({ restApiId, limit: PAGE_SIZE, position })),
  );
}

/**
 * The API's gateway responses: "If an API developer has not added any definitions for gateway
 * responses, the result will be the API Gateway-generated default GatewayResponses collection for
 * the supported response types" (GetGatewayResponses, https://docs.aws.amazon.com/apigateway/latest/api/API_GetGatewayResponses.html).
 * The 401's `WWW-Authenticate` (the Bearer and DPoP challenges of modules/authorizer) comes from here.
 */
function readGatewayResponses(
  client: APIGatewayClient,
  restApiId: string,
): Promise<GatewayResponse[]> {
  return readAllPages((position) =>
    client.send(new GetGatewayResponsesCommand({ restApiId, limit: PAGE_SIZE, position })),
  );
}

async function readStage(
  client: APIGatewayClient,
  restApiId: string,
  stageName: string | undefined,
): Promise<Stage> {
  if (stageName) {
    try {
      return await client.send(new GetStageCommand({ restApiId, stageName }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const stages = (await client.send(new GetStagesCommand({ restApiId }))).item ?? [];
  const names = stages.map((s) => s.stageName).join(', ') || 'none';
  if (stageName) {
    throw new FromApiError(`REST API ${restApiId} has no stage ${stageName} (stages: ${names})`);
  }
  if (stages.length !== 1) {
    throw new FromApiError(
      `REST API ${restApiId} has ${stages.length} stages (${names}): pick one with --stage NAME`,
    );
  }
  return stages[0] as Stage;
}

/**
 * Reads everything the emulator needs about one REST API and stage. This is the API's current
 * definition (what `terraform apply` wrote), which a stage serves once it is deployed.
 * @param options REST API id, stage name (optional when the API has exactly one) and SDK client
 * @returns the snapshot
 * @throws FromApiError when the API, the stage or the region cannot be found
 */
export async function readDeployedApi(options: {
  restApiId: string;
  stage?: string;
  client?: APIGatewayClient;
}): Promise<DeployedApiSnapshot> {
  const client = options.client ?? new APIGatewayClient({});
  const where = await region(client);
  let restApi: RestApi;
  try {
    restApi = await client.send(new GetRestApiCommand({ restApiId: options.restApiId }));
  } catch (err) {
    if (isNotFound(err)) {
      const endpoint = process.env.AWS_ENDPOINT_URL ? ` at ${process.env.AWS_ENDPOINT_URL}` : '';
      throw new FromApiError(
        `REST API ${options.restApiId} does not exist in ${where}${endpoint}`,
        { cause: err },
      );
    }
    throw err;
  }
  const [resources, authorizers, gatewayResponses, stage] = await Promise.all([
    readResources(client, options.restApiId),
    readAuthorizers(client, options.restApiId),
    readGatewayResponses(client, options.restApiId),
    readStage(client, options.restApiId, options.stage),
  ]);
  return { restApi, resources, authorizers, gatewayResponses, stage, region: where };
}
