import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';
import importBoundaries from './eslint-rules/import-boundaries.js';

export default defineConfig(
  globalIgnores(['cdk.out/', '.khoso/', 'functions/digitize/adapters/ocr/tessdata/']),
  tseslint.configs.recommended,
  {
    rules: {
      // Fields are dropped from a record by destructuring them into `_name` next to a rest element.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // A variable a closure reads before its one assignment (late binding at start-up) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Prettier wraps code at 120; what it cannot wrap (long Vietnamese strings, patterns, URLs) is data.
      'max-len': [
        'error',
        { code: 120, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true },
      ],
    },
  },
  {
    files: ['test/**'],
    rules: {
      // Tests read parsed JSON bodies and synthesized templates whose shape is what they assert.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    plugins: { khoso: { rules: { 'import-boundaries': importBoundaries } } },
    rules: { 'khoso/import-boundaries': 'error' },
  },
);
