// ESLint (issue 10 point 7): typescript-eslint's recommended rules and React's rules of hooks,
// over the product, the tests, the benchmarks and the scripts. `npm run lint`; part of `npm test`.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.d.ts', '.tmp/**', 'tests/.tmp/**'],
  },
  {
    files: ['src/**/*.{ts,tsx}', 'server/**/*.ts', 'cloudfunctions/**/*.ts', 'staff-console/src/**/*.{ts,tsx}', 'tests/**/*.{ts,tsx}', 'bench/**/*.ts', 'scripts/**/*.ts', 'config/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // TypeScript checks names (tsc --noEmit): globals such as defineAppConfig and the browser's are known there.
      'no-undef': 'off',
      // Unused names starting with _ are deliberate (a parameter a signature needs).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // React's rules where React runs (the server has functions named use… that are no hooks: useFaceCheck).
    files: ['src/**/*.{ts,tsx}', 'staff-console/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
  {
    // Tests and the reliability model feed deliberately ill-typed events and reach into results
    // of any shape; `any` there is the point, not an oversight.
    files: ['tests/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
