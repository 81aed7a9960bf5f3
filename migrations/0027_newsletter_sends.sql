CREATE TYPE "public"."newsletter_send_status" AS ENUM('queued', 'sending', 'sent', 'cancelled');--> statement-breakpoint
ALTER TYPE "public"."subscriber_status" ADD VALUE 'bounced';--> statement-breakpoint
ALTER TYPE "public"."subscriber_status" ADD VALUE 'complained';--> statement-breakpoint
CREATE TABLE "newsletter_sends" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"article_id" uuid,
	"section_slug" text NOT NULL,
	"status" "newsletter_send_status" DEFAULT 'queued' NOT NULL,
	"subject" text NOT NULL,
	"html" text NOT NULL,
	"text" text NOT NULL,
	"recipients" integer DEFAULT 0 NOT NULL,
	"fanout_after" uuid,
	"fanout_done" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "newsletter_sends" ADD CONSTRAINT "newsletter_sends_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "newsletter_sends" ADD CONSTRAINT "newsletter_sends_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "newsletter_sends_article_idx" ON "newsletter_sends" USING btree ("article_id","created_at");--> statement-breakpoint
CREATE INDEX "newsletter_sends_created_idx" ON "newsletter_sends" USING btree ("created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "outbox_newsletter_send_idx" ON "outbox" USING btree ((payload ->> 'send_id'),"status") WHERE topic = 'newsletter.deliver';