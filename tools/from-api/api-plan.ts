// Translates a deployed REST API (as the API Gateway API returns it) into a validated plan for the emulator.
import type {
  Authorizer,
  GatewayResponse as AwsGatewayResponse,
  Integration as AwsIntegration,
  Method,
  Resource,
  RestApi,
  Stage,
} from '@aws-sdk/client-api-gateway';
import { AUTHORIZER_RESULT_TTL_SECONDS } from '../../functions/shared/limits';
import { DEFAULT_GATEWAY_RESPONSES, validateGatewayResponse } from '../gateway/gateway-responses';
import { parseIdentitySources } from '../gateway/request-authorizer';
import type { GatewayResponse, GatewayResponseType } from '../gateway/types';
import { FromApiError } from './errors';
import { functionArnFromUri, substituteStageVariables, type FunctionArn } from './lambda-uri';
import {
  unsupportedTemplateFeature,
  type MockResponseSpec,
  type MockSpec,
} from './mock-integration';

/** What the API Gateway API says about one REST API and one of its stages. */
export interface DeployedApiSnapshot {
  restApi: RestApi;
  /** Every resource, with `resourceMethods` embedded (full methods with integrations). */
  resources: Resource[];
  authorizers: Authorizer[];
  gatewayResponses: AwsGatewayResponse[];
  stage: Stage;
  /** Region the API was read from. */
  region: string;
}

/** Where a method sends requests. */
export type IntegrationPlan =
  { type: 'lambda'; function: FunctionArn } | { type: 'mock'; spec: MockSpec };

/** One method of one resource. */
export interface RoutePlan {
  method: string;
  resourcePath: string;
  /** The resource's id (`$context.resourceId`). */
  resourceId?: string;
  authorization: 'NONE' | 'CUSTOM';
  authorizerId?: string;
  /** `apiKeyRequired`: metered against the usage plans of the stage (key source AUTHORIZER). */
  apiKeyRequired?: boolean;
  integration: IntegrationPlan;
}

/** A TOKEN or REQUEST authorizer backed by a Lambda function. */
export interface AuthorizerPlan {
  id: string;
  name: string;
  type: 'TOKEN' | 'REQUEST';
  function: FunctionArn;
  identitySource: string;
  identityValidationExpression?: string;
  /** `authorizerResultTtlInSeconds`; API Gateway's default is 300. */
  resultTtlSeconds: number;
}

/** Everything the emulator needs, except the function code. */
export interface ApiPlan {
  restApiId: string;
  name: string;
  stage: string;
  region: string;
  /** AWS partition of the region (for method ARNs). */
  partition: string;
  accountId: string;
  stageVariables: Record<string, string>;
  binaryMediaTypes: string[];
  routes: RoutePlan[];
  authorizers: Record<string, AuthorizerPlan>;
  gatewayResponses: Partial<Record<GatewayResponseType, GatewayResponse>>;
  /** Distinct functions the routes and authorizers call. */
  functions: FunctionArn[];
  /** Settings that do not change what a request gets locally, reported at start. */
  notes: string[];
}

