CREATE TYPE "public"."newsletter_cadence" AS ENUM('instant', 'daily', 'weekly');--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "cadence" "newsletter_cadence" DEFAULT 'instant' NOT NULL;