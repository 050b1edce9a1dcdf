import { z } from 'zod';
import { roleSchema } from '../auth/schemas';
import { orderStatusSchema } from '../orders/schemas';
import { idSchema, pageOutput, pageQuery } from '../pagination';
import { textSchema } from '../text';

/** Revenue counts money the store keeps: orders paid, shipped or delivered. */
export const revenueStatuses = ['paid', 'shipped', 'delivered'] as const;

const periodFigures = z.object({ revenueCents: z.number().int(), orders: z.number().int() });

export const dashboardSummaryOutput = z.object({
  currency: z.string(),
  /** Since midnight UTC, beside yesterday from midnight to the same time of day. */
  today: periodFigures,
  yesterdaySoFar: periodFigures,
  /** The last 7 × 24 hours, beside the 7 × 24 hours before them. */
  last7Days: periodFigures,
  previous7Days: periodFigures,
});
export type DashboardSummaryDto = z.output<typeof dashboardSummaryOutput>;

export const MAX_SALES_DAYS = 366;
export const salesByDayInput = z.object({ days: z.number().int().min(1).max(MAX_SALES_DAYS).default(30) });
export const salesByDayOutput = z.object({
  currency: z.string(),
  /** One entry per UTC day, oldest first, today last; days without orders are zeros. */
  days: z.array(z.object({ date: z.string(), revenueCents: z.number().int(), orders: z.number().int() })),
});
export type SalesByDayDto = z.output<typeof salesByDayOutput>;

export const listCustomersInput = pageQuery.extend({
  /** Substring of the email or name, case-insensitive. */
  q: textSchema(0, 200).optional(),
  role: roleSchema.optional(),
});
export type ListCustomersInput = z.output<typeof listCustomersInput>;

export const customerOutput = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string().nullable(),
  role: roleSchema,
  createdAt: z.string(),
  /** When the customer closed the account (email and name are then placeholders); null while open. */
  closedAt: z.string().nullable(),
  orderCount: z.number().int(),
  /** Sum of the customer's paid, shipped and delivered orders. */
  totalSpentCents: z.number().int(),
  currency: z.string(),
});
export type CustomerDto = z.output<typeof customerOutput>;
export const customerPageOutput = pageOutput(customerOutput);

export const staffOrderFilterInput = z.object({
  status: orderStatusSchema.optional(),
  userId: idSchema.optional(),
  /** Substring of the customer's email or name, case-insensitive. */
  customer: textSchema(0, 200).optional(),
});
export type StaffOrderFilter = z.output<typeof staffOrderFilterInput>;

export const listStaffOrdersInput = pageQuery.extend(staffOrderFilterInput.shape);
export type ListStaffOrdersInput = z.output<typeof listStaffOrdersInput>;

const personOutput = z.object({ id: z.number().int(), email: z.string(), name: z.string().nullable() });

export const staffOrderRowOutput = z.object({
  id: z.number().int(),
  status: orderStatusSchema,
  totalCents: z.number().int(),
  currency: z.string(),
  itemCount: z.number().int(),
  customer: personOutput,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type StaffOrderRowDto = z.output<typeof staffOrderRowOutput>;
export const staffOrderPageOutput = pageOutput(staffOrderRowOutput);

export const orderContextOutput = z.object({
  customer: personOutput.extend({ role: roleSchema }),
  payments: z.array(
    z.object({
      id: z.number().int(),
      provider: z.string(),
      providerPaymentId: z.string(),
      status: z.string(),
      amountCents: z.number().int(),
      currency: z.string(),
      createdAt: z.string(),
    }),
  ),
  /** The statuses staff may move the order to now (cancel and refund included when legal). */
  nextStatuses: z.array(orderStatusSchema),
  /** The people named on the order's timeline (actorUserId). */
  actors: z.array(personOutput),
});
export type OrderContextDto = z.output<typeof orderContextOutput>;

export const searchEverythingInput = z.object({
  q: textSchema(1, 200),
  limit: z.number().int().min(1).max(10).default(5),
});
export type SearchEverythingInput = z.output<typeof searchEverythingInput>;

export const searchResultsOutput = z.object({
  products: z.array(z.object({ id: z.number().int(), name: z.string(), sku: z.string().nullable(), isActive: z.boolean(), stock: z.number().int() })),
  orders: z.array(z.object({ id: z.number().int(), status: orderStatusSchema, totalCents: z.number().int(), currency: z.string(), email: z.string() })),
  customers: z.array(z.object({ id: z.number().int(), email: z.string(), name: z.string().nullable(), orderCount: z.number().int() })),
});
export type SearchResultsDto = z.output<typeof searchResultsOutput>;