/** API Gateway's default authorizer cache TTL (see functions/shared/limits). */
const DEFAULT_AUTHORIZER_TTL_SECONDS = AUTHORIZER_RESULT_TTL_SECONDS.default;
const HEADER_IDENTITY = /^method\.request\.header\.[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const STATIC_VALUE = /^'.*'$/s;
const METHOD_HEADER = 'method.response.header.';

function mockSpec(
  integration: AwsIntegration,
  stageVariables: Record<string, string>,
  problem: (text: string) => void,
): MockSpec {
  const checkTemplate = (where: string, template: string): string => {
    const substituted = substituteStageVariables(template, stageVariables);
    if ('missing' in substituted) {
      problem(`${where} uses stage variable ${substituted.missing}, which the stage does not set`);
      return template;
    }
    const feature = unsupportedTemplateFeature(substituted.value);
    if (feature) problem(`${where} uses ${feature}, which the emulator does not render`);
    return substituted.value;
  };
  const requestTemplates: Record<string, string> = {};
  for (const [type, template] of Object.entries(integration.requestTemplates ?? {})) {
    if (template)
      requestTemplates[type.toLowerCase()] = checkTemplate(`request template ${type}`, template);
  }
  const responses: MockResponseSpec[] = [];
  for (const response of Object.values(integration.integrationResponses ?? {})) {
    const status = Number(response.statusCode);
    const where = `integration response ${response.statusCode}`;
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(response.responseParameters ?? {})) {
      if (!key.startsWith(METHOD_HEADER) || !STATIC_VALUE.test(value)) {
        problem(`${where} maps ${key} = ${value}; only static 'values' for headers are supported`);
        continue;
      }
      headers[key.slice(METHOD_HEADER.length)] = value.slice(1, -1);
    }
    const templates = Object.entries(response.responseTemplates ?? {}).filter(([, t]) => t);
    const chosen =
      templates.find(([type]) => type.toLowerCase() === 'application/json') ?? templates[0];
    responses.push({
      statusCode: status,
      ...(response.selectionPattern ? { selectionPattern: response.selectionPattern } : {}),
      headers,
      ...(chosen
        ? { template: checkTemplate(`${where} template ${chosen[0]}`, chosen[1] as string) }
        : {}),
      contentType: chosen?.[0] ?? 'application/json',
    });
  }
  if (responses.length === 0) problem('MOCK integration has no integration response');
  return { requestTemplates, responses };
}

function methodPlan(
  resourcePath: string,
  resourceId: string | undefined,
  method: Method,
  authorizers: Map<string, Authorizer>,
  stageVariables: Record<string, string>,
  problems: string[],
  apiKeySource: string | undefined,
): RoutePlan | undefined {
  const httpMethod = method.httpMethod ?? '?';
  const label = `${httpMethod} ${resourcePath}`;
  const before = problems.length;
  const problem = (text: string): void => {
    problems.push(`${label}: ${text}`);
  };

  const authorization = method.authorizationType ?? 'NONE';
  if (authorization !== 'NONE' && authorization !== 'CUSTOM') {
    problem(`authorization type ${authorization} is not supported (only NONE and CUSTOM)`);
  }
  if (authorization === 'CUSTOM') {
    const authorizer = authorizers.get(method.authorizerId ?? '');
    if (!authorizer) problem(`authorizer ${method.authorizerId ?? '(none)'} does not exist`);
    else if (authorizer.type !== 'TOKEN' && authorizer.type !== 'REQUEST') {
      problem(
        `authorizer ${authorizer.name ?? authorizer.id} is of type ${authorizer.type}; only TOKEN and REQUEST authorizers are supported`,
      );
    }
  }
  // Only keys the authorizer returns are modelled; HEADER keys (x-api-key) are not
  // ("Choose an API key source in API Gateway",
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html).
  if (method.apiKeyRequired && apiKeySource !== 'AUTHORIZER') {
    problem(
      `API keys from ${apiKeySource ?? 'HEADER'} are not supported (only apiKeySource AUTHORIZER, keys returned by the authorizer)`,
    );
  }
  if (method.requestValidatorId) {
    problem(`request validator ${method.requestValidatorId} is not supported`);
  }

  const integration = method.methodIntegration;
  let plan: IntegrationPlan | undefined;
  if (!integration) problem('has no integration');
  else if (integration.type === 'AWS_PROXY') {
    const uri = substituteStageVariables(integration.uri ?? '', stageVariables);
    const fn = 'value' in uri ? functionArnFromUri(uri.value) : undefined;
    if ('missing' in uri) {
      problem(`integration URI uses stage variable ${uri.missing}, which the stage does not set`);
    } else if (!fn) {
      problem(`AWS_PROXY integration ${integration.uri} is not a Lambda function`);
    } else plan = { type: 'lambda', function: fn };
  } else if (integration.type === 'MOCK') {
    plan = { type: 'mock', spec: mockSpec(integration, stageVariables, problem) };
  } else {
    problem(
      `integration type ${integration.type} is not supported (only AWS_PROXY to Lambda and MOCK)`,
    );
  }
  if (problems.length > before || !plan) return undefined;
  return {
    method: httpMethod,
    resourcePath,
    ...(resourceId ? { resourceId } : {}),
    authorization: authorization as 'NONE' | 'CUSTOM',
    ...(authorization === 'CUSTOM' ? { authorizerId: method.authorizerId as string } : {}),
    ...(method.apiKeyRequired ? { apiKeyRequired: true } : {}),
    integration: plan,
  };
}

