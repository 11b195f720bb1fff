// Lint rules that types cannot express: module boundaries between projects (task libraries never
// import the runner; the workflow library imports nothing that runs), and the usual TypeScript checks.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.nx/**', 'bench/.venv/**', '**/test-fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:step-api', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:workflow', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:durable-fs', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:tracking', onlyDependOnLibsWithTags: ['scope:durable-fs'] },
            { sourceTag: 'scope:ml', onlyDependOnLibsWithTags: ['scope:step-api'] },
            { sourceTag: 'scope:task', onlyDependOnLibsWithTags: ['scope:step-api', 'scope:ml', 'scope:task', 'scope:durable-fs'] },
            { sourceTag: 'scope:runner', onlyDependOnLibsWithTags: ['scope:step-api', 'scope:workflow', 'scope:durable-fs'] },
            { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['scope:runner', 'scope:workflow', 'scope:step-api', 'scope:ml', 'scope:task', 'scope:tracking', 'scope:durable-fs'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
