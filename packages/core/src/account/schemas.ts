import { z } from 'zod';
import { passwordSchema } from '../auth/schemas';
import { textSchema } from '../text';

export const updateProfileInput = z.object({
  // A blank name (an empty form field) means no name, as at registration.
  name: textSchema(0, 100)
    .nullable()
    .transform((name) => name || null),
});
export type UpdateProfileInput = z.output<typeof updateProfileInput>;

export const changePasswordInput = z.object({
  // Checked against the stored hash only: any length a caller once chose must still be accepted.
  currentPassword: z.string().min(1).max(128),
  /** The registration rules: 8 to 128 characters. */
  newPassword: passwordSchema,
});
export type ChangePasswordInput = z.output<typeof changePasswordInput>;

export const closeAccountInput = z.object({ password: z.string().min(1).max(128) });
export type CloseAccountInput = z.output<typeof closeAccountInput>;
