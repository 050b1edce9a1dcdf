import { userRoles } from '@commerce/db';
import { z } from 'zod';
import { idInput, pageOutput, pageQuery } from '../pagination';
import { isWellFormed, textSchema } from '../text';

/** Trimmed and lower-cased, so one address is one account however it is typed. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .email({ message: 'Enter a valid email address' });

export const passwordSchema = z
  .string()
  .min(8, 'Password must be at least 8 characters')
  .max(128, 'Password must be at most 128 characters')
  // Unpaired surrogates would be hashed as U+FFFD: two different passwords would both sign in.
  .refine(isWellFormed, 'Password must be valid Unicode text');

export const roleSchema = z.enum(userRoles);

export const registerInput = z.object({
  email: emailSchema,
  password: passwordSchema,
  // A blank name (an empty form field) means no name.
  name: textSchema(0, 100)
    .nullish()
    .transform((name) => name || null),
  // Any `role` in the body is dropped by z.object: registration always makes a customer.
});
export type RegisterInput = z.output<typeof registerInput>;

export const loginInput = z.object({ email: emailSchema, password: passwordSchema });
export type LoginInput = z.output<typeof loginInput>;

export const userOutput = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string().nullable(),
  role: roleSchema,
  createdAt: z.string(),
});
export type UserDto = z.output<typeof userOutput>;

export const tokenOutput = z.object({
  token: z.string(),
  expiresAt: z.string(),
});
export type TokenDto = z.output<typeof tokenOutput>;

export const authOutput = tokenOutput.extend({ user: userOutput });
export type AuthDto = z.output<typeof authOutput>;

export const successOutput = z.object({ success: z.literal(true) });

export const listUsersInput = pageQuery.extend({
  role: roleSchema.optional(),
  /** Substring of the email or name, case-insensitive. */
  q: textSchema(0, 200).optional(),
});
export type ListUsersInput = z.output<typeof listUsersInput>;

export const userPageOutput = pageOutput(userOutput);

// The id comes from the REST path (a string there), so it is the coercing path-id schema.
export const setRoleInput = idInput.extend({ role: roleSchema });
export type SetRoleInput = z.output<typeof setRoleInput>;

/** The first admin's login, from ADMIN_EMAIL/ADMIN_PASSWORD or `cli create-admin`. */
export const adminCredentialsInput = z.object({ email: emailSchema, password: passwordSchema });
