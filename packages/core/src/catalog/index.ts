export * from './schemas';
export * from './products';
export * from './variants';
export * from './images';
export * from './categories';
export * from './inventory';
export * from './version';
export { slugify } from './slugs';
export * from './images';
