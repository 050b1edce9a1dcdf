DROP INDEX "products_created_idx";--> statement-breakpoint
DROP INDEX "products_public_created_idx";--> statement-breakpoint
DROP INDEX "products_public_price_idx";--> statement-breakpoint
DROP INDEX "products_public_category_created_idx";--> statement-breakpoint
DROP INDEX "products_public_category_price_idx";--> statement-breakpoint
DROP INDEX "products_price_idx";--> statement-breakpoint
DROP INDEX "products_name_idx";--> statement-breakpoint
DROP INDEX "products_category_idx";--> statement-breakpoint
DROP INDEX "products_low_stock_idx";--> statement-breakpoint
CREATE INDEX "products_inactive_idx" ON "products" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST,"price_cents","stock","category_id") WHERE not is_active and archived_at is null;--> statement-breakpoint
CREATE INDEX "products_low_stock_threshold_idx" ON "products" USING btree ("low_stock_threshold") WHERE archived_at is null and low_stock_threshold is not null;--> statement-breakpoint
CREATE INDEX "products_created_idx" ON "products" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE archived_at is null;--> statement-breakpoint
CREATE INDEX "products_public_created_idx" ON "products" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE is_active and archived_at is null;--> statement-breakpoint
CREATE INDEX "products_public_price_idx" ON "products" USING btree ("price_cents","id","stock") WHERE is_active and archived_at is null;--> statement-breakpoint
CREATE INDEX "products_public_category_created_idx" ON "products" USING btree ("category_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE is_active and archived_at is null;--> statement-breakpoint
CREATE INDEX "products_public_category_price_idx" ON "products" USING btree ("category_id","price_cents","id","stock") WHERE is_active and archived_at is null;--> statement-breakpoint
CREATE INDEX "products_price_idx" ON "products" USING btree ("price_cents","id","stock") WHERE archived_at is null;--> statement-breakpoint
CREATE INDEX "products_name_idx" ON "products" USING btree ("name","id") WHERE archived_at is null;--> statement-breakpoint
CREATE INDEX "products_category_idx" ON "products" USING btree ("category_id","price_cents","id","stock","archived_at");--> statement-breakpoint
CREATE INDEX "products_low_stock_idx" ON "products" USING btree ("stock","id","low_stock_threshold") WHERE archived_at is null;