// ESLint flat config: eslint's and typescript-eslint's recommended rules (syntax only, no type
// information, so it stays fast), with formatting left to Prettier (.prettierrc.json).
// `npm run lint` runs it; it is not part of `npm test` yet (it joins after the one-off reformat).
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'bench/out/', 'fixtures/', '.kfunc-review-cache/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring a field away, unused parameters).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  prettier,
);
