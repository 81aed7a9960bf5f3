// ESLint flat config (a dotfile: the top level holds only what the design card lists).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const noFastify = { group: ['fastify', '@fastify/*', 'fastify-plugin'], message: 'Services, lib and db never import fastify.', allowTypeImports: true }
const noDrizzle = { group: ['drizzle-orm', 'drizzle-orm/*'], message: 'Only repositories (src/db) run queries.' }
const restrict = (...patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] })

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', '.tap/', 'migrations/', 'openapi/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only (house style).' },
        {
          // A SQLSTATE compared by hand (error.code === '23505') misses drizzle's wrapping: src/db/errors.ts reads them.
          selector: "BinaryExpression:has(MemberExpression[property.name='code']):has(Literal[value=/^[0-9A-Z]{2}[0-9A-Z]{3}$/][value=/[0-9]/])",
          message: 'Read database error codes with pgCode() / isUniqueViolation() … from src/db/errors.ts.',
        },
      ],
      eqeqeq: ['error', 'always'],
    },
  },
  // One direction of dependency: routes → services → repositories → db/schema.
  { files: ['src/lib/**/*.ts'], rules: restrict(noFastify, noDrizzle) },
  { files: ['src/services/**/*.ts'], rules: restrict(noFastify, noDrizzle) },
  { files: ['src/db/**/*.ts'], rules: restrict(noFastify) },
  { files: ['src/routes/**/*.ts'], rules: restrict(noDrizzle) },
  // drizzle-kit requires a default export from its config file.
  { files: ['src/db/drizzle.config.ts'], rules: { 'no-restricted-syntax': 'off' } },
)
