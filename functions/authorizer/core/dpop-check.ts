/**
 * The authorizer's DPoP check of one request (RFC 9449 §7.1): where DPoP is accepted at all, the
 * proof (every §4.3 check, with `htm`, `htu` and `ath`), the binding of the token to the proof's
 * key (`cnf.jkt`), and the single-use write of the proof's `jti`, deferred until the request would
 * be allowed.
 * @module
 */
import {
  createDpopProofVerifier,
  DEFAULT_DPOP_IAT_WINDOW,
  type DpopAlgorithm,
  type DpopProofError,
  type DpopIatWindow,
} from '../../shared/dpop-proof';
import { createProofKeyMemo } from '../../shared/dpop-proof-keys';
import { DPOP_REPLAY_SLACK_SECONDS } from '../../shared/limits';
import { singleHeader } from '../../shared/request-header';
import { DpopRefusedError } from '../rejections';
import type { DpopReplayCache } from './dpop-replay';
import {
  boundJkt,
  dpopJtiKey,
  dpopTargetUri,
  type DpopTargetUriError,
  type TargetUriEvent,
} from './dpop-request';
import type { Route } from './route-map';

/** What {@link createDpopChecker} needs. */
export interface DpopCheckerOptions {
  /**
   * The allowed hosts and, optionally, the public base URL (DPOP_PUBLIC_BASE_URL) that `htu` is
   * rebuilt from; undefined refuses every DPoP request.
   */
  settings?: { allowedHosts: readonly string[]; publicBaseUrl?: string };
  /** The authorizer's result TTL as deployed; anything but 0 refuses every DPoP request. */
  resultTtlSeconds?: number;
  /** The replay cache; undefined refuses every DPoP request. */
  replayCache?: DpopReplayCache;
  /** The proof's `iat` window (default {@link DEFAULT_DPOP_IAT_WINDOW}). */
  iatWindow?: DpopIatWindow;
  /** Imported proof keys kept per container (default 256, DEFAULT_PROOF_KEY_MEMO_SIZE). */
  proofKeyMemoSize?: number;
  /**
   * The proof algorithms accepted (DPOP_ALGORITHMS; default every one the verifier knows), the
   * same list as the `algs` of the API's 401 challenge (modules/authorizer).
   */
  algorithms?: readonly DpopAlgorithm[];
}

/** The request as the handler has read it. */
export interface DpopCheckInput {
  /** The access token of `Authorization: DPoP`. */
  token: string;
  /** Its verified claims. */
  claims: { cnf?: unknown };
  /** The matched route, or undefined. */
  route: Route | undefined;
  /** Current time in ms. */
  nowMs: number;
}

/**
 * Checks a DPoP request.
 * @param event the REQUEST event (method, headers, `requestContext.path`)
 * @param input token, claims, route and time
 * @returns the single-use write of the proof's `jti`, to await before an Allow; it throws
 *   DpopRefusedError (`replayed`, `replay_unavailable`)
 * @throws DpopRefusedError (`not_accepted`, `invalid`) naming the check
 */
export type DpopChecker = (
  event: TargetUriEvent & { httpMethod: string },
  input: DpopCheckInput,
) => () => Promise<void>;

/**
 * Builds the checker once per container.
 * @param options settings, deployed TTL, replay cache, window
 * @returns the checker
 */
export function createDpopChecker(options: DpopCheckerOptions): DpopChecker {
  const window = options.iatWindow ?? DEFAULT_DPOP_IAT_WINDOW;
  // A client signs its proofs with one key: importing it once per container takes a cost about that
  // of a signature check (P-256) off every later request (shared/dpop-proof-keys.ts).
  const keyMemo = createProofKeyMemo(options.proofKeyMemoSize);
  return (event, input) => {
    const { settings, replayCache } = options;
    // No cached bypass (issue 25, item 3): API Gateway answers a cached decision without calling
    // this function, so with a result TTL other than 0 a later request would skip the proof and
    // the replay check. Such an authorizer refuses every DPoP request, whatever its routes say,
    // so a DPoP route wired by hand to a cached authorizer fails closed.
    if (options.resultTtlSeconds !== 0) throw new DpopRefusedError('not_accepted', 'ttl');
    if (settings === undefined || replayCache === undefined) {
      throw new DpopRefusedError('not_accepted', 'settings');
    }
    // A DPoP token is accepted on a route declared dpop only. RFC 9449 §7.1 lets a resource
    // accept both schemes, but a route without the constraint may be served by a cached
    // authorizer elsewhere, and its declaration is the contract: refused rather than guessed.
    if (input.route?.dpop !== true) throw new DpopRefusedError('not_accepted', 'route');
    // §7.1: the token must be DPoP-bound; a bearer token sent with the DPoP scheme is not.
    const jkt = boundJkt(input.claims.cnf);
    if (jkt === undefined) throw new DpopRefusedError('invalid', 'unbound');

    let targetUri: string;
    try {
      targetUri = dpopTargetUri(event, settings.allowedHosts, settings.publicBaseUrl);
    } catch (error) {
      // dpopTargetUri throws DpopTargetUriError only.
      throw new DpopRefusedError('invalid', (error as DpopTargetUriError).problem, {
        cause: error,
      });
    }
    // Built per request: the target URI is the request's. normalizeHtu costs one URL parse. It
    // cannot throw for an https URI with an allow-listed host and a path starting with `/`; if it
    // ever did, the handler would still answer 401 (malformed).
    const verifier = createDpopProofVerifier({
      targetUri,
      iatWindow: window,
      keyMemo,
      algorithms: options.algorithms,
    });
    let proof;
    try {
      // §7.1 and §4.3: one DPoP header, every check, `ath` the hash of this token.
      proof = verifier(
        singleHeader(event, 'dpop'),
        { method: event.httpMethod, accessToken: input.token },
        input.nowMs,
      );
    } catch (error) {
      // The verifier throws DpopProofError only; its reason names the §4.3 check.
      throw new DpopRefusedError('invalid', (error as DpopProofError).reason, { cause: error });
    }
    // §4.3 step 12: the key that signed the proof is the one the token is bound to.
    if (proof.jkt !== jkt) throw new DpopRefusedError('invalid', 'jkt');

    const use = {
      key: dpopJtiKey(proof.jkt, proof.jti),
      // Kept while a proof with this iat could still pass the window, and for longer than this
      // request can take between the check above and the write (DPOP_REPLAY_SLACK_SECONDS).
      expiresAt: proof.iat + window.pastSeconds + window.futureSeconds + DPOP_REPLAY_SLACK_SECONDS,
    };
    return async () => {
      let first: boolean;
      try {
        first = await replayCache.useOnce(use);
      } catch (error) {
        throw new DpopRefusedError('replay_unavailable', 'write', { cause: error });
      }
      if (!first) throw new DpopRefusedError('replayed', 'jti');
    };
  };
}
