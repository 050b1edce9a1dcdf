export * from './schemas';
export { addCartItem, clearCart, getCart, removeCartItem, setCartItemQuantity, unavailableReason } from './cart';
export { checkout } from './checkout';
