// A small AWS JSON-protocol client for the Lambdas: SigV4 by AWS's own signer, credentials and endpoints from the environment, the SDK's standard retries, and one budget per operation.
import { SignatureV4 } from '@smithy/signature-v4';
import { AWS_CALL_BUDGET, type AwsCallBudget } from '../limits';
import { AwsCallError } from './errors';
import {
  parseObject,
  answerFailure,
  readErrorAnswer,
  sanitizeErrorCode,
  transportFailure,
  type Failure,
} from './error-answer';
import {
  AwsEnvironmentError,
  checkEndpoint,
  checkRegion,
  credentialsFrom,
  regionFrom,
  serviceEndpoint,
  type AwsCredentials,
  type Env,
} from './environment';
import { createHttpTransport, type HttpRequest, type HttpTransport } from './http-transport';
import {
  backoffMs,
  CLOCK_SKEW_CODES,
  isRetryable,
  MAX_CLOCK_SKEW_MS,
  RetryQuota,
} from './retry-policy';
import type {
  AwsAttemptFailure,
  AwsJsonClientOptions,
  AwsJsonService,
} from './json-client-options';
import { NodeSha256 } from './sha256';

/** Amazon DynamoDB (JSON 1.0). */
export const DYNAMODB: AwsJsonService = Object.freeze({
  name: 'dynamodb',
  label: 'DynamoDB',
  targetPrefix: 'DynamoDB_20120810',
  contentType: 'application/x-amz-json-1.0',
});

/** AWS KMS (JSON 1.1). */
export const KMS: AwsJsonService = Object.freeze({
  name: 'kms',
  label: 'KMS',
  targetPrefix: 'TrentService',
  contentType: 'application/x-amz-json-1.1',
});

/** The environment holds no credentials. */
class MissingCredentialsError extends Error {
  constructor() {
    super('no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set');
    this.name = 'MissingCredentialsError';
  }
}

/** Where the client sends, resolved once from the environment. */
interface Target {
  region: string;
  url: URL;
  signer: SignatureV4;
}

/**
 * Calls one AWS JSON-protocol service. One instance per service per container: it keeps its
 * sockets alive, its retry quota and the clock offset it learnt from a skewed answer.
 */
export class AwsJsonClient {
  private readonly service: AwsJsonService;
  private readonly env: Env;
  private readonly budget: AwsCallBudget;
  private readonly transport: HttpTransport;
  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly quota = new RetryQuota();
  private target: Target | undefined;
  /** Added to the local clock when signing: the service's time minus ours, learnt from a skew error. */
  private clockOffsetMs = 0;

  /** @param options the service, and overrides of the production defaults */
  constructor(private readonly options: AwsJsonClientOptions) {
    this.service = options.service;
    this.env = options.env ?? {};
    this.budget = options.budget ?? AWS_CALL_BUDGET;
    this.transport =
      options.transport ??
      createHttpTransport({
        connectionTimeoutMs: this.budget.connectionTimeoutMs,
        requestTimeoutMs: this.budget.requestTimeoutMs,
      });
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? abortableSleep;
  }

  /**
   * The region the client signs for (for messages such as "table X does not exist in region Y").
   * @returns the region, or `unknown` when the environment has none
   */
  region(): string {
    try {
      return this.resolve().region;
    } catch {
      return 'unknown';
    }
  }

