CREATE TABLE "newsletter_deliveries" (
	"subscriber_id" uuid NOT NULL,
	"article_id" uuid NOT NULL,
	"via" text NOT NULL,
	"ref" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "newsletter_deliveries_subscriber_id_article_id_pk" PRIMARY KEY("subscriber_id","article_id")
);
--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "newsletter" boolean;--> statement-breakpoint
ALTER TABLE "site_settings" ADD COLUMN "newsletter_autosend" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "site_settings" ADD COLUMN "digest_hour" integer DEFAULT 8 NOT NULL;--> statement-breakpoint
ALTER TABLE "site_settings" ADD COLUMN "digest_time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "site_settings" ADD COLUMN "digest_weekday" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "subscribers" ADD COLUMN "last_digest_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "newsletter_deliveries" ADD CONSTRAINT "newsletter_deliveries_subscriber_id_subscribers_id_fk" FOREIGN KEY ("subscriber_id") REFERENCES "public"."subscribers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "newsletter_deliveries" ADD CONSTRAINT "newsletter_deliveries_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "newsletter_deliveries_ref_idx" ON "newsletter_deliveries" USING btree ("subscriber_id","ref");--> statement-breakpoint
ALTER TABLE "site_settings" ADD CONSTRAINT "site_settings_digest_hour" CHECK ("site_settings"."digest_hour" between 0 and 23);--> statement-breakpoint
ALTER TABLE "site_settings" ADD CONSTRAINT "site_settings_digest_weekday" CHECK ("site_settings"."digest_weekday" between 0 and 6);