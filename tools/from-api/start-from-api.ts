// `npm start -- --from-api`: serves a deployed REST API locally, running the deployed functions' own zips in workers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { ApiGatewayEmulator, type RunningGateway } from '../gateway/emulator';
import { formatAccessLog } from '../gateway/access-log';
import type { ApiDefinition, LambdaAuthorizer, Route } from '../gateway/types';
import { planApi, type ApiPlan } from './api-plan';
import { readDeployedApi } from './api-reader';
import { checkNativeAddons, findArtifact, listArtifacts, unpackArtifact } from './artifacts';
import {
  functionEnvironment,
  readDeployedFunction,
  type DeployedFunction,
} from './deployed-function';
import { authorizerDpop, dpopWarnings, type AuthorizerDpop } from './dpop-settings';
import { answerMock } from './mock-integration';
import { LambdaWorker } from './lambda-worker';
import { ApiGatewayUsagePlanSource } from './usage-plans-reader';

/** Settings of `npm start -- --from-api`. */
export interface FromApiOptions {
  restApiId: string;
  /** Stage name; optional when the API has exactly one stage. */
  stage?: string;
  /** Where the built zips are looked up by digest. */
  artifactsDir: string;
  port: number;
  host: string;
  /** Access log and operator messages (default: none). */
  log?: (line: string) => void;
  /** SDK clients (default: the standard AWS environment). */
  apiGateway?: APIGatewayClient;
  lambda?: LambdaClient;
}

/** A function running locally. */
export interface LocalFunction {
  fn: DeployedFunction;
  /** The zip it was unpacked from. */
  zip: string;
  worker: LambdaWorker;
}

/** A running emulator of a deployed API. */
export interface FromApiServer extends RunningGateway {
  plan: ApiPlan;
  functions: LocalFunction[];
  /** Each authorizer's DPoP settings, read from its function's deployed environment. */
  dpop: AuthorizerDpop[];
  emulator: ApiGatewayEmulator;
}

/**
 * Assembles the emulator's definition from the plan and the running functions.
 * @param plan the validated API
 * @param functions running functions by ARN
 * @returns the API definition
 */
export function apiDefinition(plan: ApiPlan, functions: Map<string, LocalFunction>): ApiDefinition {
  const worker = (arn: string): LambdaWorker => (functions.get(arn) as LocalFunction).worker;
  const routes: Route[] = plan.routes.map((route) => {
    const integration = route.integration;
    return {
      method: route.method,
      resourcePath: route.resourcePath,
      ...(route.resourceId ? { resourceId: route.resourceId } : {}),
      authorization: route.authorization,
      ...(route.authorizerId ? { authorizerId: route.authorizerId } : {}),
      ...(route.apiKeyRequired ? { apiKeyRequired: true } : {}),
      integration:
        integration.type === 'lambda'
          ? {
              type: 'lambda-proxy',
              functionName: integration.function.functionName,
              handler: async (event, context) =>
                (await worker(integration.function.arn).invoke(event, context)) as never,
            }
          : {
              // Rendered per request (the template sees $context), so run as an in-process handler.
              type: 'lambda-proxy',
              functionName: `MOCK ${route.method} ${route.resourcePath}`,
              handler: async (event) => answerMock(integration.spec, event),
            },
    };
  });
  const authorizers: Record<string, LambdaAuthorizer> = {};
  for (const [id, authorizer] of Object.entries(plan.authorizers)) {
    const invoke = (event: unknown, context: Parameters<LambdaWorker['invoke']>[1]) =>
      worker(authorizer.function.arn).invoke(event, context);
    authorizers[id] =
      authorizer.type === 'REQUEST'
        ? {
            type: 'REQUEST',
            name: authorizer.name,
            identitySource: authorizer.identitySource,
            resultTtlSeconds: authorizer.resultTtlSeconds,
            handler: invoke,
          }
        : {
            name: authorizer.name,
            identitySource: authorizer.identitySource,
            ...(authorizer.identityValidationExpression
              ? { identityValidationExpression: authorizer.identityValidationExpression }
              : {}),
            resultTtlSeconds: authorizer.resultTtlSeconds,
            handler: invoke,
          };
  }
  return {
    restApiId: plan.restApiId,
    stage: plan.stage,
    region: plan.region,
    partition: plan.partition,
    accountId: plan.accountId,
    stageVariables: plan.stageVariables,
    binaryMediaTypes: plan.binaryMediaTypes,
    routes,
    authorizers,
    gatewayResponses: plan.gatewayResponses,
  };
}

