import { AppError, ruleCodes } from '@commerce/core';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { appErrorResponse, callerError, errorHeaders } from './errors';

describe('callerError', () => {
  it('maps each AppError code to its status code', () => {
    expect(callerError(new AppError('EMAIL_TAKEN', 'taken'))).toMatchObject({ code: 'CONFLICT', message: 'taken' });
    expect(callerError(new AppError('VARIANT_REQUIRED', 'which one?'))?.code).toBe('BAD_REQUEST');
    expect(callerError(new AppError('NOT_FOUND', 'gone'))?.code).toBe('NOT_FOUND');
  });

  it('gives every rule its reason, for plain routes outside tRPC too', () => {
    expect(appErrorResponse(new AppError('OUT_OF_STOCK', 'short', { productId: 3, variantId: 9 }))).toEqual({
      status: 409,
      body: { message: 'short', code: 'CONFLICT', reason: 'out_of_stock', data: { productId: 3, variantId: 9 } },
    });
    for (const code of ruleCodes) {
      expect(appErrorResponse(new AppError(code, 'x')).body.reason).toBe(code.toLowerCase());
      expect([400, 409]).toContain(appErrorResponse(new AppError(code, 'x')).status);
    }
  });

  it('maps a failing payment provider to a 502, also for plain routes outside tRPC', () => {
    expect(callerError(new AppError('BAD_GATEWAY', 'Stripe failed'))?.code).toBe('BAD_GATEWAY');
    expect(appErrorResponse(new AppError('BAD_GATEWAY', 'Stripe failed'))).toEqual({
      status: 502,
      body: { message: 'Stripe failed', code: 'BAD_GATEWAY' },
    });
    expect(appErrorResponse(new AppError('BAD_REQUEST', 'bad signature')).status).toBe(400);
  });

  it('turns text Postgres refuses into a 400, through a wrapping driver error too', () => {
    const driverError = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
    const wrapped = new Error('Failed query: insert …', { cause: driverError });
    expect(callerError(wrapped)?.code).toBe('BAD_REQUEST');
    const jsonError = Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' });
    expect(callerError(jsonError)?.code).toBe('BAD_REQUEST');
  });

  it('leaves anything else alone (a bug stays a 500)', () => {
    expect(callerError(new Error('boom'))).toBeUndefined();
    expect(callerError(Object.assign(new Error('deadlock'), { code: '40P01' }))).toBeUndefined();
  });
});

describe('errorHeaders', () => {
  it('asks for Retry-After on a rate limit, rounded up to whole seconds', () => {
    const limited = new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      cause: new AppError('TOO_MANY_REQUESTS', 'slow down', { retryAfterSeconds: 12.2 }),
    });
    expect(errorHeaders([limited])).toEqual({ 'Retry-After': '13' });
    expect(errorHeaders([new TRPCError({ code: 'CONFLICT' })])).toEqual({});
  });
});
