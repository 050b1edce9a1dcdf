export * from './dispatcher';
export * from './email-render';
export * from './email-templates';
export * from './handlers';
export * from './mailer';
export * from './schemas';
export * from './webhook-send';
export * from './webhooks';
