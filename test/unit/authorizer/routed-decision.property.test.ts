// Property: over random route maps (small ones, and ones of several hundred routes passed through the configuration document) and random requests routed by the emulator's router, a request is allowed exactly when the token holds a scope the routed route lists.
import fc from 'fast-check';
import { RouteMatcher } from '../../../tools/gateway/route-matcher';
import type { Route } from '../../../tools/gateway/types';
import { routedApi, tokenFor } from '../../support/routed-api';

const SCOPES = ['s1', 's2', 's3'] as const;
const LITERALS = ['orders', 'new', 'a', 'b'] as const;
/** The literal segments of the large maps: the small maps' and 60 more. */
const MANY_LITERALS = [...LITERALS, ...Array.from({ length: 60 }, (_, i) => `res${i}`)];
const METHODS = ['GET', 'POST', 'DELETE'] as const;

/** How large the generated APIs are. */
interface Scale {
  /** Literal segments to draw from. */
  literals: readonly string[];
  /** Resource specs per API (each adds a resource path and its parents). */
  specs: { minLength: number; maxLength: number };
  /** Requests per API. */
  requests: { minLength: number; maxLength: number };
  /** Through the configuration document (encoded as the module does, then decoded), or as a map. */
  viaDocument: boolean;
}

const SMALL: Scale = {
  literals: LITERALS,
  specs: { minLength: 1, maxLength: 8 },
  requests: { minLength: 100, maxLength: 140 },
  viaDocument: false,
};

/** Several hundred routes per map (300 to 500 with this seed), as in docs/authorizer.md's "Room". */
const LARGE: Scale = {
  literals: MANY_LITERALS,
  specs: { minLength: 650, maxLength: 750 },
  requests: { minLength: 120, maxLength: 160 },
  viaDocument: true,
};

/** Every scope set, each with one token signed once (the cache sees each token on many routes). */
const TOKENS = [0, 1, 2, 3, 4, 5, 6, 7].map((mask) => {
  const scopes = SCOPES.filter((_, i) => mask & (1 << i));
  return { scopes, token: tokenFor(scopes.join(' ')) };
});

interface DeployedRoute {
  method: string;
  resourcePath: string;
  /** undefined: deployed but missing from the route map. */
  scopes?: string[];
}

/**
 * A random resource tree: each node has literal children and at most one variable child
 * (`{id}` or `{proxy+}`), as API Gateway allows.
 */
const treePaths = (scale: Scale): fc.Arbitrary<string[]> =>
  fc
    .array(
      fc.tuple(
        fc.array(fc.oneof(fc.constantFrom(...scale.literals), fc.constant('{p}')), {
          minLength: 0,
          maxLength: 3,
        }),
        fc.boolean(),
      ),
      scale.specs,
    )
    .map((specs) => {
      const paths = new Set<string>(['/']);
      for (const [segments, greedy] of specs) {
        const parts = segments.map((s, i) => (s === '{p}' ? `{p${i}}` : s));
        if (greedy) parts.push('{proxy+}');
        paths.add(`/${parts.join('/')}`);
      }
      // One variable child per parent: drop paths whose parent already has another variable child.
      const variableChild = new Map<string, string>();
      return [...paths].sort().filter((path) => {
        const parts = path.split('/').slice(1);
        for (let i = 0; i < parts.length; i++) {
          const part = parts[i] as string;
          if (!part.startsWith('{')) continue;
          const parent = parts.slice(0, i).join('/');
          const seen = variableChild.get(parent);
          if (seen !== undefined && seen !== part) return false;
          variableChild.set(parent, part);
        }
        return true;
      });
    });

const scopeList = fc.subarray([...SCOPES]);

/** A deployment: each resource gets methods (ANY among them), each listed or not, with scopes. */
const deployment = (scale: Scale): fc.Arbitrary<DeployedRoute[]> =>
  treePaths(scale).chain((paths) =>
    fc
      .tuple(
        ...paths.map((resourcePath) =>
          fc.subarray(['GET', 'POST', 'ANY'], { minLength: 1 }).chain((methods) =>
            fc.tuple(
              ...methods.map((method) =>
                fc.option(scopeList, { freq: 5 }).map((scopes): DeployedRoute => ({
                  method,
                  resourcePath,
                  scopes: scopes ?? undefined,
                })),
              ),
            ),
          ),
        ),
      )
      .map((groups) => groups.flat()),
  );

/** A random request path: segments drawn from the literals, values and the stage prefix. */
const requestPath = (scale: Scale) =>
  fc
    .tuple(
      fc.boolean(),
      fc.array(fc.constantFrom(...scale.literals, '7', 'x', 'new'), {
        minLength: 0,
        maxLength: 5,
      }),
    )
    .map(([staged, parts]) => `${staged ? '/local' : ''}/${parts.join('/')}`);

/** A path that instantiates a deployed resource: parameters get values, `{proxy+}` 1-3 segments. */
function instancePath(resourcePath: string): fc.Arbitrary<string> {
  const parts = resourcePath
    .split('/')
    .slice(1)
    .filter((p) => p !== '');
  return fc
    .tuple(
      ...parts.map((part) =>
        part === '{proxy+}'
          ? fc
              .array(fc.constantFrom(...LITERALS, '7'), { minLength: 1, maxLength: 3 })
              .map((segments) => segments.join('/'))
          : part.startsWith('{')
            ? fc.constantFrom(...LITERALS, '7', 'x')
            : fc.constant(part),
      ),
    )
    .map((values) => `/${values.join('/')}`);
}

