import path from 'node:path';
import { PRODUCT_IMAGES_PATH, productImageUpload, type Context } from '@commerce/api';
import { AppError } from '@commerce/core';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from './config';

/** Room in a multipart body for its boundaries, part headers and the text fields around the file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;
const ONE_YEAR_MS = 365 * 24 * 3600 * 1000;

export interface MediaOptions {
  config: Config;
  /** The request's context, built as for every tRPC and REST call. */
  contextFor(req: FastifyRequest, reply: FastifyReply): Promise<Context>;
}

/**
 * Uploaded files under /media/ (from MEDIA_DIR), and the image upload route. A file's URL is
 * new for every upload and its content never changes, so it may be cached for a year.
 */
export async function registerMedia(app: FastifyInstance, { config, contextFor }: MediaOptions): Promise<void> {
  await app.register(fastifyStatic, {
    root: path.resolve(config.MEDIA_DIR),
    prefix: '/media/',
    decorateReply: false,
    index: false,
    list: false,
    redirect: false,
    dotfiles: 'deny',
    cacheControl: true,
    maxAge: ONE_YEAR_MS,
    immutable: true,
    setHeaders: (res) => void res.header('x-content-type-options', 'nosniff'),
  });

  await app.register(async (uploads) => {
    // Scoped to this plugin: every other route still refuses multipart bodies (415).
    await uploads.register(fastifyMultipart, {
      limits: { fileSize: config.MEDIA_MAX_BYTES, files: 1, fields: 10, fieldSize: 4096, parts: 11, headerPairs: 100 },
    });
    uploads.post<{ Params: { id: string } }>(PRODUCT_IMAGES_PATH.replace('{id}', ':id'), async (req, reply) => {
      const ctx = await contextFor(req, reply);
      const answer = await productImageUpload(ctx, {
        id: req.params.id,
        readForm: () => readImageForm(req, config.MEDIA_MAX_BYTES),
      });
      if (answer.status >= 500) req.log.error({ err: answer.error?.cause ?? answer.error }, 'image upload failed');
      return reply.status(answer.status).headers(answer.headers).send(answer.body);
    });
  });
}

const badForm = (message: string, field?: string) => new AppError('BAD_REQUEST', message, field ? { field } : {});
const tooLarge = (maxBytes: number) =>
  new AppError('PAYLOAD_TOO_LARGE', `The image is larger than ${maxBytes} bytes (MEDIA_MAX_BYTES)`, { field: 'file' });

/** The form's `file` as bytes and its text fields; a body that breaks the limits is refused while it streams. */
async function readImageForm(req: FastifyRequest, maxBytes: number): Promise<Record<string, unknown>> {
  if (!req.isMultipart()) throw badForm('Send the image as multipart/form-data, in a field named `file`');
  // Refused before a byte of it is read when the client says up front that it is too big.
  if (Number(req.headers['content-length']) > maxBytes + FORM_OVERHEAD_BYTES) throw tooLarge(maxBytes);
  const form: Record<string, unknown> = {};
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw badForm(`Unexpected file in \`${part.fieldname}\`: send the image as \`file\``, part.fieldname);
        form.file = await part.toBuffer();
      } else {
        if (part.valueTruncated) throw badForm(`The \`${part.fieldname}\` field is too long`, part.fieldname);
        // Other fields are ignored, as unknown keys of a JSON body are.
        if (part.fieldname === 'alt' || part.fieldname === 'variantId') form[part.fieldname] = part.value;
      }
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(maxBytes);
    if (code === 'FST_FILES_LIMIT') throw badForm('Send one file only, as `file`', 'file');
    if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') throw badForm('Too many form fields: send `file`, `alt` and `variantId` only');
    // Whatever else the parser met (no boundary, a truncated body, a bad part header) is the body's fault.
    throw badForm(`Malformed multipart body: ${(error as Error).message}`);
  }
  return form;
}
