import { addressListOutput, customerAddresses, customerOutput, customerPageOutput, getCustomer, idInput, listCustomers, listCustomersInput } from '@commerce/core';
import { router, staffProcedure } from '../trpc';

/** People with their order totals, for the admin (tRPC only); role changes stay in `users` (admin). */
export const customersRouter = router({
  list: staffProcedure
    .input(listCustomersInput)
    .output(customerPageOutput)
    .query(({ ctx, input }) => listCustomers(ctx.deps, input)),
  byId: staffProcedure
    .input(idInput)
    .output(customerOutput)
    .query(({ ctx, input }) => getCustomer(ctx.deps, input.id)),
  addresses: staffProcedure
    .input(idInput)
    .output(addressListOutput)
    .query(({ ctx, input }) => customerAddresses(ctx.deps, input.id)),
});
