ALTER TABLE "newsletter_sends" ADD COLUMN "final_counts" jsonb;--> statement-breakpoint
CREATE INDEX "outbox_finished_idx" ON "outbox" USING btree ("created_at") WHERE status in ('done', 'failed');