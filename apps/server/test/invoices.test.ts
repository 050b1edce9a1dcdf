import { renderInvoicePdf } from '@commerce/core';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';
import { createProduct } from './orders-helpers';

/** The text of every TJ operation (pdfkit writes each run as hex strings between kerning offsets). */
const pdfText = (pdf: Buffer) =>
  [...pdf.toString('latin1').matchAll(/\[([^\]]*)\]\s*TJ/g)]
    .map((m) => [...m[1]!.matchAll(/<([0-9a-fA-F]+)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''))
    .join('\n');

describe('invoices', () => {
  let server: TestServer;
  let staff: { token: string };
  const year = new Date().getUTCFullYear();

  beforeAll(async () => {
    server = await startTestServer({ STORE_NAME: 'Invoice Shop', STORE_ADDRESS: '1 Harbour Road, Portsmouth' });
    staff = await createUserWithToken(server.runtime, 'staff');
  });
  afterAll(() => server?.close());

  async function placeOrder(token: string, productId: number, quantity = 1) {
    const res = await server.request('POST', '/api/orders', { token, body: { items: [{ productId, quantity }] } });
    expect(res.status).toBe(200);
    return (res.body as { id: number }).id;
  }
  const pay = (orderId: number) => server.request('PUT', `/api/orders/${orderId}/status`, { token: staff.token, body: { status: 'paid' } });
  const numbers = async () =>
    ((await server.runtime.db.db.execute('select number from invoices order by number')) as unknown as { number: string }[]).map((r) => r.number);

  it('numbers 50 orders paid at once without a gap or a repeat', async () => {
    const customer = await createUserWithToken(server.runtime);
    const productId = await createProduct(server.runtime.deps.db, { stock: 1000 });
    const orders = await Promise.all(Array.from({ length: 50 }, () => placeOrder(customer.token, productId)));
    const paid = await Promise.all(orders.map(pay));
    expect(paid.map((res) => res.status)).toEqual(orders.map(() => 200));
    // An illegal move (paying again) rolls back without using a number.
    expect((await pay(orders[0]!)).status).toBe(409);
    const next = await placeOrder(customer.token, productId);
    expect((await pay(next)).status).toBe(200);
    const expected = Array.from({ length: 51 }, (_, i) => `INV-${year}-${String(i + 1).padStart(6, '0')}`);
    expect(await numbers()).toEqual(expected);
  });

  it('answers the PDF to the owner and staff once paid; 409 before, 404 to others', async () => {
    const owner = await createUserWithToken(server.runtime);
    const stranger = await createUserWithToken(server.runtime);
    const productId = await createProduct(server.runtime.deps.db, { name: 'Blue Teapot', priceCents: 2599, stock: 10 });
    const orderId = await placeOrder(owner.token, productId, 3);
    const early = await server.request('GET', `/api/orders/${orderId}/invoice`, { token: owner.token });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ reason: 'order_not_invoiced' });
    expect((await pay(orderId)).status).toBe(200);

    expect((await server.request('GET', `/api/orders/${orderId}/invoice`, { token: stranger.token })).status).toBe(404);
    expect((await server.request('GET', `/api/orders/${orderId}/invoice`)).status).toBe(401);
    expect((await server.request('GET', `/api/orders/abc/invoice`, { token: owner.token })).status).toBe(400);
    expect((await server.request('GET', `/api/orders/999999/invoice`, { token: staff.token })).status).toBe(404);

    for (const token of [owner.token, staff.token]) {
      const res = await server.app.inject({ method: 'GET', url: `/api/orders/${orderId}/invoice`, headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const pdf = res.rawPayload;
      const parsed = await PDFDocument.load(pdf);
      expect(parsed.getPageCount()).toBe(1);
      const text = pdfText(pdf);
      const [number] = (await numbers()).slice(-1);
      for (const expected of ['Invoice Shop', '1 Harbour Road, Portsmouth', `Invoice ${number}`, 'Blue Teapot', '$25.99', 'Subtotal', '$77.97', 'Tax', '$0.00', 'Currency: USD']) {
        expect(text).toContain(expected);
      }
    }
  });

  it('shows what was charged: subtotal, the coupon discount, shipping by its method, tax and total', async () => {
    const pdf = await renderInvoicePdf({
      store: { name: 'Invoice Shop', address: '' },
      number: 'INV-2026-000042',
      issuedAt: new Date('2026-11-30T12:00:00Z'),
      order: {
        id: 42,
        items: [{ productId: 1, variantId: 1, name: 'Blue Teapot', variantTitle: 'Default', sku: null, quantity: 2, unitPriceCents: 2500, lineTotalCents: 5000, discountCents: 500, taxCents: 900 }],
        subtotalCents: 5000,
        discountCents: 500,
        shippingCents: 595,
        taxCents: 900,
        totalCents: 5995,
        couponCode: 'SPRING10',
        shippingMethod: { id: 1, name: 'Standard', minDays: 3, maxDays: 5 },
        currency: 'USD',
        shippingAddress: null,
      },
    });
    const text = pdfText(pdf);
    for (const expected of ['Subtotal', '$50.00', 'Discount (SPRING10)', '-$5.00', 'Shipping (Standard)', '$5.95', 'Tax', '$9.00', 'Total', '$59.95']) {
      expect(text).toContain(expected);
    }
  });
});
