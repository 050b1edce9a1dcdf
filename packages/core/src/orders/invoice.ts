import { invoices } from '@commerce/db';
import { eq } from 'drizzle-orm';
import type { Deps } from '../deps';
import { AppError } from '../errors';
import { formatMoney } from '../money';
import type { Viewer } from '../viewer';
import { getOrder } from './read';
import type { OrderDetailDto } from './schemas';

export interface Invoice {
  number: string;
  pdf: Buffer;
}

/**
 * GET /api/orders/{id}/invoice: the order's invoice as a PDF, for its owner and staff (404 for
 * anyone else, as for the order). An order not yet paid has no invoice number: 409.
 */
export async function getInvoice(deps: Deps, viewer: Viewer, orderId: number): Promise<Invoice> {
  const order = await getOrder(deps, viewer, orderId);
  const [invoice] = await deps.db.select().from(invoices).where(eq(invoices.orderId, orderId));
  if (!invoice) throw new AppError('ORDER_NOT_INVOICED', `Order ${orderId} has no invoice until it is paid`);
  const pdf = await renderInvoicePdf({ store: deps.settings.store, number: invoice.number, issuedAt: invoice.issuedAt, order });
  return { number: invoice.number, pdf };
}

interface InvoiceContent {
  store: { name: string; address: string };
  number: string;
  issuedAt: Date;
  order: Pick<
    OrderDetailDto,
    'id' | 'items' | 'subtotalCents' | 'discountCents' | 'shippingCents' | 'taxCents' | 'totalCents' | 'couponCode' | 'shippingMethod' | 'currency' | 'shippingAddress'
  >;
}

/** One A4 page per ~30 lines: the store, the number and date, the lines, what was charged (as the order keeps it) and the currency. */
export async function renderInvoicePdf({ store, number, issuedAt, order }: InvoiceContent): Promise<Buffer> {
  // Loaded with the first invoice: pdfkit's fonts add about 25 MB of resident memory.
  const { default: PDFDocument } = await import('pdfkit');
  // Uncompressed: a few KB more, and the text stays searchable by tools that read the raw file.
  const doc = new PDFDocument({ size: 'A4', margin: 50, compress: false, info: { Title: `Invoice ${number}`, Author: store.name } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const money = (cents: number) => formatMoney(cents, order.currency);

  doc.font('Helvetica-Bold').fontSize(18).text(store.name);
  doc.font('Helvetica').fontSize(10);
  if (store.address) doc.text(store.address);
  doc.moveDown();
  doc.font('Helvetica-Bold').fontSize(14).text(`Invoice ${number}`);
  doc.font('Helvetica').fontSize(10).text(`Date: ${issuedAt.toISOString().slice(0, 10)}`).text(`Order: #${order.id}`).text(`Currency: ${order.currency}`);
  const address = order.shippingAddress;
  if (address) {
    doc.moveDown().text('Ship to:');
    for (const line of [address.name, address.line1, address.line2, `${address.postalCode} ${address.city}`, address.region, address.country]) {
      if (line) doc.text(line);
    }
  }
  doc.moveDown();

  const columns = [50, 300, 360, 450];
  const row = (cells: string[], bold = false) => {
    const y = doc.y;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    cells.forEach((cell, i) => doc.text(cell, columns[i]!, y, { width: i === 0 ? 240 : 90, align: i === 0 ? 'left' : 'right' }));
    doc.moveDown(0.3);
    doc.x = 50;
  };
  row(['Item', 'Qty', 'Unit price', 'Amount'], true);
  for (const line of order.items) {
    const name = line.variantTitle && line.variantTitle !== 'Default' ? `${line.name} (${line.variantTitle})` : line.name;
    row([name, String(line.quantity), money(line.unitPriceCents), money(line.lineTotalCents)]);
  }
  doc.moveDown(0.5);
  row(['Subtotal', '', '', money(order.subtotalCents)]);
  if (order.discountCents > 0) row([order.couponCode ? `Discount (${order.couponCode})` : 'Discount', '', '', money(-order.discountCents)]);
  if (order.shippingMethod || order.shippingCents > 0) row([order.shippingMethod ? `Shipping (${order.shippingMethod.name})` : 'Shipping', '', '', money(order.shippingCents)]);
  row(['Tax', '', '', money(order.taxCents)]);
  row(['Total', '', '', money(order.totalCents)], true);
  doc.end();
  return done;
}