/** Requests: half instantiate a deployed resource, half are random paths; random tokens. */
const requestsFor = (scale: Scale, deployed: DeployedRoute[]) =>
  fc.array(
    fc.record({
      method: fc.constantFrom(...METHODS),
      path: fc.oneof(
        requestPath(scale),
        fc.constantFrom(...deployed.map((d) => d.resourcePath)).chain(instancePath),
      ),
      token: fc.nat({ max: TOKENS.length - 1 }),
    }),
    scale.requests,
  );

/** What one property run saw. */
interface Tally {
  kinds: Record<'literal' | 'param' | 'proxy' | 'any' | 'root' | 'unlisted' | 'unrouted', number>;
  total: number;
  disagreements: number;
  /** Size of each route map tried. */
  mapSizes: number[];
}

const newTally = (): Tally => ({
  kinds: { literal: 0, param: 0, proxy: 0, any: 0, root: 0, unlisted: 0, unrouted: 0 },
  total: 0,
  disagreements: 0,
  mapSizes: [],
});

/** What the issue says should happen: the routed route's listed scopes decide; unlisted is denied. */
function expected(route: Route | undefined, deployed: DeployedRoute[], scopes: readonly string[]) {
  if (route === undefined) return 403; // MISSING_AUTHENTICATION_TOKEN: no such route
  const listed = (method: string) =>
    deployed.find((d) => d.method === method && d.resourcePath === route.resourcePath)?.scopes;
  const wanted = listed(route.method) ?? (route.method === 'ANY' ? undefined : listed('ANY'));
  if (wanted === undefined) return 403;
  return wanted.length === 0 || wanted.some((s) => scopes.includes(s)) ? 200 : 403;
}

function recordKind(
  kinds: Tally['kinds'],
  route: Route | undefined,
  deployed: DeployedRoute[],
): void {
  if (route === undefined) {
    kinds.unrouted++;
    return;
  }
  const entry = deployed.find(
    (d) => d.method === route.method && d.resourcePath === route.resourcePath,
  );
  if (entry?.scopes === undefined) kinds.unlisted++;
  if (route.method === 'ANY') kinds.any++;
  if (route.resourcePath === '/') kinds.root++;
  else if (route.resourcePath.endsWith('{proxy+}')) kinds.proxy++;
  else if (route.resourcePath.includes('{')) kinds.param++;
  else kinds.literal++;
}

/**
 * Runs the property over generated APIs of a scale.
 * @param scale the size of the APIs and how the map reaches the authorizer
 * @param numRuns APIs tried
 * @returns what the runs saw
 */
async function checkProperty(scale: Scale, numRuns: number): Promise<Tally> {
  const tally = newTally();
  await fc.assert(
    fc.asyncProperty(
      deployment(scale).chain((deployed) =>
        fc.tuple(fc.constant(deployed), requestsFor(scale, deployed)),
      ),
      async ([deployed, batch]) => {
        // Arrange: the route map lists the listed routes, with their deployed method.
        const routeScopes = Object.fromEntries(
          deployed
            .filter((d) => d.scopes !== undefined)
            .map((d) => [`${d.method} ${d.resourcePath}`, d.scopes as string[]]),
        );
        tally.mapSizes.push(Object.keys(routeScopes).length);
        const api = routedApi({
          deployed: deployed.map((d) => `${d.method} ${d.resourcePath}`),
          routeScopes,
          viaConfigDocument: scale.viaDocument,
        });
        const router = new RouteMatcher(
          deployed.map((d) => ({
            method: d.method,
            resourcePath: d.resourcePath,
            authorization: 'NONE',
            integration: { type: 'mock', statusCode: 200 },
          })),
        );

        for (const { method, path, token } of batch) {
          // Act
          const res = await api.call(method, path, TOKENS[token]?.token);
          // Assert
          const routed = router.match(method, path.replace(/^\/local(?=\/|$)/, '') || '/');
          recordKind(tally.kinds, routed?.route, deployed);
          tally.total++;
          const want = expected(routed?.route, deployed, TOKENS[token]?.scopes ?? []);
          if (res.statusCode !== want) {
            tally.disagreements++;
            return false;
          }
        }
        return true;
      },
    ),
    { numRuns, seed: 20_250_610 },
  );
  return tally;
}

describe('routed decision (property)', () => {
  it('allows a request exactly when the token holds a scope the routed route lists', async () => {
    // Act
    const { kinds, total, disagreements } = await checkProperty(SMALL, 90);

    // Assert: enough requests, no disagreement, and every kind of route was exercised.
    expect(disagreements).toBe(0);
    expect(total).toBeGreaterThanOrEqual(10_000);
    for (const [kind, count] of Object.entries(kinds)) {
      expect([kind, count > 0]).toEqual([kind, true]);
    }
    // Reported in the test output for the record.
    console.info(
      `routed-decision property: ${total} requests, ${disagreements} disagreements`,
      kinds,
    );
  });

  it('holds on maps of several hundred routes, passed through the configuration document', async () => {
    // Act
    const { kinds, total, disagreements, mapSizes } = await checkProperty(LARGE, 12);

    // Assert
    expect(disagreements).toBe(0);
    expect(total).toBeGreaterThanOrEqual(1_400);
    expect(Math.min(...mapSizes)).toBeGreaterThanOrEqual(300);
    for (const [kind, count] of Object.entries(kinds)) {
      expect([kind, count > 0]).toEqual([kind, true]);
    }
    console.info(
      `routed-decision property, large maps (${Math.min(...mapSizes)}-${Math.max(...mapSizes)} routes): ${total} requests, ${disagreements} disagreements`,
      kinds,
    );
  });
});
