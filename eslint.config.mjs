// ESLint for the whole repository (`npm run lint`): JavaScript's and typescript-eslint's recommended
// rules with type information, plus the few project rules below. Formatting is Prettier's job
// (`npm run format:check`), so eslint-config-prettier comes last and turns off every style rule.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/',
      'out/',
      '.cache/',
      '.vscode-test/',
      'test-results/',
      // Scenario projects the tests run: their code is deliberately broken.
      'test/fixtures/',
      'test/vscode/out/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The code marks an indexed read that a check before it made safe with `!` (`lines[i]!`,
      // a regex group `id!`), written as if tsconfig had `noUncheckedIndexedAccess`. It does not
      // (turning it on asks for 131 more such marks), so for the type checker those `!` are
      // redundant and this rule would strip the markers; it finds nothing else here.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // An `async` function that implements a Promise-returning contract without awaiting
      // (`readFile: async (f) => files[f]`, an adapter's `defaultCommand`) is the plain way to
      // write it, and turns a throw into a rejection, which the callers handle.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Scripts and configs in plain JavaScript are not in tsconfig: no type information there.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    // A CommonJS file (the tests entry point VS Code 1.90 loads with require()) imports by require().
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read JSON from real processes and servers (the CLI's --json output, recorded
      // requests) and assert on its shape, which is the check; typing it first adds nothing. The
      // end-to-end tests' page callbacks run in the browser, whose DOM types this project's lib
      // does not load, so every value there is unresolved.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // A function in the product code fits on a screen (tests' describe blocks may be longer).
    files: ['src/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  prettier,
);
