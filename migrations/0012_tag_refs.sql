ALTER TABLE "articles" ADD COLUMN "tag_refs" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
-- Small and read on every list: kept in the row, uncompressed (articles has toast_tuple_target = 256).
ALTER TABLE articles ALTER COLUMN tag_refs SET STORAGE PLAIN;
--> statement-breakpoint
-- An article's tags as the public reads show them: {slug, name}, in the editor's order (then by name).
CREATE OR REPLACE FUNCTION article_tag_refs(article uuid) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT coalesce(jsonb_agg(jsonb_build_object('slug', t.slug, 'name', t.name) ORDER BY at.position, t.name), '[]'::jsonb)
  FROM article_tags at JOIN tags t ON t.id = at.tag_id
  WHERE at.article_id = article
$$;
--> statement-breakpoint
-- Whichever code writes article_tags (editor API, seed, bench generator, SQL by hand), once per
-- statement: the articles it touched get their tag_refs again.
CREATE OR REPLACE FUNCTION article_tags_refresh_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE articles a SET tag_refs = article_tag_refs(a.id) WHERE a.id IN (SELECT article_id FROM new_rows);
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE articles a SET tag_refs = article_tag_refs(a.id) WHERE a.id IN (SELECT article_id FROM old_rows);
  ELSE
    UPDATE articles a SET tag_refs = article_tag_refs(a.id)
    WHERE a.id IN (SELECT article_id FROM new_rows UNION SELECT article_id FROM old_rows);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER article_tags_refresh_refs_insert
  AFTER INSERT ON article_tags REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION article_tags_refresh_refs();
--> statement-breakpoint
CREATE TRIGGER article_tags_refresh_refs_delete
  AFTER DELETE ON article_tags REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION article_tags_refresh_refs();
--> statement-breakpoint
CREATE TRIGGER article_tags_refresh_refs_update
  AFTER UPDATE ON article_tags REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION article_tags_refresh_refs();
--> statement-breakpoint
-- A tag renamed (or its slug changed) shows so on every article that carries it.
CREATE OR REPLACE FUNCTION tags_refresh_article_refs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE articles a SET tag_refs = article_tag_refs(a.id)
  WHERE a.id IN (SELECT at.article_id FROM article_tags at WHERE at.tag_id = NEW.id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER tags_refresh_article_refs
  AFTER UPDATE OF slug, name ON tags
  FOR EACH ROW
  WHEN (OLD.slug IS DISTINCT FROM NEW.slug OR OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION tags_refresh_article_refs();
--> statement-breakpoint
-- Articles written before this migration.
UPDATE articles a SET tag_refs = article_tag_refs(a.id) WHERE EXISTS (SELECT 1 FROM article_tags at WHERE at.article_id = a.id);
