import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

/**
 * Runs one of the routers' own zod schemas over a form's values: the parsed input, or zod's
 * messages keyed by field (the first one per field, shown beside it).
 */
export function validate<S extends z.ZodType>(schema: S, values: unknown): { data: z.output<S>; errors: null } | { data: null; errors: FieldErrors } {
  const result = schema.safeParse(values);
  if (result.success) return { data: result.data, errors: null };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.') || 'form';
    errors[key] ??= issue.message;
  }
  return { data: null, errors };
}
