// Unit tests of the last-use record in the token flow: when it is written, that it runs beside the KMS Sign (ordered by deferred promises, not timing), and that a failure never fails the request.
import {
  createTokenIssuer,
  type TokenIssuer,
  type TokenIssuerDeps,
} from '../../../../functions/token/core/issue-token';
import { LAST_USE_INTERVAL_MS, lastUseDue } from '../../../../functions/token/core/last-use';
import type {
  ClientRecord,
  LastUse,
  LastUseRecorder,
  Signer,
} from '../../../../functions/token/core/types';
import { basicAuthorization } from '../../../support/basic-auth';
import { FakeHasher } from '../../../support/fake-hasher';
import { MemoryClientStore } from '../../../support/memory-client-store';
import {
  clientRecord,
  countingBytes,
  FIXED_NOW_MS,
  FORM,
  InMemorySigner,
  ISSUER,
  SECRET,
} from '../../../support/token-fakes';

const NOW_ISO = new Date(FIXED_NOW_MS).toISOString();
const HOUR_AGO_ISO = new Date(FIXED_NOW_MS - LAST_USE_INTERVAL_MS).toISOString();
const keySigner = new InMemorySigner('ES256');

/** A promise with its resolve and reject in hand. */
interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every queued promise callback run. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A recorder that logs each call and answers with what the test gives it. */
class ScriptedRecorder implements LastUseRecorder {
  readonly calls: LastUse[] = [];
  constructor(private readonly answer: (use: LastUse) => Promise<boolean>) {}
  recordUse(use: LastUse): Promise<boolean> {
    this.calls.push(use);
    return this.answer(use);
  }
}

/** A signer whose Sign answers only when the test says so, logging when it is asked. */
class DeferredSigner implements Signer {
  readonly events: string[];
  pending: Deferred<Uint8Array> | undefined;
  constructor(events: string[]) {
    this.events = events;
  }
  keyInfo = () => keySigner.keyInfo();
  sign(): Promise<Uint8Array> {
    this.events.push('sign started');
    this.pending = deferred<Uint8Array>();
    return this.pending.promise;
  }
}

function setup(
  record: ClientRecord,
  deps: Partial<TokenIssuerDeps>,
): { issuer: TokenIssuer; failures: [string, unknown][] } {
  const failures: [string, unknown][] = [];
  const issuer = createTokenIssuer({
    issuer: ISSUER,
    defaultAudience: 'https://default.example.com',
    tokenTtlSeconds: 3600,
    clientStore: new MemoryClientStore([record]),
    hasher: new FakeHasher(),
    signer: keySigner,
    clock: () => FIXED_NOW_MS,
    randomBytes: countingBytes,
    onLastUseFailure: (clientId, err) => failures.push([clientId, err]),
    ...deps,
  });
  return { issuer, failures };
}

const request = (scope?: string) => ({
  contentType: FORM,
  body: `grant_type=client_credentials${scope === undefined ? '' : `&scope=${scope}`}`,
  authorization: basicAuthorization('client-1', SECRET),
});

describe('lastUseDue', () => {
  it.each([
    ['never used', undefined, true],
    ['used exactly an hour ago', HOUR_AGO_ISO, true],
    ['used a day ago', new Date(FIXED_NOW_MS - 86_400_000).toISOString(), true],
    [
      'used 59 min 59.999 s ago',
      new Date(FIXED_NOW_MS - LAST_USE_INTERVAL_MS + 1).toISOString(),
      false,
    ],
    ['used just now', NOW_ISO, false],
    ['used "in the future" (another clock)', new Date(FIXED_NOW_MS + 60_000).toISOString(), false],
  ])('%s: %s -> %s', (_label, lastUsedAt, due) => {
    // Act / Assert
    expect(lastUseDue(lastUsedAt, FIXED_NOW_MS)).toBe(due);
  });
});

