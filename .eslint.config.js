// ESLint flat config (a dotfile: the top level holds only what the design card lists).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import { localPlugin } from './scripts/eslint/no-import-cycle.js'

const noFastify = { group: ['fastify', '@fastify/*', 'fastify-plugin'], message: 'Services, lib and db never import fastify.', allowTypeImports: true }
const noDrizzle = { group: ['drizzle-orm', 'drizzle-orm/*'], message: 'Only repositories (src/db) run queries.' }
// Type-only imports count too: a type from a higher layer still ties the lower one to it.
const noRoutes = { group: ['**/routes/**'], message: 'Only app.ts composes routes: shared schemas live in src/schemas/, rules in src/services/.' }
const noUpward = { group: ['**/services/**', '**/routes/**', '**/plugins/**', '**/seed/**'], message: 'src/db imports nothing above it (services, routes, plugins, seed).' }
const noDriverInternals = { group: ['drizzle-orm'], importNames: ['fillPlaceholders'], message: 'What drizzle does not promise is used in src/db/hot/driver.ts only (its version is pinned for that).' }
const restrict = (...patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] })

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', '.tap/', 'migrations/', 'openapi/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    plugins: { local: localPlugin },
    rules: {
      'local/no-import-cycle': 'error',
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
  { files: ['src/lib/**/*.ts'], rules: restrict(noFastify, noDrizzle, noRoutes) },
  { files: ['src/services/**/*.ts'], rules: restrict(noFastify, noDrizzle, noRoutes) },
  { files: ['src/db/**/*.ts'], rules: restrict(noFastify, noUpward, noDriverInternals) },
  { files: ['src/db/hot/driver.ts'], rules: restrict(noFastify, noUpward) },
  { files: ['src/routes/**/*.ts'], rules: restrict(noDrizzle) },
  { files: ['src/plugins/**/*.ts', 'src/schemas/**/*.ts'], rules: restrict(noRoutes) },
  // The demo content loader writes rows in bulk (drizzle) with the media services; nothing in db/ imports it.
  { files: ['src/seed/**/*.ts'], rules: restrict(noFastify, noRoutes) },
  // drizzle-kit requires a default export from its config file.
  { files: ['src/db/drizzle.config.ts'], rules: { 'no-restricted-syntax': 'off' } },
  // Declarations of untyped packages describe their exports as they are (s3rver's is a default export).
  { files: ['test/types/**/*.d.ts'], rules: { 'no-restricted-syntax': 'off' } },
)
