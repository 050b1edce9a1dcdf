export * from './storage';
export * from './local';
export * from './process';
export * from './product-images';
export * from './generated';
