CREATE TYPE "public"."correction_kind" AS ENUM('correction', 'update', 'clarification');--> statement-breakpoint
CREATE TABLE "article_authors" (
	"article_id" uuid NOT NULL,
	"author_id" uuid NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "article_authors_article_id_author_id_pk" PRIMARY KEY("article_id","author_id"),
	CONSTRAINT "article_authors_position_nonnegative" CHECK (position >= 0)
);
--> statement-breakpoint
CREATE TABLE "article_corrections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"article_id" uuid NOT NULL,
	"kind" "correction_kind" NOT NULL,
	"text" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "article_corrections_text_not_empty" CHECK (length(btrim(text)) > 0)
);
--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "author_refs" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "article_authors" ADD CONSTRAINT "article_authors_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_authors" ADD CONSTRAINT "article_authors_author_id_authors_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."authors"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_corrections" ADD CONSTRAINT "article_corrections_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_corrections" ADD CONSTRAINT "article_corrections_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "article_authors_author_idx" ON "article_authors" USING btree ("author_id","article_id");--> statement-breakpoint
CREATE INDEX "article_corrections_article_idx" ON "article_corrections" USING btree ("article_id","at","id");--> statement-breakpoint
CREATE INDEX "article_corrections_feed_idx" ON "article_corrections" USING btree ("at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
-- Small and read on every list: kept in the row, uncompressed (articles has toast_tuple_target = 256).
ALTER TABLE articles ALTER COLUMN author_refs SET STORAGE PLAIN;
--> statement-breakpoint
-- An article's byline as the public reads show it: {id, slug, name}, in order.
CREATE OR REPLACE FUNCTION article_author_refs(article uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT coalesce(jsonb_agg(jsonb_build_object('id', au.id, 'slug', au.slug, 'name', au.name) ORDER BY aa.position, au.name), '[]'::jsonb)
  FROM article_authors aa JOIN authors au ON au.id = aa.author_id
  WHERE aa.article_id = article
$$;
--> statement-breakpoint
-- The byline's first author, or the article's current one while it has no byline rows.
CREATE OR REPLACE FUNCTION article_first_author(article uuid, fallback uuid) RETURNS uuid LANGUAGE sql STABLE AS $$
  SELECT coalesce((SELECT aa.author_id FROM article_authors aa WHERE aa.article_id = article ORDER BY aa.position, aa.author_id LIMIT 1), fallback)
$$;
--> statement-breakpoint
-- Whichever code writes article_authors, once per statement: the articles it touched get their
-- author_refs again, and author_id follows the first author (the single-author column stays true).
CREATE OR REPLACE FUNCTION article_authors_refresh_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE articles a SET author_refs = article_author_refs(a.id), author_id = article_first_author(a.id, a.author_id)
    WHERE a.id IN (SELECT article_id FROM new_rows);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE articles a SET author_refs = article_author_refs(a.id), author_id = article_first_author(a.id, a.author_id)
    WHERE a.id IN (SELECT article_id FROM old_rows);
  ELSE
    UPDATE articles a SET author_refs = article_author_refs(a.id), author_id = article_first_author(a.id, a.author_id)
    WHERE a.id IN (SELECT article_id FROM new_rows UNION SELECT article_id FROM old_rows);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER article_authors_refresh_refs_insert
  AFTER INSERT ON article_authors REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION article_authors_refresh_refs();
--> statement-breakpoint
CREATE TRIGGER article_authors_refresh_refs_delete
  AFTER DELETE ON article_authors REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION article_authors_refresh_refs();
--> statement-breakpoint
CREATE TRIGGER article_authors_refresh_refs_update
  AFTER UPDATE ON article_authors REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION article_authors_refresh_refs();
--> statement-breakpoint
-- Every article has a byline from its first statement on, whoever inserts it (editor API, import,
-- seed, bench generator, a restore): its author_id becomes the first author.
CREATE OR REPLACE FUNCTION articles_initial_byline() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO article_authors (article_id, author_id, position)
  SELECT n.id, n.author_id, 0 FROM new_rows n
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER articles_initial_byline
  AFTER INSERT ON articles REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION articles_initial_byline();
--> statement-breakpoint
-- An author renamed (or its slug changed) shows so on every article it is in the byline of.
CREATE OR REPLACE FUNCTION authors_refresh_article_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE articles a SET author_refs = article_author_refs(a.id)
  WHERE a.id IN (SELECT aa.article_id FROM article_authors aa WHERE aa.author_id = NEW.id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER authors_refresh_article_refs
  AFTER UPDATE OF slug, name ON authors
  FOR EACH ROW
  WHEN (OLD.slug IS DISTINCT FROM NEW.slug OR OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION authors_refresh_article_refs();
--> statement-breakpoint
-- Articles written before this migration: their one author becomes their byline.
INSERT INTO article_authors (article_id, author_id, position) SELECT id, author_id, 0 FROM articles ON CONFLICT DO NOTHING;