function authorizerPlan(
  authorizer: Authorizer,
  stageVariables: Record<string, string>,
  problems: string[],
): AuthorizerPlan | undefined {
  const label = `authorizer ${authorizer.name ?? authorizer.id}`;
  const uri = substituteStageVariables(authorizer.authorizerUri ?? '', stageVariables);
  const fn = 'value' in uri ? functionArnFromUri(uri.value) : undefined;
  const type = authorizer.type === 'REQUEST' ? 'REQUEST' : 'TOKEN';
  const identitySource =
    authorizer.identitySource ?? (type === 'TOKEN' ? 'method.request.header.Authorization' : '');
  const resultTtlSeconds =
    authorizer.authorizerResultTtlInSeconds ?? DEFAULT_AUTHORIZER_TTL_SECONDS;
  const before = problems.length;
  if (!fn) problems.push(`${label}: URI ${authorizer.authorizerUri} is not a Lambda function`);
  if (type === 'TOKEN' && !HEADER_IDENTITY.test(identitySource)) {
    problems.push(`${label}: identity source ${identitySource} is not supported (a header only)`);
  }
  if (type === 'REQUEST') {
    try {
      const sources = parseIdentitySources(identitySource, authorizer.name ?? '?');
      if (sources.length === 0 && resultTtlSeconds > 0) {
        problems.push(`${label}: a REQUEST authorizer with caching has no identity sources`);
      }
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (problems.length > before || !fn) return undefined;
  return {
    id: authorizer.id as string,
    name: authorizer.name ?? (authorizer.id as string),
    type,
    function: fn,
    identitySource,
    ...(authorizer.identityValidationExpression
      ? { identityValidationExpression: authorizer.identityValidationExpression }
      : {}),
    resultTtlSeconds,
  };
}

/**
 * Turns the API's gateway responses, as the API Gateway API returns them, into the emulator's.
 * API Gateway's own defaults (`defaultResponse: true`) are skipped: the emulator has them.
 * @param responses GetGatewayResponses items
 * @param problems collects what the emulator cannot reproduce
 * @param notes collects configured types the emulator never produces
 * @returns the customised responses by type
 */
export function gatewayResponsesPlan(
  responses: AwsGatewayResponse[],
  problems: string[],
  notes: string[],
): ApiPlan['gatewayResponses'] {
  const plan: ApiPlan['gatewayResponses'] = {};
  const unused: string[] = [];
  for (const response of responses) {
    // Defaults are API Gateway's own, which the emulator already has.
    if (response.defaultResponse || !response.responseType) continue;
    const type = response.responseType;
    if (!(type in DEFAULT_GATEWAY_RESPONSES)) {
      unused.push(type);
      continue;
    }
    const converted: GatewayResponse = {
      ...(response.statusCode ? { statusCode: Number(response.statusCode) } : {}),
      ...(response.responseParameters ? { responseParameters: response.responseParameters } : {}),
      ...(response.responseTemplates ? { responseTemplates: response.responseTemplates } : {}),
    };
    try {
      validateGatewayResponse(type, converted);
      plan[type as GatewayResponseType] = converted;
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  if (unused.length) {
    notes.push(
      `gateway responses ${unused.join(', ')} are configured but never produced by the emulator`,
    );
  }
  return plan;
}

/**
 * The AWS partition of a region, by the region patterns of the AWS SDK's partitions.json
 * (`@aws-sdk/util-endpoints`); anything else (moto's regions included) is `aws`.
 * @param region e.g. `cn-north-1`
 * @returns e.g. `aws-cn`
 */
export function partitionOf(region: string): string {
  const patterns: [RegExp, string][] = [
    [/^cn-\w+-\d+$/, 'aws-cn'],
    [/^us-gov-\w+-\d+$/, 'aws-us-gov'],
    [/^us-iso-\w+-\d+$/, 'aws-iso'],
    [/^us-isob-\w+-\d+$/, 'aws-iso-b'],
    [/^eu-isoe-\w+-\d+$/, 'aws-iso-e'],
    [/^us-isof-\w+-\d+$/, 'aws-iso-f'],
    [/^eusc-de-\w+-\d+$/, 'aws-eusc'],
  ];
  return patterns.find(([pattern]) => pattern.test(region))?.[1] ?? 'aws';
}

/**
 * Validates a deployed API and turns it into the emulator's terms. Every unsupported feature is
 * collected, so one start reports all of them.
 * @param snapshot what the API Gateway API returned
 * @returns the plan
 * @throws FromApiError listing each unsupported resource and method, authorizer or response
 */
export function planApi(snapshot: DeployedApiSnapshot): ApiPlan {
  const problems: string[] = [];
  const notes: string[] = [];
  const stageVariables = snapshot.stage.variables ?? {};
  const authorizers = new Map(snapshot.authorizers.map((a) => [a.id as string, a]));

  const routes: RoutePlan[] = [];
  const sorted = [...snapshot.resources].sort((a, b) => (a.path ?? '').localeCompare(b.path ?? ''));
  for (const resource of sorted) {
    for (const method of Object.values(resource.resourceMethods ?? {})) {
      const route = methodPlan(
        resource.path ?? '/',
        resource.id,
        method,
        authorizers,
        stageVariables,
        problems,
        snapshot.restApi.apiKeySource,
      );
      if (route) routes.push(route);
    }
  }

  const used = new Set(routes.flatMap((r) => (r.authorizerId ? [r.authorizerId] : [])));
  const authorizerPlans: Record<string, AuthorizerPlan> = {};
  for (const id of used) {
    const plan = authorizerPlan(authorizers.get(id) as Authorizer, stageVariables, problems);
    if (plan) authorizerPlans[id] = plan;
  }
  const unusedAuthorizers = snapshot.authorizers.filter((a) => !used.has(a.id as string));
  if (unusedAuthorizers.length) {
    notes.push(
      `authorizers not used by any method are ignored: ${unusedAuthorizers.map((a) => `${a.name} (${a.type})`).join(', ')}`,
    );
  }

  const gatewayResponses = gatewayResponsesPlan(snapshot.gatewayResponses, problems, notes);
  if (snapshot.restApi.policy) notes.push('the resource policy is not evaluated');
  if (Object.keys(snapshot.stage.methodSettings ?? {}).length) {
    notes.push('stage method settings (throttling, caching, logging) are not applied');
  }
  if (routes.length === 0 && problems.length === 0) {
    problems.push('the API has no methods to serve');
  }
  if (problems.length) {
    throw new FromApiError(
      `REST API ${snapshot.restApi.id} (${snapshot.restApi.name}) cannot be served as deployed:\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
  }

  const functions = new Map<string, FunctionArn>();
  for (const route of routes) {
    if (route.integration.type === 'lambda') {
      functions.set(route.integration.function.arn, route.integration.function);
    }
  }
  for (const plan of Object.values(authorizerPlans))
    functions.set(plan.function.arn, plan.function);
  const first = functions.values().next();

  return {
    restApiId: snapshot.restApi.id as string,
    name: snapshot.restApi.name ?? (snapshot.restApi.id as string),
    stage: snapshot.stage.stageName as string,
    region: snapshot.region,
    partition: partitionOf(snapshot.region),
    accountId: first.done ? '000000000000' : first.value.accountId,
    stageVariables,
    binaryMediaTypes: snapshot.restApi.binaryMediaTypes ?? [],
    routes,
    authorizers: authorizerPlans,
    gatewayResponses,
    functions: [...functions.values()],
    notes,
  };
}
