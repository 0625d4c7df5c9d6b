// A fake HTTP transport for the AWS JSON client in unit tests: scripted replies per attempt, the requests it saw, and no sockets.
import { AwsJsonClient } from '../../functions/shared/aws/json-client';
import type {
  AwsJsonClientOptions,
  AwsJsonService,
} from '../../functions/shared/aws/json-client-options';
import {
  TransportError,
  type HttpRequest,
  type HttpResponse,
  type HttpTransport,
} from '../../functions/shared/aws/http-transport';
import { AWS_CALL_BUDGET } from '../../functions/shared/limits';

/**
 * One scripted reply:
 * - `{ status, body }`: a JSON body (`body` is serialised), optional headers;
 * - `{ status, raw }`: a body sent as is (not JSON, cut short, ...);
 * - a TransportError or any Error: the attempt fails with it;
 * - `'hang'`: never answers until the operation's signal aborts.
 */
export type FakeReply =
  | { status: number; body: unknown; headers?: Record<string, string> }
  | { status: number; raw: string; headers?: Record<string, string> }
  | Error
  | 'hang';

/** A request the fake received, decoded. */
export interface FakeCall {
  /** The operation, from X-Amz-Target (`GetItem`, `Sign`, ...). */
  operation: string;
  target: string;
  headers: Record<string, string>;
  input: Record<string, unknown>;
  url: string;
}

/** The fake transport and what it saw. */
export type FakeTransport = HttpTransport & { calls: FakeCall[] };

/**
 * @param replies replies in order (the last one repeats), or a function of the call
 * @returns the transport
 */
export function fakeTransport(
  replies: FakeReply[] | ((call: FakeCall) => FakeReply),
): FakeTransport {
  const calls: FakeCall[] = [];
  const queue = Array.isArray(replies) ? [...replies] : undefined;
  const transport = ((request: HttpRequest, signal: AbortSignal): Promise<HttpResponse> => {
    const target = request.headers['x-amz-target'] ?? '';
    const call: FakeCall = {
      operation: target.slice(target.indexOf('.') + 1),
      target,
      headers: request.headers,
      input: JSON.parse(request.body) as Record<string, unknown>,
      url: String(request.url),
    };
    calls.push(call);
    const reply =
      queue === undefined
        ? (replies as (c: FakeCall) => FakeReply)(call)
        : ((queue.length > 1 ? queue.shift() : queue[0]) as FakeReply);
    if (reply === 'hang') {
      return new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    if (reply instanceof Error) return Promise.reject(reply);
    return Promise.resolve({
      statusCode: reply.status,
      headers: reply.headers ?? {},
      body: 'raw' in reply ? reply.raw : JSON.stringify(reply.body),
    });
  }) as FakeTransport;
  transport.calls = calls;
  return transport;
}

/**
 * An AWS JSON error reply, as DynamoDB and KMS answer (`__type` with a namespace).
 * @param type the error code
 * @param status the HTTP status (default 400)
 * @param message the service's message
 */
export const awsErrorReply = (type: string, status = 400, message = 'detail'): FakeReply => ({
  status,
  body: { __type: `com.amazonaws.service#${type}`, message },
});

/** A transport-level failure of an attempt (`ECONNRESET`, `RequestTimeout`, ...). */
export const transportFailure = (
  failure: 'timeout' | 'connection' | 'protocol',
  code: string,
): TransportError => new TransportError(failure, code, `simulated ${code}`);

/**
 * A client over a fake transport with fixed credentials, region and endpoint, no real waits
 * between retries and a fixed jitter.
 * @param service DYNAMODB or KMS
 * @param replies the scripted replies
 * @param overrides any client option
 * @returns the client and its transport
 */
export function fakeAwsClient(
  service: AwsJsonService,
  replies: FakeReply[] | ((call: FakeCall) => FakeReply),
  overrides: Partial<AwsJsonClientOptions> = {},
): { client: AwsJsonClient; transport: FakeTransport; sleeps: number[] } {
  const transport = fakeTransport(replies);
  const sleeps: number[] = [];
  const client = new AwsJsonClient({
    service,
    region: 'eu-west-1',
    endpoint: 'https://aws.test',
    credentials: () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret/EXAMPLE+key' }),
    budget: AWS_CALL_BUDGET,
    transport,
    random: () => 0.5,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...overrides,
  });
  return { client, transport, sleeps };
}
