// ESLint flat config: typescript-eslint recommended rules, plus the layering rules (scripts/ → tools/ → functions/).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** functions/ never imports the local tools or the CLI. */
const TOOLS = {
  group: ['**/tools/**', '**/scripts/**', '**/test/**'],
  message: 'functions/ ships to Lambda: it imports nothing from tools/, scripts/ or test/.',
};

/** functions/ ships without the AWS SDK: it loads slowly, and the Lambdas need six operations. */
const NO_SDK = {
  group: ['@aws-sdk/*'],
  message:
    'functions/ ships without the AWS SDK (cold start): call AWS through functions/shared/aws/json-client.ts.',
};

/**
 * @param other the other function's folder name
 * @returns a pattern forbidding imports of that function's code
 */
const crossFunction = (other) => ({
  group: [`**/${other}/**`, `../${other}`, `../../${other}`],
  message: `The functions never import each other: move what both need to functions/shared.`,
});

/** Core and shared code are pure: adapters are injected. */
const PURE = [
  {
    group: ['@aws-sdk/*', '@aws-lambda-powertools/*', 'node:fs', 'fs'],
    message: 'core is pure: inject adapters instead.',
  },
];

const NO_ENV = {
  'no-restricted-properties': [
    'error',
    {
      object: 'process',
      property: 'env',
      message: 'core never reads process.env; config.ts does.',
    },
  ],
};

/** tools/ sits below the entry points: scripts/ imports the tools, never the other way round. */
const SCRIPTS = {
  group: ['**/scripts', '**/scripts/**'],
  message:
    'tools/ sits below scripts/ (scripts → tools → functions): move what both need into tools/ (e.g. tools/cli/).',
};

/** The emulator plays API Gateway: it knows nothing of the functions it runs. */
const FUNCTIONS = {
  group: ['**/functions/**'],
  message: 'The emulator plays API Gateway: it imports nothing from functions/.',
};

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'coverage/', '.cache/', '.local/', '**/.terraform/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { module: 'writable', require: 'readonly' },
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  // Layers: functions/ ships to Lambda and imports nothing from the tools; the token and authorizer
  // functions never import each other (both import functions/shared); the emulator plays API
  // Gateway and imports nothing from functions/.
  {
    files: ['functions/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [TOOLS, NO_SDK] }] },
  },
  {
    files: ['functions/token/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [TOOLS, NO_SDK, crossFunction('authorizer')] },
      ],
    },
  },
  {
    files: ['functions/authorizer/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [TOOLS, NO_SDK, crossFunction('token')] }],
    },
  },
  {
    files: ['functions/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [TOOLS, NO_SDK, crossFunction('token'), crossFunction('authorizer'), ...PURE],
        },
      ],
      ...NO_ENV,
    },
  },
  {
    files: ['functions/token/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [TOOLS, NO_SDK, crossFunction('authorizer'), ...PURE] },
      ],
      ...NO_ENV,
    },
  },
  {
    files: ['functions/authorizer/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [TOOLS, crossFunction('token'), ...PURE] }],
      ...NO_ENV,
    },
  },
  // tools/ imports nothing from scripts/, so imports point one way: scripts/ → tools/ → functions/.
  // A later block for the same files replaces the rule's options rather than adding to them, so
  // each block lists every pattern that applies. Dynamic import() and require() are not covered by
  // this rule: test/unit/import-cycles.test.ts checks the same layers on the whole import graph.
  {
    files: ['tools/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [SCRIPTS] }] },
  },
  {
    files: ['tools/gateway/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [SCRIPTS, FUNCTIONS] }] },
  },
);
