import {
  dashboardSummary,
  dashboardSummaryOutput,
  idInput,
  listStaffOrders,
  listStaffOrdersInput,
  orderContext,
  orderContextOutput,
  salesByDay,
  salesByDayInput,
  salesByDayOutput,
  searchEverything,
  searchEverythingInput,
  searchResultsOutput,
  staffOrderPageOutput,
} from '@commerce/core';
import { router, staffProcedure } from '../trpc';

/** The admin dashboard's reads (tRPC only): figures computed in SQL, and the staff order table. */
export const reportsRouter = router({
  summary: staffProcedure.output(dashboardSummaryOutput).query(({ ctx }) => dashboardSummary(ctx.deps)),
  salesByDay: staffProcedure
    .input(salesByDayInput)
    .output(salesByDayOutput)
    .query(({ ctx, input }) => salesByDay(ctx.deps, input)),
  orders: staffProcedure
    .input(listStaffOrdersInput)
    .output(staffOrderPageOutput)
    .query(({ ctx, input }) => listStaffOrders(ctx.deps, input)),
  /** The ⌘K palette: products, orders and customers in one request. */
  search: staffProcedure
    .input(searchEverythingInput)
    .output(searchResultsOutput)
    .query(({ ctx, input }) => searchEverything(ctx.deps, input)),
  orderContext: staffProcedure
    .input(idInput)
    .output(orderContextOutput)
    .query(({ ctx, input }) => orderContext(ctx.deps, input.id)),
});
