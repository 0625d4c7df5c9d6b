// Runs small Lambda bundles in LambdaWorker: own environment, handler checks, errors, callbacks, timeouts and restarts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Context } from 'aws-lambda';
import { FromApiError } from '../../tools/from-api/errors';
import { FunctionError, LambdaWorker } from '../../tools/from-api/lambda-worker';

const CONTEXT = { awsRequestId: 'req-1' } as Context;

const HANDLERS = `
exports.handler = async (event, context) => ({
  env: process.env.ISSUER,
  home: process.env.UNRELATED_LOCAL_VARIABLE ?? null,
  event,
  name: context.functionName,
  remaining: context.getRemainingTimeInMillis() > 0,
});
exports.unauthorized = async () => { throw new Error('Unauthorized'); };
exports.callback = (event, context, callback) => setTimeout(() => callback(null, 'via callback'), 5);
exports.slow = () => new Promise(() => undefined);
exports.crash = async () => { setTimeout(() => { throw new Error('boom'); }, 0); return 'ok'; };
exports.notAFunction = 42;
`;

describe('LambdaWorker', () => {
  let dir: string;
  const workers: LambdaWorker[] = [];

  const worker = (handler: string, timeoutSeconds = 5): LambdaWorker => {
    const w = new LambdaWorker({
      name: 'fn',
      arn: 'arn:aws:lambda:us-east-1:123456789012:function:fn',
      dir,
      handler,
      env: { ISSUER: 'https://deployed' },
      timeoutSeconds,
      memoryMb: 128,
    });
    workers.push(w);
    return w;
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'from-api-worker-'));
    fs.writeFileSync(path.join(dir, 'index.js'), HANDLERS);
    fs.mkdirSync(path.join(dir, 'esm'));
    fs.writeFileSync(path.join(dir, 'esm/app.mjs'), 'export const handler = async () => "esm";\n');
    process.env.UNRELATED_LOCAL_VARIABLE = 'should not leak';
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
    delete process.env.UNRELATED_LOCAL_VARIABLE;
  });

  it('runs the handler with its own environment and a Lambda context', async () => {
    // Arrange
    const w = worker('index.handler');
    await w.start();

    // Act
    const result = await w.invoke({ hello: 'world' }, CONTEXT);

    // Assert
    expect(result).toEqual({
      env: 'https://deployed',
      home: null,
      event: { hello: 'world' },
      name: 'fn',
      remaining: true,
    });
  });

  it('loads ES modules and callback-style handlers', async () => {
    expect(await worker('esm/app.handler').invoke({}, CONTEXT)).toBe('esm');
    expect(await worker('index.callback').invoke({}, CONTEXT)).toBe('via callback');
  });

  it('keeps the error name and message, so Unauthorized stays exactly that', async () => {
    // Act
    const error = await worker('index.unauthorized')
      .invoke({}, CONTEXT)
      .catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(FunctionError);
    expect(error).toMatchObject({ name: 'Error', message: 'Unauthorized' });
  });

  it.each([
    ['index.notAFunction', /index.js exports no function "notAFunction" \(it exports handler, /],
    ['missing.handler', /missing.js \(or .cjs, .mjs\) is not in the zip/],
    ['nodot', /is not of the form file.export/],
  ])('fails the cold start for handler %s', async (handler, message) => {
    // Act
    const error = await worker(handler)
      .start()
      .catch((e: unknown) => e);

    // Assert
    expect(error).toBeInstanceOf(FromApiError);
    expect((error as Error).message).toMatch(/^function fn: cold start failed: /);
    expect((error as Error).message).toMatch(message);
  });

  it('times out like Lambda and starts a fresh worker on the next call', async () => {
    // Arrange
    const w = worker('index.slow', 1);

    // Act
    const first = await w.invoke({}, CONTEXT).catch((e: unknown) => e);
    const second = await w.invoke({}, CONTEXT).catch((e: unknown) => e);

    // Assert
    expect(first).toMatchObject({
      name: 'TimeoutError',
      message: 'Task timed out after 1 seconds',
    });
    expect(second).toMatchObject({ name: 'TimeoutError' });
  });

  it('replaces a crashed worker', async () => {
    // Arrange
    const w = worker('index.crash');
    await w.invoke({}, CONTEXT);
    await new Promise((r) => setTimeout(r, 200));

    // Act
    const again = await w.invoke({}, CONTEXT);

    // Assert
    expect(again).toBe('ok');
  });
});
