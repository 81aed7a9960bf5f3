-- drizzle-kit never writes CREATE EXTENSION; the schema needs these on PGlite and PostgreSQL alike.
CREATE EXTENSION IF NOT EXISTS citext;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS pg_trgm;
