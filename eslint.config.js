// @ts-check
// One ESLint configuration for the whole repository. Layout and style are Prettier's job
// (eslint-config-prettier, last, turns off every rule that would argue with it); what is left
// here are the rules that find mistakes. Where a rule of the strict presets is off or tuned,
// the comment says what it kept flagging and why that is deliberate in this code base.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const TS = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];
const TESTS = ['server/test/**', 'client/test/**', 'web/src/**/*.test.{ts,tsx}', 'web/src/test/**', 'e2e/**'];

/** An unused name is a mistake unless it says, with a leading underscore, that it is unused on purpose. */
const unusedVars = [
  'error',
  {
    args: 'after-used',
    argsIgnorePattern: '^_',
    varsIgnorePattern: '^_',
    caughtErrorsIgnorePattern: '^_',
    destructuredArrayIgnorePattern: '^_',
    ignoreRestSiblings: true,
  },
];

export default defineConfig(
  globalIgnores(['**/node_modules/', '**/dist/', '**/coverage/', '**/test-results/', '**/playwright-report/', '**/generated/', 'docs/']),
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: globals.node },
  },

  js.configs.recommended,
  {
    rules: {
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-unused-vars': unusedVars,
      'no-var': 'error',
      // A variable declared before the cleanup that reads it, and assigned after, stays `let`; so does a
      // destructuring whose other names are reassigned.
      'prefer-const': ['error', { destructuring: 'all', ignoreReadBeforeAssign: true }],
    },
  },

  // TypeScript, checked with types: each file is read by the project of its nearest tsconfig.json
  // (server, client, web, e2e, bench), so the rules see what tsc sees. Plain JavaScript (the CLI
  // entry, test runners, build and bench scripts, the example) has no types to check against and
  // gets only the rules above.
  {
    files: TS,
    extends: [tseslint.configs.strictTypeChecked, tseslint.configs.stylisticTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': unusedVars,
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            // node:test's describe and it return promises that the runner itself awaits.
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
            // react-router's navigate returns a promise only for data routers, which the web app does not use.
            { from: 'package', package: 'react-router', name: 'NavigateFunction' },
          ],
        },
      ],
      // The outcomes are discriminated unions: a switch over one that forgets a new member is a bug.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // React calls event handlers and ignores what they return; an async handler there is the idiom.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      // `||` on a string or a boolean is meant: an empty LEASEHOLD_* variable falls back to the default,
      // and `disabled || empty` must not become `??`, which would keep `false`.
      '@typescript-eslint/prefer-nullish-coalescing': ['error', { ignorePrimitives: { string: true, boolean: true } }],
      // `request<void>(...)` and Playwright's `pageErrors: void` fixture say "no value" in a type argument.
      '@typescript-eslint/no-invalid-void-type': 'off',
      // Numbers and booleans read fine in a message; null, undefined and objects in one are the bugs.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // Fastify plugins and hooks must be async functions (or take a callback) even when they await nothing.
      '@typescript-eslint/require-await': 'off',
      // noUncheckedIndexedAccess makes `!` the honest way to say "this index exists"; it is used on purpose.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // `void process.stdout` opens the stream for its side effect (logging.ts) and `void error` says a
      // value is dropped on purpose; the rule's fix leaves a bare expression that no-unused-expressions refuses.
      '@typescript-eslint/no-meaningless-void-operator': 'off',
      // `onClick={() => setOpen(false)}` returns void from an arrow; that is not confusing.
      '@typescript-eslint/no-confusing-void-expression': 'off',
      // Flags guards the types call impossible: arguments checked for JavaScript callers of the client,
      // flags set in callbacks, polyfills in the test setup, hooks that run after a failed `before`.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // The store converts what the drivers hand back (`Number(row.created_at)`) whatever the column
      // types claim; removing those "unnecessary" conversions would trust the types over the driver.
      '@typescript-eslint/no-unnecessary-type-conversion': 'off',
    },
  },

  // Tests read JSON replies as `Record<string, any>` on purpose: an assertion is the type check.
  // They also stub with empty functions and delete variables from copies of the environment.
  {
    files: TESTS,
    rules: {
      '@typescript-eslint/no-dynamic-delete': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/restrict-plus-operands': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },

  // Playwright reads a fixture's first parameter to find what it depends on: `async ({}, use)` is how
  // a fixture says "nothing".
  {
    files: ['e2e/**'],
    rules: { 'no-empty-pattern': 'off' },
  },

  // The web app runs in the browser. The React hooks rules, every one an error: hooks called in a
  // fixed order, effects' dependencies complete, and the React Compiler's checks (no state set or
  // copied in an effect, no refs read or impure calls during render), which the app passes as written.
  {
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: Object.fromEntries(Object.keys(reactHooks.configs.flat['recommended-latest'].rules ?? {}).map((rule) => [rule, 'error'])),
  },

  prettier,
);
