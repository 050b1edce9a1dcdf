export * from './schemas';
export { dashboardSummary, salesByDay } from './dashboard';
export { getCustomer, listCustomers } from './customers';
export { listStaffOrders, orderContext } from './orders';
export { searchEverything } from './search';
export * from './orders-csv';
