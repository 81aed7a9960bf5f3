CREATE TABLE "collection_items" (
	"collection_id" uuid NOT NULL,
	"slot" integer NOT NULL,
	"article_id" uuid NOT NULL,
	"expires_at" timestamp with time zone,
	CONSTRAINT "collection_items_collection_id_slot_pk" PRIMARY KEY("collection_id","slot"),
	CONSTRAINT "collection_items_slot" CHECK ("collection_items"."slot" >= 1)
);
--> statement-breakpoint
CREATE TABLE "collections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"size" integer DEFAULT 10 NOT NULL,
	"rule" text DEFAULT 'latest' NOT NULL,
	"rule_section_id" uuid,
	"rule_tag_id" uuid,
	"position" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "collections_slug_unique" UNIQUE("slug"),
	CONSTRAINT "collections_rule" CHECK ("collections"."rule" in ('latest', 'section', 'tag', 'featured')),
	CONSTRAINT "collections_size" CHECK ("collections"."size" between 1 and 50),
	CONSTRAINT "collections_version_positive" CHECK ("collections"."version" > 0)
);
--> statement-breakpoint
ALTER TABLE "collection_items" ADD CONSTRAINT "collection_items_collection_id_collections_id_fk" FOREIGN KEY ("collection_id") REFERENCES "public"."collections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collection_items" ADD CONSTRAINT "collection_items_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collections" ADD CONSTRAINT "collections_rule_section_id_sections_id_fk" FOREIGN KEY ("rule_section_id") REFERENCES "public"."sections"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collections" ADD CONSTRAINT "collections_rule_tag_id_tags_id_fk" FOREIGN KEY ("rule_tag_id") REFERENCES "public"."tags"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "collection_items_article_once_idx" ON "collection_items" USING btree ("collection_id","article_id");--> statement-breakpoint
CREATE INDEX "collection_items_article_idx" ON "collection_items" USING btree ("article_id");--> statement-breakpoint
CREATE INDEX "collection_items_expires_idx" ON "collection_items" USING btree ("expires_at") WHERE expires_at is not null;