CREATE TABLE "public_idempotency_keys" (
	"owner" text NOT NULL,
	"key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"committed" boolean DEFAULT false NOT NULL,
	"entity_type" text,
	"entity_id" text,
	"locked_until" timestamp with time zone NOT NULL,
	"response_status" integer,
	"response_headers" jsonb,
	"response_body" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	CONSTRAINT "public_idempotency_keys_owner_key_pk" PRIMARY KEY("owner","key")
);
--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "entity_type" text;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "entity_id" text;--> statement-breakpoint
CREATE INDEX "public_idempotency_keys_created_idx" ON "public_idempotency_keys" USING btree ("created_at");