// Runs one unpacked Lambda bundle in its own worker thread, with the function's own environment, like a warm Lambda sandbox.
import { Worker } from 'node:worker_threads';
import type { Context } from 'aws-lambda';
import { FromApiError } from './errors';

/**
 * Code of the worker: loads the handler module once (the cold start), then answers invocations.
 * Plain JavaScript run with `eval`, so it works the same under tsx, jest and plain node.
 */
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

async function load() {
  const { dir, handler } = workerData;
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) {
    throw new Error('handler "' + handler + '" is not of the form file.export');
  }
  const modulePath = handler.slice(0, dot);
  const exportName = handler.slice(dot + 1);
  const base = path.join(dir, modulePath);
  const file = ['.js', '.cjs', '.mjs'].map((ext) => base + ext).find((f) => fs.existsSync(f));
  if (!file) {
    throw new Error('handler "' + handler + '": ' + modulePath + '.js (or .cjs, .mjs) is not in the zip');
  }
  let mod;
  if (file.endsWith('.mjs')) mod = await import(pathToFileURL(file).href);
  else {
    try {
      mod = require(file);
    } catch (err) {
      if (err && err.code === 'ERR_REQUIRE_ESM') mod = await import(pathToFileURL(file).href);
      else throw err;
    }
  }
  const fn = mod[exportName];
  if (typeof fn !== 'function') {
    const names = Object.keys(mod).join(', ') || 'nothing';
    throw new Error('handler "' + handler + '": ' + path.basename(file) + ' exports no function "' +
      exportName + '" (it exports ' + names + ')');
  }
  return fn;
}

function errorInfo(err) {
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { name: 'Error', message: typeof err === 'string' ? err : JSON.stringify(err) };
}

function invoke(fn, event, ctx) {
  const context = {
    ...ctx,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, ctx.deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  delete context.deadline;
  return new Promise((resolve, reject) => {
    const callback = (err, result) => (err ? reject(err) : resolve(result));
    try {
      const out = fn(event, context, callback);
      if (out && typeof out.then === 'function') out.then(resolve, reject);
      else if (fn.length < 3) resolve(out);
    } catch (err) {
      reject(err);
    }
  });
}

load().then(
  (fn) => {
    parentPort.on('message', (message) => {
      invoke(fn, message.event, message.context).then(
        (result) => parentPort.postMessage({ id: message.id, ok: true, result }),
        (err) => parentPort.postMessage({ id: message.id, ok: false, error: errorInfo(err) }),
      );
    });
    parentPort.postMessage({ ready: true });
  },
  (err) => parentPort.postMessage({ ready: false, error: errorInfo(err) }),
);
`;

/** A deployed function, as far as running it is concerned. */
export interface WorkerFunctionSpec {
  /** Function name, for messages and the context object. */
  name: string;
  /** Function ARN, for `invokedFunctionArn`. */
  arn: string;
  /** Unpacked zip (the Lambda task root). */
  dir: string;
  /** Handler string, e.g. `index.handler`. */
  handler: string;
  /** Complete environment of the worker (deployed variables plus local AWS settings). */
  env: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Error thrown inside the function, rebuilt on this side with the same name and message. */
export class FunctionError extends Error {
  /**
   * @param name the original error's name
   * @param message the original error's message (`Unauthorized` from an authorizer stays exactly that)
   */
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One function in one worker thread. The worker's `process.env` is the function's environment,
 * so the bundle's module-level configuration reads its own settings, and its module registry is
 * separate from this process's. A worker that crashes or times out is replaced on the next call
 * (a new cold start), as Lambda replaces a sandbox.
 */
export class LambdaWorker {
  private worker?: Worker;
  private ready?: Promise<void>;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /**
   * @param spec the function
   * @param onLog operator messages (cold starts, crashes)
   */
  constructor(
    readonly spec: WorkerFunctionSpec,
    private readonly onLog: (line: string) => void = () => undefined,
  ) {}

  /**
   * Loads the bundle and checks the handler (the cold start).
   * @throws FromApiError when the module fails to load or the handler is not an exported function
   */
  async start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      env: this.spec.env,
      workerData: { dir: this.spec.dir, handler: this.spec.handler },
      stdout: false,
      stderr: false,
    });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      const fail = (message: string, cause?: unknown): void => {
        reject(new FromApiError(`function ${this.spec.name}: ${message}`, { cause }));
      };
      worker.once('message', (message: { ready: boolean; error?: { message: string } }) => {
        if (message.ready) resolve();
        else fail(`cold start failed: ${message.error?.message ?? 'unknown error'}`);
        worker.on('message', (m) => this.settle(m as never));
      });
      worker.once('error', (err) => fail(`cold start crashed: ${err.message}`, err));
      worker.once('exit', (code) => fail(`exited with code ${code} during its cold start`));
    });
    worker.on('error', (err) => this.crashed(worker, `crashed: ${err.message}`));
    worker.on('exit', (code) => this.crashed(worker, `exited with code ${code}`));
    try {
      await this.ready;
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /**
   * Invokes the handler.
   * @param event the event (structured-cloned into the worker)
   * @param context the emulator's context; name, ARN and deadline are the function's
   * @returns what the handler returned
   * @throws FunctionError with the function's own error name and message, or a timeout
   */
  async invoke(event: unknown, context: Context): Promise<unknown> {
    if (!this.ready) this.onLog(`${this.spec.name}: cold start`);
    await this.start();
    const worker = this.worker as Worker;
    const id = this.nextId++;
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new FunctionError(
            'TimeoutError',
            `Task timed out after ${this.spec.timeoutSeconds} seconds`,
          ),
        );
        // Lambda discards a timed-out sandbox; so does this.
        this.crashed(worker, 'timed out');
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({
        id,
        event,
        context: {
          functionName: this.spec.name,
          functionVersion: '$LATEST',
          invokedFunctionArn: this.spec.arn,
          memoryLimitInMB: String(this.spec.memoryMb),
          awsRequestId: context.awsRequestId,
          logGroupName: `/aws/lambda/${this.spec.name}`,
          logStreamName: 'local',
          deadline: Date.now() + timeoutMs,
        },
      });
    });
  }

  /** Terminates the worker; pending invocations fail. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    this.failPending('the function was stopped');
    if (worker) {
      worker.removeAllListeners('exit');
      await worker.terminate();
    }
  }

  private settle(message: {
    id: number;
    ok: boolean;
    result?: unknown;
    error?: { name: string; message: string };
  }): void {
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.ok) pending.resolve(message.result);
    else
      pending.reject(
        new FunctionError(message.error?.name ?? 'Error', message.error?.message ?? ''),
      );
  }

  private crashed(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.onLog(`${this.spec.name}: ${reason}; the next call starts it again`);
    this.worker = undefined;
    this.ready = undefined;
    this.failPending(reason);
    worker.removeAllListeners('exit');
    void worker.terminate();
  }

  private failPending(reason: string): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new FunctionError('Error', `function ${this.spec.name} ${reason}`));
      this.pending.delete(id);
    }
  }
}
