// The Lambda functions this repository ships and their handler entry points (build and package read it).

/** Functions and their handler entry points, relative to the repository root. */
export const FUNCTIONS: Record<string, string> = {
  token: 'functions/token/handler.ts',
  authorizer: 'functions/authorizer/handler.ts',
  // Multi-Region only: the DynamoDB stream consumer that reports a jti used in two Regions.
  'replay-watch': 'functions/replay-watch/handler.ts',
};
