-- Room on each page for the next version of a row whose stock changed, so that the update
-- stays on its page (HOT). Set first: adding the column below rewrites the table with it.
ALTER TABLE "products" SET (fillfactor = 90);--> statement-breakpoint
ALTER TABLE "product_variants" SET (fillfactor = 90);--> statement-breakpoint
DROP INDEX "products_public_price_idx";--> statement-breakpoint
DROP INDEX "products_public_category_price_idx";--> statement-breakpoint
DROP INDEX "products_price_idx";--> statement-breakpoint
DROP INDEX "products_category_idx";--> statement-breakpoint
DROP INDEX "products_inactive_idx";--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "in_stock" boolean GENERATED ALWAYS AS ("products"."stock" > 0) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "products_public_price_idx" ON "products" USING btree ("price_cents","id","in_stock") WHERE is_active and archived_at is null;--> statement-breakpoint
CREATE INDEX "products_public_category_price_idx" ON "products" USING btree ("category_id","price_cents","id","in_stock") WHERE is_active and archived_at is null;--> statement-breakpoint
CREATE INDEX "products_price_idx" ON "products" USING btree ("price_cents","id","in_stock") WHERE archived_at is null;--> statement-breakpoint
CREATE INDEX "products_category_idx" ON "products" USING btree ("category_id","price_cents","id","in_stock","archived_at");--> statement-breakpoint
CREATE INDEX "products_inactive_idx" ON "products" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST,"price_cents","in_stock","category_id") WHERE not is_active and archived_at is null;