// The port through which the clients CLI keeps a client's API key for usage plans: where keys live (API Gateway, or nothing locally) and the plans a deployment has.

/** The usage plans of a deployment: plan ids by name, and the plan of clients that name none. */
export interface UsagePlansConfig {
  plans: Record<string, string>;
  defaultPlan?: string;
  /** The API and stage the plans meter (for `usage`). */
  restApiId?: string;
  stage?: string;
  /**
   * The REST API's `apiKeySource` as API Gateway reports it (undefined locally). Keys are given
   * only when it is `AUTHORIZER`: with `HEADER`, API Gateway would ignore the authorizer's
   * `usageIdentifierKey` and meter whatever `X-API-Key` a caller sends ("Choose an API key source
   * in API Gateway",
   * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html).
   */
  apiKeySource?: string;
}

/** An API key as the gateway holds it. */
export interface UsageKey {
  id: string;
  /** The key's value (only the repair path compares it; never printed). */
  value: string;
  enabled: boolean;
}

/** Requests counted for one key, per day (`GetUsage`). */
export interface UsageReport {
  startDate: string;
  endDate: string;
  /** Per day, in order: [used, remaining]. */
  days: Array<{ date: string; used: number; remaining: number | null }>;
}

/**
 * Where API keys live: API Gateway (usage-keys-apigateway.ts), or nothing locally (usage-keys-local.ts).
 * Every method is idempotent, so a rerun after a failure completes the work.
 */
export interface UsageKeyGateway {
  /** @returns the plans, or undefined when the deployment has no usage plans */
  config(): Promise<UsagePlansConfig | undefined>;
  /** @returns the key with this id, or undefined when it does not exist */
  getKey(id: string): Promise<UsageKey | undefined>;
  /** @returns the key named `name` (the client id), or undefined */
  findKey(name: string): Promise<UsageKey | undefined>;
  /** Creates a key named `name` with `value`; @returns its id */
  createKey(name: string, value: string, enabled: boolean): Promise<string>;
  setEnabled(id: string, enabled: boolean): Promise<void>;
  /** Deletes a key; a missing key is not an error. */
  deleteKey(id: string): Promise<void>;
  /** @returns the ids of the plans (among `planIds`) that hold the key */
  plansOf(keyId: string, planIds: readonly string[]): Promise<string[]>;
  /** Adds the key to a plan; already there is not an error. */
  addToPlan(planId: string, keyId: string): Promise<void>;
  /** Removes the key from a plan; not there is not an error. */
  removeFromPlan(planId: string, keyId: string): Promise<void>;
  /** @returns the key's usage in the plan, per day, `from`..`to` (YYYY-MM-DD) */
  usage(planId: string, keyId: string, from: string, to: string): Promise<UsageReport>;
}
