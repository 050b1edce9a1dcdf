-- Every product becomes a product with variants: each existing one gets exactly one default
-- variant carrying its sku, price, stock and low-stock threshold; carts and past orders point at it.
CREATE TABLE "product_variants" (
	"id" serial PRIMARY KEY NOT NULL,
	"product_id" integer NOT NULL,
	"sku" text,
	"title" text NOT NULL,
	"option_values" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"price_cents" integer NOT NULL,
	"stock" integer DEFAULT 0 NOT NULL,
	"is_active" boolean DEFAULT true NOT NULL,
	"archived_at" timestamp with time zone,
	"low_stock_threshold" integer,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "product_variants_price_nonnegative" CHECK ("product_variants"."price_cents" >= 0),
	CONSTRAINT "product_variants_stock_nonnegative" CHECK ("product_variants"."stock" >= 0),
	CONSTRAINT "product_variants_low_stock_threshold_nonnegative" CHECK ("product_variants"."low_stock_threshold" >= 0)
);
--> statement-breakpoint
ALTER TABLE "product_variants" ADD CONSTRAINT "product_variants_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
INSERT INTO "product_variants" ("product_id", "sku", "title", "option_values", "price_cents", "stock", "is_active", "low_stock_threshold", "position", "created_at", "updated_at")
SELECT "id", "sku", 'Default', '{}'::jsonb, "price_cents", "stock", true, "low_stock_threshold", 0, "created_at", "updated_at" FROM "products" ORDER BY "id";
--> statement-breakpoint
CREATE TABLE "product_images" (
	"id" serial PRIMARY KEY NOT NULL,
	"product_id" integer NOT NULL,
	"variant_id" integer,
	"storage_key" text,
	"url" text,
	"alt" text DEFAULT '' NOT NULL,
	"width" integer,
	"height" integer,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "product_images_one_source" CHECK (("product_images"."storage_key" is null) <> ("product_images"."url" is null))
);
--> statement-breakpoint
ALTER TABLE "product_images" ADD CONSTRAINT "product_images_product_id_products_id_fk" FOREIGN KEY ("product_id") REFERENCES "public"."products"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "product_images" ADD CONSTRAINT "product_images_variant_id_product_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "public"."product_variants"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
-- Outside image URLs move from the products row into their own rows, in the same order.
INSERT INTO "product_images" ("product_id", "url", "alt", "position")
SELECT p."id", image->>'url', coalesce(image->>'alt', ''), (ordinality - 1)::int
FROM "products" p, jsonb_array_elements(p."images") WITH ORDINALITY AS image(image, ordinality)
ORDER BY p."id", ordinality;
--> statement-breakpoint
ALTER TABLE "products" ADD COLUMN "options" jsonb DEFAULT '[]'::jsonb NOT NULL;
--> statement-breakpoint
ALTER TABLE "cart_items" ADD COLUMN "variant_id" integer;
--> statement-breakpoint
UPDATE "cart_items" c SET "variant_id" = v."id" FROM "product_variants" v WHERE v."product_id" = c."product_id";
--> statement-breakpoint
ALTER TABLE "cart_items" ALTER COLUMN "variant_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "cart_items" DROP CONSTRAINT "cart_items_cart_id_product_id_pk";
--> statement-breakpoint
ALTER TABLE "cart_items" ADD CONSTRAINT "cart_items_cart_id_variant_id_pk" PRIMARY KEY("cart_id","variant_id");
--> statement-breakpoint
ALTER TABLE "cart_items" ADD CONSTRAINT "cart_items_variant_id_product_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "public"."product_variants"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "order_items" ADD COLUMN "variant_id" integer;
--> statement-breakpoint
ALTER TABLE "order_items" ADD COLUMN "variant_title" text;
--> statement-breakpoint
ALTER TABLE "order_items" ADD COLUMN "sku" text;
--> statement-breakpoint
UPDATE "order_items" o SET "variant_id" = v."id", "variant_title" = v."title", "sku" = v."sku" FROM "product_variants" v WHERE v."product_id" = o."product_id";
--> statement-breakpoint
ALTER TABLE "order_items" ALTER COLUMN "variant_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "order_items" ALTER COLUMN "variant_title" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_variant_id_product_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "public"."product_variants"("id") ON DELETE restrict ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "order_items_variant_idx" ON "order_items" USING btree ("variant_id");
--> statement-breakpoint
CREATE INDEX "product_images_product_idx" ON "product_images" USING btree ("product_id","position","id");
--> statement-breakpoint
CREATE INDEX "product_images_variant_idx" ON "product_images" USING btree ("variant_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "product_variants_sku_unique" ON "product_variants" USING btree (lower("sku")) WHERE archived_at is null;
--> statement-breakpoint
CREATE UNIQUE INDEX "product_variants_combination_unique" ON "product_variants" USING btree ("product_id","option_values") WHERE archived_at is null;
--> statement-breakpoint
CREATE INDEX "product_variants_product_idx" ON "product_variants" USING btree ("product_id","position","id");
--> statement-breakpoint
CREATE INDEX "product_variants_low_stock_idx" ON "product_variants" USING btree ("stock","id","low_stock_threshold") WHERE archived_at is null;
--> statement-breakpoint
CREATE INDEX "product_variants_low_stock_threshold_idx" ON "product_variants" USING btree ("low_stock_threshold") WHERE archived_at is null and low_stock_threshold is not null;
--> statement-breakpoint
ALTER TABLE "products" DROP CONSTRAINT "products_low_stock_threshold_nonnegative";
--> statement-breakpoint
DROP INDEX "products_sku_unique";
--> statement-breakpoint
DROP INDEX "products_low_stock_idx";
--> statement-breakpoint
DROP INDEX "products_low_stock_threshold_idx";
--> statement-breakpoint
ALTER TABLE "products" DROP COLUMN "sku";
--> statement-breakpoint
ALTER TABLE "products" DROP COLUMN "images";
--> statement-breakpoint
ALTER TABLE "products" DROP COLUMN "low_stock_threshold";