describe('createTokenIssuer with a last-use recorder', () => {
  it('records the first use with the request time and the hour before it', async () => {
    // Arrange
    const recorder = new ScriptedRecorder(() => Promise.resolve(true));
    const { issuer, failures } = setup(clientRecord(), { lastUse: recorder });

    // Act
    const token = await issuer.issueToken(request());

    // Assert
    expect(token.clientId).toBe('client-1');
    expect(recorder.calls).toEqual([
      { clientId: 'client-1', usedAt: NOW_ISO, staleBefore: HOUR_AGO_ISO },
    ]);
    expect(failures).toEqual([]);
  });

  it('marks the use of a client declared in Terraform, whose runtime record may not exist yet', async () => {
    // Arrange
    const recorder = new ScriptedRecorder(() => Promise.resolve(true));
    const { issuer } = setup(clientRecord({ managed_by: 'terraform' }), { lastUse: recorder });

    // Act
    await issuer.issueToken(request());

    // Assert
    expect(recorder.calls).toEqual([
      { clientId: 'client-1', usedAt: NOW_ISO, staleBefore: HOUR_AGO_ISO, declared: true },
    ]);
  });

  it.each([
    ['an hour ago', HOUR_AGO_ISO, 1],
    ['two days ago', new Date(FIXED_NOW_MS - 2 * 86_400_000).toISOString(), 1],
    ['59 minutes ago', new Date(FIXED_NOW_MS - 59 * 60_000).toISOString(), 0],
    ['a second ago', new Date(FIXED_NOW_MS - 1000).toISOString(), 0],
  ])('with a last use %s, writes %i time(s)', async (_label, lastUsedAt, writes) => {
    // Arrange
    const recorder = new ScriptedRecorder(() => Promise.resolve(true));
    const { issuer } = setup(clientRecord({ last_used_at: lastUsedAt }), { lastUse: recorder });

    // Act
    await issuer.issueToken(request());

    // Assert
    expect(recorder.calls).toHaveLength(writes);
  });

  it('treats a write the condition refused (another container was first) as normal', async () => {
    // Arrange
    const recorder = new ScriptedRecorder(() => Promise.resolve(false));
    const { issuer, failures } = setup(clientRecord(), { lastUse: recorder });

    // Act
    const token = await issuer.issueToken(request());

    // Assert
    expect(token.accessToken).toMatch(/^ey/);
    expect(failures).toEqual([]);
  });

  it('writes nothing for a request that is refused before signing', async () => {
    // Arrange: a scope the client does not have
    const recorder = new ScriptedRecorder(() => Promise.resolve(true));
    const { issuer } = setup(clientRecord(), { lastUse: recorder });

    // Act / Assert
    await expect(issuer.issueToken(request('admin'))).rejects.toMatchObject({
      code: 'invalid_scope',
    });
    expect(recorder.calls).toEqual([]);
  });

  it('issues the token when the write fails, and reports the failure with the client id', async () => {
    // Arrange
    const failure = new Error('DynamoDB.UpdateItem failed after 3 attempts: InternalServerError');
    const recorder = new ScriptedRecorder(() => Promise.reject(failure));
    const { issuer, failures } = setup(clientRecord(), { lastUse: recorder });

    // Act
    const token = await issuer.issueToken(request());

    // Assert
    expect(token.clientId).toBe('client-1');
    expect(failures).toEqual([['client-1', failure]]);
  });

  it('issues the token when the recorder throws instead of rejecting', async () => {
    // Arrange
    const failure = new Error('thrown synchronously');
    const recorder: LastUseRecorder = {
      recordUse: () => {
        throw failure;
      },
    };
    const { issuer, failures } = setup(clientRecord(), { lastUse: recorder });

    // Act
    const token = await issuer.issueToken(request());

    // Assert
    expect(token.clientId).toBe('client-1');
    expect(failures).toEqual([['client-1', failure]]);
  });

  it('issues the token when the failure observer itself throws, or there is none', async () => {
    // Arrange
    const recorder = new ScriptedRecorder(() => Promise.reject(new Error('down')));
    const throwing = setup(clientRecord(), {
      lastUse: recorder,
      onLastUseFailure: () => {
        throw new Error('the logger broke');
      },
    }).issuer;
    const silent = setup(clientRecord(), { lastUse: recorder, onLastUseFailure: undefined }).issuer;

    // Act / Assert
    await expect(throwing.issueToken(request())).resolves.toMatchObject({ clientId: 'client-1' });
    await expect(silent.issueToken(request())).resolves.toMatchObject({ clientId: 'client-1' });
    expect(recorder.calls).toHaveLength(2);
  });

  it('starts the write before the Sign, signs while it is in flight, and answers once both are done', async () => {
    // Arrange
    const events: string[] = [];
    const write = deferred<boolean>();
    const recorder = new ScriptedRecorder(() => {
      events.push('write started');
      return write.promise;
    });
    const signer = new DeferredSigner(events);
    const { issuer } = setup(clientRecord(), { lastUse: recorder, signer });
    let answered = false;

    // Act: the write is still pending when the Sign starts
    const issuing = issuer.issueToken(request()).then((token) => {
      answered = true;
      return token;
    });
    await flush();

    // Assert: both in flight at once, the write first
    expect(events).toEqual(['write started', 'sign started']);
    expect(answered).toBe(false);

    // Act: the Sign finishes first; the answer waits for the write (bounded by its budget)
    signer.pending?.resolve(new Uint8Array(64));
    await flush();
    expect(answered).toBe(false);
    write.resolve(true);

    // Assert
    await expect(issuing).resolves.toMatchObject({ clientId: 'client-1' });
  });

  it('answers as soon as the Sign is done when the write finished first', async () => {
    // Arrange
    const events: string[] = [];
    const write = deferred<boolean>();
    const recorder = new ScriptedRecorder(() => write.promise);
    const signer = new DeferredSigner(events);
    const { issuer } = setup(clientRecord(), { lastUse: recorder, signer });
    const issuing = issuer.issueToken(request());
    await flush();

    // Act
    write.resolve(true);
    await flush();
    signer.pending?.resolve(new Uint8Array(64));

    // Assert
    await expect(issuing).resolves.toMatchObject({ clientId: 'client-1' });
    expect(events).toEqual(['sign started']);
  });

  it('waits for the write before failing with the Sign error, so no write outlives the request', async () => {
    // Arrange
    const write = deferred<boolean>();
    const recorder = new ScriptedRecorder(() => write.promise);
    const signer = new DeferredSigner([]);
    const { issuer, failures } = setup(clientRecord(), { lastUse: recorder, signer });
    let settled = false;
    const issuing = issuer.issueToken(request()).finally(() => {
      settled = true;
    });
    await flush();

    // Act: the Sign fails while the write is pending
    const signError = new Error('KMS.Sign failed');
    signer.pending?.reject(signError);
    await flush();
    const settledBeforeWrite = settled;
    write.resolve(true);

    // Assert
    expect(settledBeforeWrite).toBe(false);
    await expect(issuing).rejects.toBe(signError);
    expect(failures).toEqual([]);
  });
});