  /**
   * Calls one operation: signed attempts, retried as the SDK's standard mode retries them, all
   * within the operation's budget. The returned promise settles by the budget whatever the network
   * does.
   * @param operation the operation name, e.g. `GetItem`
   * @param input the request body
   * @param budgetMs the operation's budget; default the client's
   * @returns the parsed response body
   * @throws AwsCallError for every failure
   */
  async send<T>(operation: string, input: unknown, budgetMs?: number): Promise<T> {
    const name = `${this.service.label}.${operation}`;
    const budget = budgetMs ?? this.budget.operationBudgetMs;
    const state = { attempts: 0 };
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const attempts = Math.max(state.attempts, 1);
        const err = new AwsCallError({
          operation: name,
          kind: 'timeout',
          code: 'OperationBudgetExceeded',
          attempts,
          detail: `did not finish within its ${budget} ms budget`,
        });
        // The attempt in flight is aborted, so it reports nothing itself: the budget is its failure.
        this.report({ operation: name, kind: 'timeout', code: err.code, attempt: attempts });
        controller.abort(err);
        reject(err);
      }, budget);
    });
    try {
      return await Promise.race([
        this.attempts<T>(name, operation, JSON.stringify(input), controller.signal, state),
        deadline,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async attempts<T>(
    name: string,
    operation: string,
    body: string,
    signal: AbortSignal,
    state: { attempts: number },
  ): Promise<T> {
    let lastRetryCost = 0;
    for (let attempt = 1; ; attempt++) {
      state.attempts = attempt;
      const failure = await this.attempt(operation, body, signal);
      if (!('kind' in failure)) {
        this.quota.release(lastRetryCost);
        return failure.output as T;
      }
      this.report({ operation: name, kind: failure.kind, code: failure.code, attempt });
      const retryable = isRetryable(failure.kind) || failure.corrected === true;
      const cost =
        retryable && attempt < this.budget.maxAttempts
          ? this.quota.acquire(failure.kind === 'throttling')
          : 0;
      if (cost === 0) {
        const { cause, corrected: _corrected, ...details } = failure;
        throw new AwsCallError({ ...details, operation: name, attempts: attempt }, { cause });
      }
      lastRetryCost = cost;
      await this.sleep(
        backoffMs(attempt - 1, failure.kind === 'throttling', this.random()),
        signal,
      );
    }
  }

  /** Tells the observer about a failure; nothing it does reaches the call. */
  private report(failure: AwsAttemptFailure): void {
    const observer = this.options.onAttemptFailed;
    if (observer === undefined) return;
    try {
      const result: unknown = observer(failure);
      // An async observer's rejection is dropped too, never left unhandled.
      if (result instanceof Promise) result.catch(() => undefined);
    } catch {
      // Metrics are not worth a failed request.
    }
  }

  /** One signed attempt: its parsed output, or how it failed. */
  private async attempt(
    operation: string,
    body: string,
    signal: AbortSignal,
  ): Promise<{ output: unknown } | Failure> {
    let request: HttpRequest;
    // The offset this attempt is signed with: a concurrent attempt may correct it meanwhile.
    const signedOffsetMs = this.clockOffsetMs;
    try {
      request = await this.sign(operation, body);
    } catch (err) {
      return {
        kind: err instanceof AwsEnvironmentError ? 'configuration' : 'credentials',
        code:
          err instanceof AwsEnvironmentError
            ? 'InvalidConfiguration'
            : err instanceof MissingCredentialsError
              ? 'CredentialsUnavailable'
              : 'SigningFailed',
        detail: err instanceof Error ? err.message : String(err),
        cause: err,
      };
    }
    let response;
    try {
      response = await this.transport(request, signal);
    } catch (err) {
      // The budget's own error: the deadline race reports it.
      if (signal.aborted) throw signal.reason;
      return transportFailure(err);
    }
    if (response.statusCode >= 200 && response.statusCode < 300) {
      const output = parseObject(response.body);
      if (output === undefined) {
        return {
          kind: 'protocol',
          code: 'InvalidResponse',
          statusCode: response.statusCode,
          detail: `the ${response.statusCode} response body is not a JSON object (${Buffer.byteLength(response.body)} bytes)`,
        };
      }
      return { output };
    }
    return this.serviceFailure(
      response.statusCode,
      response.headers,
      response.body,
      request,
      signedOffsetMs,
    );
  }

  /** Classifies an error answer by its code, as the AWS JSON protocol carries it. */
  private serviceFailure(
    status: number,
    headers: Record<string, string | undefined>,
    body: string,
    request: HttpRequest,
    signedOffsetMs: number,
  ): Failure {
    const answer = readErrorAnswer(status, headers, body, request);
    const { raw, message, detail } = answer;
    if (raw === undefined) return answerFailure(status, undefined, answer);
    const code = sanitizeErrorCode(raw);
    if (CLOCK_SKEW_CODES.has(code)) {
      const skew = this.skewFrom(headers.date);
      if (skew !== undefined) {
        this.clockOffsetMs += skew;
        return {
          kind: 'clock_skew',
          code,
          statusCode: status,
          corrected: true,
          detail: `this function's clock is ${Math.round(skew / 1000)} s off the service's; corrected for the next attempt`,
        };
      }
      // Signed before a concurrent attempt corrected the offset (a client lookup sends two reads at
      // once): the next attempt is signed with the corrected clock.
      if (this.clockOffsetMs !== signedOffsetMs) {
        return {
          kind: 'clock_skew',
          code,
          statusCode: status,
          corrected: true,
          detail: 'signed before the clock was corrected; corrected for the next attempt',
        };
      }
      // Not measurably skewed: a signature refused for its time is still skew; any other refused
      // signature means a wrong secret key.
      const timeRefused =
        !(code === 'InvalidSignatureException' || code === 'SignatureDoesNotMatch') ||
        /signature expired|not yet current/i.test(message);
      return {
        kind: timeRefused ? 'clock_skew' : 'credentials',
        code,
        statusCode: status,
        detail,
      };
    }
    return answerFailure(status, code, answer);
  }

  /** The service's time minus ours, when its `Date` header shows a skew SigV4 refuses. */
  private skewFrom(date: string | undefined): number | undefined {
    if (date === undefined) return undefined;
    const server = Date.parse(date);
    if (!Number.isFinite(server)) return undefined;
    const skew = server - (this.clock() + this.clockOffsetMs);
    return Math.abs(skew) >= MAX_CLOCK_SKEW_MS ? skew : undefined;
  }

  private async sign(operation: string, body: string): Promise<HttpRequest> {
    const target = this.resolve();
    const { url } = target;
    const signed = await target.signer.sign(
      {
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port === '' ? undefined : Number(url.port),
        path: url.pathname,
        headers: {
          host: url.host,
          'content-type': this.service.contentType,
          'x-amz-target': `${this.service.targetPrefix}.${operation}`,
        },
        body,
      },
      { signingDate: new Date(this.clock() + this.clockOffsetMs) },
    );
    return { url, headers: signed.headers, body };
  }

  private resolve(): Target {
    if (this.target) return this.target;
    const region =
      this.options.region === undefined
        ? regionFrom(this.env)
        : checkRegion(this.options.region, 'the region option');
    const url =
      this.options.endpoint === undefined
        ? serviceEndpoint(this.service.name, this.env, region)
        : checkEndpoint(this.options.endpoint, 'the endpoint option');
    // Read at each signature, so the current values are used.
    const credentials = (): Promise<AwsCredentials> => {
      const found = this.options.credentials
        ? this.options.credentials()
        : credentialsFrom(this.env);
      return found ? Promise.resolve(found) : Promise.reject(new MissingCredentialsError());
    };
    this.target = {
      region,
      url,
      signer: new SignatureV4({
        service: this.service.name,
        region,
        credentials,
        sha256: NodeSha256,
      }),
    };
    return this.target;
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal.reason);
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
