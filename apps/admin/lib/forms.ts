import type { z } from 'zod';
import type { $ZodErrorMap } from 'zod/v4/core';

export type FieldErrors = Record<string, string>;

/**
 * Runs one of the routers' own zod schemas over a form's values: the parsed input, or zod's
 * messages keyed by field (the first one per field, shown beside it).
 */
export function validate<S extends z.ZodType>(schema: S, values: unknown): { data: z.output<S>; errors: null } | { data: null; errors: FieldErrors } {
  const result = schema.safeParse(values, { error: plainMessages });
  if (result.success) return { data: result.data, errors: null };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.') || 'form';
    errors[key] ??= issue.message;
  }
  return { data: null, errors };
}

/**
 * zod's own wording ("Too small: expected string to have >=1 characters") put the way a shop
 * owner reads it; messages a schema writes itself win over these.
 */
const plainMessages: $ZodErrorMap = (issue) => {
  const count = (n: number | bigint) => Number(n).toLocaleString('en-US');
  if (issue.code === 'too_small') {
    if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'Required' : `At least ${count(issue.minimum)} characters`;
    if (issue.origin === 'array') return Number(issue.minimum) <= 1 ? 'Add at least one' : `At least ${count(issue.minimum)} needed`;
    if (issue.origin === 'number') return `Must be at least ${count(issue.minimum)}`;
  }
  if (issue.code === 'too_big') {
    if (issue.origin === 'string') return `At most ${count(issue.maximum)} characters`;
    if (issue.origin === 'array') return `At most ${count(issue.maximum)} allowed`;
    if (issue.origin === 'number') return `At most ${count(issue.maximum)}`;
  }
  if (issue.code === 'invalid_type' && issue.expected === 'number') return 'Enter a whole number';
  if (issue.code === 'invalid_type' && issue.expected === 'int') return 'Enter a whole number';
  return undefined;
};
