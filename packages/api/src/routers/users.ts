import { listUsers, listUsersInput, setRoleInput, setUserRole, userOutput, userPageOutput } from '@commerce/core';
import { errorResponses } from '../errors';
import { adminProcedure, router } from '../trpc';

export const usersRouter = router({
  list: adminProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/users',
        tags: ['users'],
        summary: 'List users',
        description: 'Admin only. Newest first; `role` filters, `q` matches a substring of the email or name.',
        protect: true,
        errorResponses: errorResponses({ access: 'admin', input: true }),
      },
    })
    .input(listUsersInput)
    .output(userPageOutput)
    .query(({ ctx, input }) => listUsers(ctx.deps, ctx.viewer, input)),

  setRole: adminProcedure
    .meta({
      reasons: ['LAST_ADMIN'],
      openapi: {
        method: 'PUT',
        path: '/users/{id}/role',
        tags: ['users'],
        summary: "Change a user's role",
        description: 'Admin only. The last admin cannot lose the role (409). Takes effect on the user’s next request.',
        protect: true,
        errorResponses: errorResponses(
          { access: 'admin', mutation: true, body: true },
          {
            404: 'No user with this id',
            409: 'The last admin cannot lose the admin role',
          },
        ),
      },
    })
    .input(setRoleInput)
    .output(userOutput)
    .mutation(({ ctx, input }) => setUserRole(ctx.deps, ctx.viewer, input)),
});
