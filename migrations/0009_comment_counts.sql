-- articles.comment_count = the article's approved, not deleted comments. Kept by this trigger, in the
-- same transaction as every insert, status change and delete of a comment, whichever code writes
-- (public API, moderation, article deletion cascading to its comments, SQL by hand). Row locks make
-- it exact under concurrency: a second moderator changing the same comment waits for the first and
-- then sees its new status as OLD.
CREATE OR REPLACE FUNCTION comments_maintain_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  was_visible boolean := false;
  is_visible boolean := false;
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    was_visible := OLD.status = 'approved' AND OLD.deleted_at IS NULL;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    is_visible := NEW.status = 'approved' AND NEW.deleted_at IS NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD.article_id IS DISTINCT FROM NEW.article_id THEN
    IF was_visible THEN UPDATE articles SET comment_count = comment_count - 1 WHERE id = OLD.article_id; END IF;
    IF is_visible THEN UPDATE articles SET comment_count = comment_count + 1 WHERE id = NEW.article_id; END IF;
  ELSIF was_visible AND NOT is_visible THEN
    UPDATE articles SET comment_count = comment_count - 1 WHERE id = OLD.article_id;
  ELSIF is_visible AND NOT was_visible THEN
    UPDATE articles SET comment_count = comment_count + 1 WHERE id = NEW.article_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER comments_maintain_count
  AFTER INSERT OR DELETE OR UPDATE OF status, deleted_at, article_id ON comments
  FOR EACH ROW EXECUTE FUNCTION comments_maintain_count();
--> statement-breakpoint
-- Start exact: counts written before comments existed are recomputed (0 for every article).
UPDATE articles a SET comment_count = c.n
FROM (
  SELECT a2.id, (SELECT count(*) FROM comments c WHERE c.article_id = a2.id AND c.status = 'approved' AND c.deleted_at IS NULL)::int AS n
  FROM articles a2
) c
WHERE c.id = a.id AND a.comment_count <> c.n;
