CREATE TYPE "public"."comment_block_kind" AS ENUM('email', 'ip');--> statement-breakpoint
CREATE TYPE "public"."comment_status" AS ENUM('pending', 'approved', 'spam', 'trash');--> statement-breakpoint
CREATE TABLE "comment_blocks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "comment_block_kind" NOT NULL,
	"value" text NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "comments_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"article_id" uuid NOT NULL,
	"parent_id" uuid,
	"root_id" uuid NOT NULL,
	"depth" integer DEFAULT 0 NOT NULL,
	"author_name" text NOT NULL,
	"author_email" text NOT NULL,
	"author_website" text,
	"body" text NOT NULL,
	"status" "comment_status" DEFAULT 'pending' NOT NULL,
	"status_before" "comment_status",
	"ip" text,
	"user_agent" text,
	"referrer" text,
	"is_staff" boolean DEFAULT false NOT NULL,
	"staff_user_id" uuid,
	"spam_reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"akismet_result" text,
	"akismet_feedback" text,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"approved_at" timestamp with time zone,
	CONSTRAINT "comments_depth_range" CHECK ("comments"."depth" >= 0 and "comments"."depth" < 16),
	CONSTRAINT "comments_root_shape" CHECK (("comments"."parent_id" is null) = ("comments"."root_id" = "comments"."id")),
	CONSTRAINT "comments_akismet_result" CHECK ("comments"."akismet_result" is null or "comments"."akismet_result" in ('ham', 'spam', 'unavailable')),
	CONSTRAINT "comments_akismet_feedback" CHECK ("comments"."akismet_feedback" is null or "comments"."akismet_feedback" in ('ham', 'spam'))
);
--> statement-breakpoint
ALTER TABLE "comment_blocks" ADD CONSTRAINT "comment_blocks_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_parent_id_comments_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."comments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "comments" ADD CONSTRAINT "comments_staff_user_id_users_id_fk" FOREIGN KEY ("staff_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "comment_blocks_kind_value_idx" ON "comment_blocks" USING btree ("kind","value");--> statement-breakpoint
CREATE INDEX "comments_article_status_created_idx" ON "comments" USING btree ("article_id","status","created_at","id");--> statement-breakpoint
CREATE INDEX "comments_article_roots_idx" ON "comments" USING btree ("article_id","created_at","seq") WHERE parent_id is null;--> statement-breakpoint
CREATE INDEX "comments_root_idx" ON "comments" USING btree ("root_id","status");--> statement-breakpoint
CREATE INDEX "comments_parent_idx" ON "comments" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "comments_status_created_idx" ON "comments" USING btree ("status","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "comments_email_idx" ON "comments" USING btree ("author_email","status");