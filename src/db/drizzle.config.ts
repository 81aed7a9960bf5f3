import { defineConfig } from 'drizzle-kit'

// Generates SQL into migrations/ from the schema; migrations are applied from code (src/db/migrate.ts)
// because drizzle-kit's own migrate cannot open PGlite with extensions.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './migrations',
  strict: true,
  verbose: true,
})
