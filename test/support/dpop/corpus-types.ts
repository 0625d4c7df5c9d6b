// The shape of the DPoP negative corpus (corpus.ts): what a row's requests are built from, what it sends and the answer it must get.
import type { DpopKey } from './proofs';

/** What a row's request is built from: the two routes, the tokens and keys, and the URL proofs name. */
export interface CorpusContext {
  /** Scheme and authority the proofs name in `htu`, e.g. `https://abc.execute-api.us-east-1.amazonaws.com`. */
  origin: string;
  /** The `Host` header sent (an allowed host). */
  host: string;
  /** Path prefix before the routes: `/{stage}` on execute-api, empty on npm start. */
  prefix: string;
  /** The DPoP route, e.g. `/hello/dpop` (GET, demo:read). */
  dpopPath: string;
  /** A Bearer route, e.g. `/hello` (GET, demo:read). */
  bearerPath: string;
  /** The client's key and a token bound to it (`cnf.jkt`). */
  key: DpopKey;
  token: string;
  /** Another key and a token bound to it. */
  otherKey: DpopKey;
  otherToken: string;
  /** A Bearer (unbound) token of a client with demo:read. */
  bearerToken: string;
  /** An RSA key and a token bound to it, for RS256 and PS256 proofs. */
  rsaKey: DpopKey;
  rsaToken: string;
}

/** One HTTP request of a row. */
export interface CorpusRequest {
  method: string;
  /** Path with prefix, as sent. */
  path: string;
  /** Headers after `Host` (which is added first, unless the row sends its own). */
  headers: [string, string][];
}

/** The answer a row must get. */
export interface CorpusExpectation {
  status: 200 | 401;
  /** The authorizer's `Token rejected` reason; null for an allowed request. */
  reason: string | null;
  /** Its `AuthorizerUnauthorized` metric reason (docs/metrics.md); null for an allowed request. */
  metric: string | null;
}

/** A row of the corpus. */
export interface CorpusRow {
  /** Short id, unique. */
  id: string;
  /** What is broken (the section of RFC 9449 it breaks). */
  broken: string;
  /** Requests sent first, each of which must get 200 (e.g. the first use of a `jti`). */
  before?: (ctx: CorpusContext) => CorpusRequest[];
  request: (ctx: CorpusContext) => CorpusRequest;
  expected: CorpusExpectation;
  /**
   * Where the deployed example (one uncached authorizer for every route) answers otherwise than
   * npm start (whose Bearer routes keep a cached authorizer, and so refuse DPoP for its TTL).
   */
  deployed?: CorpusExpectation;
}
