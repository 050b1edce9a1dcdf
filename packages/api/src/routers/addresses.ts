import {
  addressListOutput,
  addressOutput,
  createAddress,
  createAddressInput,
  deleteAddress,
  idInput,
  listAddresses,
  successOutput,
  updateAddress,
  updateAddressInput,
} from '@commerce/core';
import { z } from 'zod';
import { errorResponses } from '../errors';
import { authedProcedure, router } from '../trpc';

const tags = ['account'];
const notYours = "No address with this id among the caller's (another user's address reads as absent)";

export const addressesRouter = router({
  list: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/addresses',
        tags,
        summary: 'My address book',
        protect: true,
        errorResponses: errorResponses({ access: 'signedIn' }),
      },
    })
    .input(z.object({}))
    .output(addressListOutput)
    .query(({ ctx }) => listAddresses(ctx.deps, ctx.viewer)),

  create: authedProcedure
    .meta({
      reasons: ['ADDRESS_BOOK_FULL'],
      openapi: {
        method: 'POST',
        path: '/addresses',
        tags,
        summary: 'Save an address',
        description:
          'Validated like an order\'s `shippingAddress` (`country` is ISO 3166-1 alpha-2). At most 20 per user. `isDefaultShipping` / `isDefaultBilling` make it the default, and the previous default stops being one.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'signedIn', mutation: true, body: true },
          { 409: 'The address book already holds 20 addresses' },
        ),
      },
    })
    .input(createAddressInput)
    .output(addressOutput)
    .mutation(({ ctx, input }) => createAddress(ctx.deps, ctx.viewer, input)),

  update: authedProcedure
    .meta({
      openapi: {
        method: 'PUT',
        path: '/addresses/{id}',
        tags,
        summary: 'Change a saved address',
        description:
          'Any subset of the fields (`null` clears `line2`, `region` or `phone`); the result is validated as a whole. Orders already placed keep their copy.',
        protect: true,
        errorResponses: errorResponses({ access: 'signedIn', mutation: true, body: true }, { 404: notYours }),
      },
    })
    .input(updateAddressInput)
    .output(addressOutput)
    .mutation(({ ctx, input }) => updateAddress(ctx.deps, ctx.viewer, input)),

  delete: authedProcedure
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/addresses/{id}',
        tags,
        summary: 'Delete a saved address',
        description: 'Orders already placed keep their copy.',
        protect: true,
        errorResponses: errorResponses({ access: 'signedIn', mutation: true, input: true }, { 404: notYours }),
      },
    })
    .input(idInput)
    .output(successOutput)
    .mutation(({ ctx, input }) => deleteAddress(ctx.deps, ctx.viewer, input.id)),
});
