// The linter: typescript-eslint's recommended rules with type information, plus the few habits
// the project keeps (see CONTRIBUTING in the README). `npm run lint` must print nothing.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['lib/**', 'dist*/**', 'node_modules/**', 'coverage/**', 'reports/**', 'test/fixtures/**', '**/*.d.ts', 'public/**', '.appshelf-cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', performance: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', fetch: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly', setImmediate: 'readonly', crypto: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly', globalThis: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      eqeqeq: ['warn', 'always', { null: 'ignore' }],
      'no-console': 'off',
      'prefer-const': 'warn',
    },
  },
);
