CREATE SEQUENCE "public"."related_pool_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "article_related_lists" (
	"article_id" uuid PRIMARY KEY NOT NULL,
	"candidate_ids" uuid[] NOT NULL,
	"seen" bigint NOT NULL,
	"valid_until" timestamp with time zone NOT NULL,
	"computed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "related_pools" (
	"id" uuid PRIMARY KEY NOT NULL,
	"changed" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "article_related_lists" ADD CONSTRAINT "article_related_lists_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;