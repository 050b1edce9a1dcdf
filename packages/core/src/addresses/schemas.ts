import { z } from 'zod';
import { idInput, idSchema } from '../pagination';
import { textSchema } from '../text';

/** Most addresses one user may keep. */
export const MAX_ADDRESSES = 20;

const text = (max: number) => textSchema(1, max);

/** Where an order goes: typed in at checkout, or copied from the address book. */
export const shippingAddressSchema = z.object({
  name: text(200),
  line1: text(200),
  line2: text(200).optional(),
  city: text(100),
  region: text(100).optional(),
  postalCode: text(20),
  country: z
    .string()
    .trim()
    .regex(/^[A-Z]{2}$/, 'country must be an ISO 3166-1 alpha-2 code in upper case, e.g. "US"'),
  phone: z
    .string()
    .trim()
    .regex(/^[0-9+()\-. ]{3,32}$/, 'phone may hold 3 to 32 digits, spaces and + ( ) - .')
    .optional(),
});
export type ShippingAddressInput = z.output<typeof shippingAddressSchema>;

const defaults = {
  /** Makes this the default shipping address; the previous default stops being one. */
  isDefaultShipping: z.boolean().optional(),
  /** Makes this the default billing address; the previous default stops being one. */
  isDefaultBilling: z.boolean().optional(),
};

export const createAddressInput = shippingAddressSchema.extend(defaults);
export type CreateAddressInput = z.output<typeof createAddressInput>;

/** Any subset of the fields; `null` clears an optional one (line2, region, phone). */
export const updateAddressInput = idInput.extend({
  ...shippingAddressSchema.partial().shape,
  line2: shippingAddressSchema.shape.line2.unwrap().nullable().optional(),
  region: shippingAddressSchema.shape.region.unwrap().nullable().optional(),
  phone: shippingAddressSchema.shape.phone.unwrap().nullable().optional(),
  ...defaults,
});
export type UpdateAddressInput = z.output<typeof updateAddressInput>;

export const addressOutput = z.object({
  id: z.number().int(),
  name: z.string(),
  line1: z.string(),
  line2: z.string().optional(),
  city: z.string(),
  region: z.string().optional(),
  postalCode: z.string(),
  country: z.string(),
  phone: z.string().optional(),
  isDefaultShipping: z.boolean(),
  isDefaultBilling: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AddressDto = z.output<typeof addressOutput>;

export const addressListOutput = z.object({ items: z.array(addressOutput) });

/**
 * Where an order is shipped, as a caller may say it: an address typed in, or one of their
 * address book's (`addressId`), never both.
 */
export const destinationFields = {
  shippingAddress: shippingAddressSchema.optional(),
  /** One of the caller's saved addresses, copied onto the order (another user's is a 404). */
  addressId: idSchema.optional(),
};
