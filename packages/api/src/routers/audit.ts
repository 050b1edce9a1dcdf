import { auditPageOutput, listAudit, listAuditInput } from '@commerce/core';
import { adminProcedure, router } from '../trpc';

/** The admin app's audit page; like the other back-office reads (reports), not part of the REST contract. */
export const auditRouter = router({
  list: adminProcedure.input(listAuditInput).output(auditPageOutput).query(({ ctx, input }) => listAudit(ctx.deps, ctx.viewer, input)),
});
