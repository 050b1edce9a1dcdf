import { orders } from '@commerce/db';
import { sql } from 'drizzle-orm';
import { revenueStatuses } from './schemas';

/** The order is money the store keeps (paid, shipped or delivered); a literal list, so indexes and plans stay simple. */
export const keptMoney = sql`${orders.status} in ${sql.raw(`('${revenueStatuses.join("','")}')`)}`;
