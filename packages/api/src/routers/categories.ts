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
import { errorResponses } from '../errors';
import { publicProcedure, router, staffProcedure } from '../trpc';

const unknownParent = '`parentId` names no category (`data.field` is `parentId`)';
const noFreeSlug = 'No free slug was found for the name (retry)';

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
        errorResponses: errorResponses({ access: 'public' }),
      },
    })
    .input(z.void())
    .output(z.object({ items: z.array(categoryOutput) }))
    .query(({ ctx }) => listCategories(ctx.deps)),

  create: staffProcedure
    .meta({
      reasons: ['SLUG_UNAVAILABLE'],
      openapi: {
        method: 'POST',
        path: '/categories',
        tags: ['catalog'],
        summary: 'Create a category (staff)',
        protect: true,
        errorResponses: errorResponses(
          { access: 'staff', mutation: true, body: true },
          { 400: unknownParent, 409: noFreeSlug },
        ),
      },
    })
    .input(categoryInput)
    .output(categoryOutput)
    .mutation(({ ctx, input }) => createCategory(ctx.deps, ctx.actor, input)),

  update: staffProcedure
    .meta({
      reasons: ['CATEGORY_CYCLE', 'SLUG_UNAVAILABLE'],
      openapi: {
        method: 'PUT',
        path: '/categories/{id}',
        tags: ['catalog'],
        summary: 'Rename or move a category (staff)',
        description: 'A parent that would make a cycle is a 409.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'staff', mutation: true, body: true },
          {
            400: unknownParent,
            404: 'No category with this id',
            409: 'The new parent is the category itself or one of its subcategories (`data.field` is `parentId`); or no free slug was found for the name (retry)',
          },
        ),
      },
    })
    .input(updateCategoryInput.extend(idInput.shape))
    .output(categoryOutput)
    .mutation(({ ctx, input }) => updateCategory(ctx.deps, ctx.actor, input)),

  delete: staffProcedure
    .meta({
      reasons: ['CATEGORY_IN_USE'],
      openapi: {
        method: 'DELETE',
        path: '/categories/{id}',
        tags: ['catalog'],
        summary: 'Delete an empty category (staff)',
        description:
          'A category with subcategories or products that are not archived is a 409. Its archived products lose the category (categoryId becomes null) and stay readable by id for staff.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'staff', mutation: true, input: true },
          {
            404: 'No category with this id',
            409: 'The category still has subcategories or products that are not archived',
          },
        ),
      },
    })
    .input(idInput)
    .output(categoryOutput)
    .mutation(({ ctx, input }) => deleteCategory(ctx.deps, ctx.actor, input.id)),
});
