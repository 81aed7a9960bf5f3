-- Related Posts lists (article_related_lists) are valid while their pools have not changed since:
-- these triggers stamp a pool (a tag, a section, an article itself) with the next related_pool_seq
-- value whenever something that can change a ranking in it changes, whichever code writes.
-- Ids are locked in order, so two writers touching the same pools cannot deadlock on them.
CREATE OR REPLACE FUNCTION related_pools_bump(ids uuid[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO related_pools (id, changed)
  SELECT d.id, nextval('related_pool_seq') FROM (SELECT DISTINCT u.id FROM unnest(ids) AS u(id) WHERE u.id IS NOT NULL ORDER BY u.id) d
  ON CONFLICT (id) DO UPDATE SET changed = excluded.changed
$$;
--> statement-breakpoint
-- An article entering, leaving or changing in a pool: its public state, time, section, title or
-- excerpt (the text it is ranked on). Its tags' pools too; a tag added or removed is article_tags'.
CREATE OR REPLACE FUNCTION articles_related_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.status IN ('published', 'scheduled') THEN PERFORM related_pools_bump(ARRAY[NEW.id, NEW.section_id]); END IF;
  ELSIF TG_OP = 'DELETE' THEN
    IF OLD.status IN ('published', 'scheduled') THEN PERFORM related_pools_bump(ARRAY[OLD.id, OLD.section_id]); END IF;
  ELSIF OLD.status IN ('published', 'scheduled') OR NEW.status IN ('published', 'scheduled') THEN
    PERFORM related_pools_bump(ARRAY[NEW.id, OLD.section_id, NEW.section_id] || ARRAY(SELECT tag_id FROM article_tags WHERE article_id = NEW.id));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER articles_related_written
  AFTER INSERT OR DELETE ON articles
  FOR EACH ROW EXECUTE FUNCTION articles_related_changed();
--> statement-breakpoint
CREATE TRIGGER articles_related_updated
  AFTER UPDATE OF status, published_at, section_id, title, excerpt ON articles
  FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.published_at IS DISTINCT FROM NEW.published_at
    OR OLD.section_id IS DISTINCT FROM NEW.section_id OR OLD.title IS DISTINCT FROM NEW.title OR OLD.excerpt IS DISTINCT FROM NEW.excerpt)
  EXECUTE FUNCTION articles_related_changed();
--> statement-breakpoint
-- A public article gaining or losing a tag changes that tag's pool and its own list.
CREATE OR REPLACE FUNCTION article_tags_related_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.published_at IS NOT NULL THEN PERFORM related_pools_bump(ARRAY[OLD.tag_id, OLD.article_id]); END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.published_at IS NOT NULL THEN PERFORM related_pools_bump(ARRAY[NEW.tag_id, NEW.article_id]); END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER article_tags_related_changed
  AFTER INSERT OR DELETE OR UPDATE OF published_at, tag_id, article_id ON article_tags
  FOR EACH ROW EXECUTE FUNCTION article_tags_related_changed();