/**
 * Reads the API, finds and loads each function's zip, and serves the stage on `host:port`.
 * Everything is checked before the port opens: an unsupported feature, a missing or foreign
 * zip, or a handler that does not load fails the start.
 * @param options API, stage, artifacts directory and listener
 * @returns the running server; `close()` also stops the workers and removes the unpacked code
 * @throws FromApiError naming what cannot be served
 */
export async function startFromApi(options: FromApiOptions): Promise<FromApiServer> {
  const log = options.log ?? ((): void => undefined);
  const snapshot = await readDeployedApi({
    restApiId: options.restApiId,
    stage: options.stage,
    client: options.apiGateway,
  });
  const plan = planApi(snapshot);
  for (const note of plan.notes) log(`note: ${note}`);

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `from-api-${plan.restApiId}-`));
  const functions = new Map<string, LocalFunction>();
  const cleanup = async (): Promise<void> => {
    await Promise.all([...functions.values()].map((f) => f.worker.stop()));
    fs.rmSync(workDir, { recursive: true, force: true });
  };

  try {
    const artifactsDir = path.resolve(options.artifactsDir);
    const artifacts = listArtifacts(artifactsDir);
    const deployed = await Promise.all(
      plan.functions.map((arn) => readDeployedFunction(arn, options.lambda)),
    );
    for (const fn of deployed) {
      const artifact = findArtifact(fn, artifacts, artifactsDir);
      const dir = path.join(workDir, fn.name);
      unpackArtifact(artifact.file, dir);
      checkNativeAddons(fn, dir);
      const worker = new LambdaWorker(
        {
          name: fn.name,
          arn: fn.arn,
          dir,
          handler: fn.handler,
          env: functionEnvironment(fn, dir),
          timeoutSeconds: fn.timeoutSeconds,
          memoryMb: fn.memoryMb,
        },
        log,
      );
      functions.set(fn.arn, { fn, zip: artifact.file, worker });
    }
    // DPoP (docs/dpop.md): the authorizer's deployed result TTL against the TTL and DPOP_*
    // settings its function was given; a cached authorizer in front of a function that accepts
    // DPoP is served as API Gateway would serve it (cached), with a warning.
    const dpop = authorizerDpop(
      Object.values(plan.authorizers),
      new Map(deployed.map((fn) => [fn.arn, fn])),
    );
    for (const warning of dpopWarnings(dpop)) log(`warning: ${warning}`);
    // Cold starts now: a handler that does not resolve, or a config error, fails the start.
    await Promise.all([...functions.values()].map((f) => f.worker.start()));

    // Methods that require a key are metered against the stage's usage plans, read from API Gateway
    // now and refreshed while serving (a plan change applies within USAGE_PLANS_REFRESH_MS).
    let usagePlans: ApiGatewayUsagePlanSource | undefined;
    if (plan.routes.some((route) => route.apiKeyRequired)) {
      const { APIGatewayClient } = await import('@aws-sdk/client-api-gateway');
      usagePlans = new ApiGatewayUsagePlanSource({
        client: options.apiGateway ?? new APIGatewayClient({}),
        restApiId: plan.restApiId,
        stage: plan.stage,
        onError: (message, err) =>
          log(`error: ${message}${err instanceof Error ? ` (${err.name}: ${err.message})` : ''}`),
      });
      await usagePlans.load();
    }

    const emulator = new ApiGatewayEmulator(apiDefinition(plan, functions), {
      ...(usagePlans ? { usagePlans } : {}),
      onAccessLog: (entry) => log(formatAccessLog(entry)),
      onError: (message, err) =>
        log(`error: ${message}${err instanceof Error ? ` (${err.name}: ${err.message})` : ''}`),
    });
    const running = await emulator.listen({ port: options.port, host: options.host });
    return {
      ...running,
      close: async () => {
        await running.close();
        await cleanup();
      },
      plan,
      functions: [...functions.values()],
      dpop,
      emulator,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
