CREATE TABLE "author_slug_redirects" (
	"slug" text PRIMARY KEY NOT NULL,
	"author_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "page_slug_redirects" (
	"slug" text PRIMARY KEY NOT NULL,
	"page_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "path_aliases" (
	"path" text PRIMARY KEY NOT NULL,
	"article_id" uuid,
	"section_id" uuid,
	"tag_id" uuid,
	"author_id" uuid,
	"page_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "path_aliases_one_target" CHECK (num_nonnulls("path_aliases"."article_id", "path_aliases"."section_id", "path_aliases"."tag_id", "path_aliases"."author_id", "path_aliases"."page_id") = 1),
	CONSTRAINT "path_aliases_path_form" CHECK ("path_aliases"."path" like '/%' and length("path_aliases"."path") <= 2000)
);
--> statement-breakpoint
CREATE TABLE "section_slug_redirects" (
	"slug" text PRIMARY KEY NOT NULL,
	"section_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tag_slug_redirects" (
	"slug" text PRIMARY KEY NOT NULL,
	"tag_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "site_settings" ADD COLUMN "permalinks" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "site_settings" ADD COLUMN "permalink_history" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "author_slug_redirects" ADD CONSTRAINT "author_slug_redirects_author_id_authors_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."authors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "page_slug_redirects" ADD CONSTRAINT "page_slug_redirects_page_id_pages_id_fk" FOREIGN KEY ("page_id") REFERENCES "public"."pages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "path_aliases" ADD CONSTRAINT "path_aliases_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "path_aliases" ADD CONSTRAINT "path_aliases_section_id_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."sections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "path_aliases" ADD CONSTRAINT "path_aliases_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "path_aliases" ADD CONSTRAINT "path_aliases_author_id_authors_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."authors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "path_aliases" ADD CONSTRAINT "path_aliases_page_id_pages_id_fk" FOREIGN KEY ("page_id") REFERENCES "public"."pages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "section_slug_redirects" ADD CONSTRAINT "section_slug_redirects_section_id_sections_id_fk" FOREIGN KEY ("section_id") REFERENCES "public"."sections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tag_slug_redirects" ADD CONSTRAINT "tag_slug_redirects_tag_id_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."tags"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "author_slug_redirects_author_idx" ON "author_slug_redirects" USING btree ("author_id");--> statement-breakpoint
CREATE INDEX "page_slug_redirects_page_idx" ON "page_slug_redirects" USING btree ("page_id");--> statement-breakpoint
CREATE INDEX "path_aliases_article_idx" ON "path_aliases" USING btree ("article_id") WHERE "path_aliases"."article_id" is not null;--> statement-breakpoint
CREATE INDEX "path_aliases_section_idx" ON "path_aliases" USING btree ("section_id") WHERE "path_aliases"."section_id" is not null;--> statement-breakpoint
CREATE INDEX "path_aliases_tag_idx" ON "path_aliases" USING btree ("tag_id") WHERE "path_aliases"."tag_id" is not null;--> statement-breakpoint
CREATE INDEX "path_aliases_author_idx" ON "path_aliases" USING btree ("author_id") WHERE "path_aliases"."author_id" is not null;--> statement-breakpoint
CREATE INDEX "path_aliases_page_idx" ON "path_aliases" USING btree ("page_id") WHERE "path_aliases"."page_id" is not null;--> statement-breakpoint
CREATE INDEX "section_slug_redirects_section_idx" ON "section_slug_redirects" USING btree ("section_id");--> statement-breakpoint
CREATE INDEX "tag_slug_redirects_tag_idx" ON "tag_slug_redirects" USING btree ("tag_id");