// @ts-check
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', 'docs/**', 'data/**', 'coverage/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  comments.recommended,
  {
    languageOptions: {
      parserOptions: {
        // tsconfig.test.json covers sources, tests, scripts and root configs in one program, so
        // lint sees exactly what `npm run typecheck` sees (the per-package tsconfigs only include
        // `src/`, which would leave tests without type information). A new TypeScript file
        // outside its globs fails to parse here: add its folder to tsconfig.test.json.
        project: './tsconfig.test.json',
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // A leading underscore marks a parameter a signature requires but the body does not use.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
        },
      ],
      // `record['key']` marks a lookup that may miss (noUncheckedIndexedAccess); keep it allowed.
      '@typescript-eslint/dot-notation': ['error', { allowIndexSignaturePropertyAccess: true }],
      // It rewrites `x as T` to `x!`, which strict's no-non-null-assertion then forbids: the two
      // rules contradict each other (typescript-eslint's docs say to turn this one off).
      '@typescript-eslint/non-nullable-type-assertion-style': 'off',
      // A suppression must say why: `// eslint-disable-next-line rule -- reason`.
      '@eslint-community/eslint-comments/require-description': 'error',
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    // Plain JavaScript (this file, `cli/bin/hameau.js`) is linted without type information:
    // it is not part of any TypeScript program.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: globals.node,
    },
  },
  {
    // The web pages run in browsers, as ES modules with no build step.
    files: ['dashboards/pages/**/*.js'],
    languageOptions: { sourceType: 'module', globals: globals.browser },
  },
);
