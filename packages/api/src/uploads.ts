import { AppError, getInvoice, idSchema, productImageOutput, textSchema, uploadProductImage } from '@commerce/core';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { getErrorShape } from '@trpc/server/unstable-core-do-not-import';
import { z } from 'zod';
import type { Context } from './context';
import { errorHeaders, toTRPCError } from './errors';
import { authedProcedure, createCallerFactory, router, staffProcedure } from './trpc';

/** A multipart form's number: text of digits. */
const formId = z
  .string()
  .regex(/^\d{1,10}$/, 'must be a whole number')
  .transform(Number)
  .pipe(idSchema);

/** The upload form as it arrives: every field text, the file its bytes; `id` is the path's. */
export const uploadImageForm = z.object({
  id: formId,
  file: z.instanceof(Buffer, { message: 'attach the image as the `file` field' }),
  alt: textSchema(0, 300).default(''),
  variantId: formId.optional(),
});

/**
 * Procedures behind routes that are not JSON. They run through the same procedure builders as
 * every other route (sessions, roles, the cookie Origin check, error mapping), called by the
 * server's own route with the request's context, so none of that is written twice.
 */
const uploadsRouter = router({
  /** Run before the body is read: a caller who may not upload is answered without sending megabytes first. */
  productImageAllowed: staffProcedure.mutation(() => true),
  productImage: staffProcedure
    .input(uploadImageForm)
    .output(productImageOutput)
    .mutation(({ ctx, input }) =>
      uploadProductImage(ctx.deps, { actor: ctx.actor, productId: input.id, file: input.file, alt: input.alt, variantId: input.variantId }),
    ),
  /** Run before a CSV export streams: only staff read the whole catalog and every order. */
  exportAllowed: staffProcedure.query(() => true),
  /** The order's invoice as PDF bytes (owner, staff): the route sends them as application/pdf. */
  invoice: authedProcedure.input(z.object({ id: formId })).query(({ ctx, input }) => getInvoice(ctx.deps, ctx.viewer, input.id)),
});
const createUploadsCaller = createCallerFactory(uploadsRouter);

/** An HTTP answer: what the route writes. */
export interface RestAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** What failed, for the log when it is the server's fault (a 5xx). */
  error?: TRPCError;
}

/** The body trpc-to-openapi writes for a failed procedure, so every REST error looks the same. */
function restError(ctx: Context, path: string, cause: unknown): RestAnswer {
  const error = cause instanceof AppError ? toTRPCError(cause) : cause instanceof TRPCError ? cause : null;
  if (!error) throw cause;
  const shape = getErrorShape({ config: uploadsRouter._def._config, error, type: 'mutation', path, input: undefined, ctx });
  const zodIssues =
    error.code === 'BAD_REQUEST' && error.cause?.name === 'ZodError' ? (error.cause as z.ZodError).issues : undefined;
  return {
    status: getHTTPStatusCodeFromError(error),
    headers: errorHeaders([error]),
    error,
    body: {
      ...shape,
      message: zodIssues ? 'Input validation failed' : shape.message,
      code: error.code,
      ...(zodIssues && { issues: zodIssues }),
    },
  };
}

export interface UploadRequest {
  /** The path's `{id}`, as text. */
  id: string;
  /**
   * Reads the multipart body: its `file` as bytes, other fields as text. Throws an AppError
   * for a body that is too large (PAYLOAD_TOO_LARGE) or not a form (BAD_REQUEST).
   */
  readForm(): Promise<Record<string, unknown>>;
}

/** POST /api/products/{id}/images: the caller is checked first, then the body read, then the image stored. */
export async function productImageUpload(ctx: Context, request: UploadRequest): Promise<RestAnswer> {
  const caller = createUploadsCaller(ctx);
  const path = 'uploads.productImage';
  try {
    await caller.productImageAllowed();
    const form = await request.readForm();
    const image = await caller.productImage({ ...form, id: request.id } as z.input<typeof uploadImageForm>);
    return { status: 200, headers: {}, body: image };
  } catch (error) {
    return restError(ctx, path, error);
  }
}

/** GET /api/orders/{id}/invoice: the PDF, or the error body every REST route writes. */
export async function invoiceDownload(ctx: Context, request: { id: string }): Promise<RestAnswer> {
  try {
    const invoice = await createUploadsCaller(ctx).invoice({ id: request.id });
    return {
      status: 200,
      headers: {
        'content-type': 'application/pdf',
        'content-disposition': `inline; filename="${invoice.number}.pdf"`,
        'cache-control': 'private, no-store',
      },
      body: invoice.pdf,
    };
  } catch (error) {
    return restError(ctx, 'uploads.invoice', error);
  }
}

/** GET /api/exports/*.csv: null when the caller is staff, else the error answer (401, 403) every REST route writes. */
export async function exportRefusal(ctx: Context): Promise<RestAnswer | null> {
  try {
    await createUploadsCaller(ctx).exportAllowed();
    return null;
  } catch (error) {
    return restError(ctx, 'uploads.exportAllowed', error);
  }
}
