import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { exportRefusal, ORDERS_EXPORT_PATH, PRODUCTS_EXPORT_PATH, type Context } from '@commerce/api';
import {
  orderCsvColumns,
  orderCsvRows,
  productCsvColumns,
  productCsvRows,
  productFilterInput,
  staffOrderFilterInput,
  type Deps,
} from '@commerce/core';
import { stringify } from 'csv-stringify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { errorBody } from './error-body';

export interface ExportsOptions {
  deps: Deps;
  contextFor: (req: FastifyRequest, reply: FastifyReply) => Promise<Context>;
}

const numeric = new Set(['categoryId', 'minPriceCents', 'maxPriceCents', 'userId']);
const flags = new Set(['inStock', 'active']);

/** A URL query as the filter schemas take it: digits to numbers, `true`/`1` and `false`/`0` to booleans, empty dropped. */
function fromQuery(query: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof value !== 'string' || value === '') continue;
    if (numeric.has(key)) out[key] = /^\d{1,10}$/.test(value) ? Number(value) : value;
    else if (flags.has(key)) out[key] = value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
    else out[key] = value;
  }
  return out;
}

/**
 * GET /api/exports/products.csv and /api/exports/orders.csv (staff): the admin lists' filters,
 * streamed through csv-stringify as the client reads, batch by batch (core reads 1000 rows at
 * a time by keyset), so a 100 000-row export keeps memory flat and a slow client slows the reads.
 */
export function registerExports(app: FastifyInstance, { deps, contextFor }: ExportsOptions): void {
  const route = <S extends z.ZodType>(
    path: string,
    options: { name: string; schema: S; columns: readonly string[]; rows: (filter: z.output<S>) => AsyncGenerator<string[][]> },
  ) =>
    app.get(path, async (req, reply) => {
      const refusal = await exportRefusal(await contextFor(req, reply));
      if (refusal) return reply.status(refusal.status).headers(refusal.headers).send(refusal.body);
      const filter = options.schema.safeParse(fromQuery(req.query));
      if (!filter.success) {
        const issue = filter.error.issues[0];
        return reply.status(400).send(errorBody(req.url, 400, `${issue?.path.join('.') || 'query'}: ${issue?.message ?? 'invalid'}`));
      }
      const batches = options.rows(filter.data);
      const rows = Readable.from(
        (async function* () {
          for await (const batch of batches) yield* batch;
        })(),
        { highWaterMark: 64 },
      );
      const csv = stringify({ header: true, columns: [...options.columns] });
      pipeline(rows, csv).catch((error: unknown) => req.log.error({ err: error }, `${options.name} export failed`));
      const day = deps.clock.now().toISOString().slice(0, 10);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${options.name}-${day}.csv"`)
        .header('cache-control', 'no-store')
        .send(csv);
    });

  route(PRODUCTS_EXPORT_PATH, { name: 'products', schema: productFilterInput, columns: productCsvColumns, rows: (filter) => productCsvRows(deps, filter) });
  route(ORDERS_EXPORT_PATH, { name: 'orders', schema: staffOrderFilterInput, columns: orderCsvColumns, rows: (filter) => orderCsvRows(deps, filter) });
}
