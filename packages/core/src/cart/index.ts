export * from './schemas';
export {
  addCartItem,
  clearCart,
  getCart,
  removeCartCoupon,
  removeCartItem,
  setCartCoupon,
  setCartDelivery,
  setCartItemQuantity,
  unavailableReason,
} from './cart';
export { checkout } from './checkout';
