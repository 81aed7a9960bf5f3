-- article_tags.published_at mirrors the article's public time (published or scheduled), else null.
-- Triggers keep it right whichever code writes (editor API, seed, bench generator, SQL by hand).
CREATE OR REPLACE FUNCTION article_public_time(status article_status, published_at timestamptz)
RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN status IN ('published', 'scheduled') THEN published_at END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION article_tags_fill_published_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT article_public_time(a.status, a.published_at) INTO NEW.published_at FROM articles a WHERE a.id = NEW.article_id;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER article_tags_fill_published_at
  BEFORE INSERT OR UPDATE OF article_id ON article_tags
  FOR EACH ROW EXECUTE FUNCTION article_tags_fill_published_at();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION articles_sync_tag_published_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE article_tags SET published_at = article_public_time(NEW.status, NEW.published_at)
  WHERE article_id = NEW.id
    AND published_at IS DISTINCT FROM article_public_time(NEW.status, NEW.published_at);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER articles_sync_tag_published_at
  AFTER UPDATE OF status, published_at ON articles
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.published_at IS DISTINCT FROM NEW.published_at)
  EXECUTE FUNCTION articles_sync_tag_published_at();
--> statement-breakpoint
-- Rows written before this migration.
UPDATE article_tags at SET published_at = article_public_time(a.status, a.published_at)
FROM articles a WHERE a.id = at.article_id;
--> statement-breakpoint
-- tags.usage_count = article_tags rows of that tag whose article is published or scheduled
-- (article_tags.published_at is not null), kept by a trigger on article_tags.
CREATE OR REPLACE FUNCTION article_tags_count_usage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.published_at IS NOT NULL THEN
    UPDATE tags SET usage_count = usage_count - 1 WHERE id = OLD.tag_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.published_at IS NOT NULL THEN
    UPDATE tags SET usage_count = usage_count + 1 WHERE id = NEW.tag_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER article_tags_count_usage
  AFTER INSERT OR DELETE OR UPDATE OF published_at, tag_id ON article_tags
  FOR EACH ROW EXECUTE FUNCTION article_tags_count_usage();
--> statement-breakpoint
UPDATE tags t SET usage_count = (SELECT count(*) FROM article_tags at WHERE at.tag_id = t.id AND at.published_at IS NOT NULL);
--> statement-breakpoint
-- Keep article rows narrow: bodies, HTML and the full search vector move to TOAST storage, so
-- scans that only need the small columns (counts, search facets, feeds) read a fraction of the
-- pages. The small title/excerpt vector that ranking and Related Posts read for thousands of rows
-- stays in the row, uncompressed.
ALTER TABLE articles SET (toast_tuple_target = 256);
--> statement-breakpoint
ALTER TABLE articles ALTER COLUMN search_head SET STORAGE PLAIN;
--> statement-breakpoint
-- The typo dictionary: words of titles (3 to 30 letters), added as articles are written.
CREATE OR REPLACE FUNCTION search_terms_of(title text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
  SELECT DISTINCT w FROM regexp_split_to_table(lower(title), '[^[:alpha:]]+') AS w WHERE length(w) BETWEEN 3 AND 30
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION articles_collect_search_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_terms (term) SELECT search_terms_of(NEW.title) ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER articles_collect_search_terms
  AFTER INSERT OR UPDATE OF title ON articles
  FOR EACH ROW EXECUTE FUNCTION articles_collect_search_terms();
--> statement-breakpoint
INSERT INTO search_terms (term) SELECT search_terms_of(title) FROM articles ON CONFLICT DO NOTHING;
