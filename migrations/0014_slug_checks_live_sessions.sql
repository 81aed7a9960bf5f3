-- Rows made before names were checked may have the empty slug (a name of punctuation or of
-- non-Latin letters only): no URL reaches them, so they could be neither edited nor deleted. They
-- get a slug from their id, unique by construction, which an editor can change afterwards.
UPDATE "authors" SET "slug" = 'author-' || replace("id"::text, '-', ''), "updated_at" = now() WHERE "slug" = '';--> statement-breakpoint
UPDATE "sections" SET "slug" = 'section-' || replace("id"::text, '-', ''), "updated_at" = now() WHERE "slug" = '';--> statement-breakpoint
UPDATE "tags" SET "slug" = 'tag-' || replace("id"::text, '-', ''), "updated_at" = now() WHERE "slug" = '';--> statement-breakpoint
UPDATE "pages" SET "slug" = 'page-' || replace("id"::text, '-', ''), "updated_at" = now() WHERE "slug" = '';--> statement-breakpoint

DROP INDEX "refresh_tokens_family_idx";--> statement-breakpoint
CREATE INDEX "refresh_tokens_live_family_idx" ON "refresh_tokens" USING btree ("family_id") WHERE revoked_at is null;--> statement-breakpoint
ALTER TABLE "authors" ADD CONSTRAINT "authors_slug_not_empty" CHECK ("authors"."slug" <> '');--> statement-breakpoint
ALTER TABLE "sections" ADD CONSTRAINT "sections_slug_not_empty" CHECK ("sections"."slug" <> '');--> statement-breakpoint
ALTER TABLE "tags" ADD CONSTRAINT "tags_slug_not_empty" CHECK ("tags"."slug" <> '');--> statement-breakpoint
ALTER TABLE "pages" ADD CONSTRAINT "pages_slug_not_empty" CHECK ("pages"."slug" <> '');