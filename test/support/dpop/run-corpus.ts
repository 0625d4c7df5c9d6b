// Sends one row of the DPoP negative corpus to a server and reads what it answered and logged, for the table-driven tests.
import type { CorpusContext, CorpusExpectation, CorpusRequest, CorpusRow } from './corpus';
import { requestBytes, sendRaw } from './raw-http';
import type { ServerLog } from './server-log';

/** A server under test. */
export interface CorpusTarget {
  /** Its port on 127.0.0.1. */
  port: number;
  /** What it printed. */
  log: ServerLog;
  /** The `WWW-Authenticate` of its 401 gateway response. */
  challenge: string;
  /** The deployed example (true) or npm start: picks a row's `deployed` expectation. */
  deployed: boolean;
}

/** What a row got, in the shape of its expectation plus the challenge. */
export interface CorpusObservation extends CorpusExpectation {
  /** `WWW-Authenticate` of the answer (null for none). */
  challenge: string | null;
}

/** The expectation of a row on a target, with the challenge every 401 carries. */
export function expectedFor(row: CorpusRow, target: CorpusTarget): CorpusObservation {
  const expected = (target.deployed && row.deployed) || row.expected;
  return { ...expected, challenge: expected.status === 401 ? target.challenge : null };
}

async function send(target: CorpusTarget, ctx: CorpusContext, request: CorpusRequest) {
  return sendRaw(target.port, requestBytes(request, ctx.host));
}

/**
 * Runs one row: its `before` requests (each must be allowed), then its request; reads the
 * refusal it logged (exactly one for a 401, none for a 200).
 * @param row the row
 * @param ctx tokens, keys and URLs
 * @param target the server
 * @returns what it got
 * @throws Error when a `before` request is not allowed
 */
export async function runCorpusRow(
  row: CorpusRow,
  ctx: CorpusContext,
  target: CorpusTarget,
): Promise<CorpusObservation> {
  for (const request of row.before?.(ctx) ?? []) {
    const res = await send(target, ctx, request);
    if (res.status !== 200) throw new Error(`${row.id}: a request before it got ${res.status}`);
  }
  await target.log.nextRefusals(0);
  const res = await send(target, ctx, row.request(ctx));
  const refusals = await target.log.nextRefusals(res.status === 401 ? 1 : 0);
  if (refusals.length > 1) {
    throw new Error(`${row.id}: ${refusals.length} refusals logged: ${JSON.stringify(refusals)}`);
  }
  const [refusal] = refusals;
  return {
    status: res.status as CorpusExpectation['status'],
    reason: refusal?.reason ?? null,
    metric: refusal?.metric ?? null,
    challenge: res.headers['www-authenticate']?.join(', ') ?? null,
  };
}
