import {
  categoryInput,
  categoryOutput,
  createCategory,
  deleteCategory,
  listCategories,
  idInput,
  updateCategory,
  updateCategoryInput,
} from '@commerce/core';
import { z } from 'zod';
import { publicProcedure, router, staffProcedure } from '../trpc';

export const categoriesRouter = router({
  list: publicProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/categories',
        tags: ['catalog'],
        summary: 'List categories',
        protect: false,
        description: 'Every category; `parentId` gives the nesting (null for a top-level one).',
      },
    })
    .input(z.void())
    .output(z.object({ items: z.array(categoryOutput) }))
    .query(({ ctx }) => listCategories(ctx.deps)),

  create: staffProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/categories',
        tags: ['catalog'],
        summary: 'Create a category (staff)',
        protect: true,
      },
    })
    .input(categoryInput)
    .output(categoryOutput)
    .mutation(({ ctx, input }) => createCategory(ctx.deps, input)),

  update: staffProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/categories/{id}',
        tags: ['catalog'],
        summary: 'Rename or move a category (staff)',
        description: 'A parent that would make a cycle is a 409.',
        protect: true,
      },
    })
    .input(updateCategoryInput.extend(idInput.shape))
    .output(categoryOutput)
    .mutation(({ ctx, input: { id, ...changes } }) => updateCategory(ctx.deps, id, changes)),

  delete: staffProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/categories/{id}',
        tags: ['catalog'],
        summary: 'Delete an empty category (staff)',
        description: 'A category with subcategories or products (archived ones included) is a 409.',
        protect: true,
      },
    })
    .input(idInput)
    .output(categoryOutput)
    .mutation(({ ctx, input }) => deleteCategory(ctx.deps, input.id)),
});
