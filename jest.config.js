// Jest projects: unit (pure, no network), integration (moto_server), terraform (terraform CLI), e2e (whole flow).
/** ESM-only test dependencies (jose, oauth4webapi) are transpiled to CJS for jest. */
const esmPackages = ['jose', 'oauth4webapi'];
const transform = {
  '^.+\\.[tj]s$': [
    'ts-jest',
    { tsconfig: { allowJs: true, isolatedModules: true }, diagnostics: false },
  ],
};
const common = {
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json', 'node'],
  // http-transport.ts opens real sockets, which unit tests cannot (test/support/no-network.ts): it is
  // covered by the integration tests test/integration/http-transport.test.ts,
  // aws-json-client.test.ts and token-faults.test.ts, so unit coverage leaves it out.
  coveragePathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/functions/shared/aws/http-transport\\.ts$',
  ],
};

const FULL = { branches: 100, functions: 100, lines: 100, statements: 100 };

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/no-network.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
    },
    { ...common, displayName: 'terraform', testMatch: ['<rootDir>/test/terraform/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
  ],
  collectCoverageFrom: ['functions/**/*.ts'],
  coverageThreshold: {
    './functions/shared/': FULL,
    './functions/token/core/': FULL,
    './functions/authorizer/core/': FULL,
    './functions/replay-watch/core/': FULL,
  },
};
