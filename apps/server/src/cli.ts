import { parseArgs } from 'node:util';
import { adminCredentialsInput, attachSeedImages, ensureAdmin, seedCatalog, seedSyntheticOrders, seedSyntheticProducts } from '@commerce/core';
import { bootstrapAdmin } from './admin-bootstrap';
import { loadConfig } from './config';
import { createRuntime } from './deps';
import { runMaintenance, runPaymentExpiry } from './maintenance';

const usage = `Usage:
  commerce setup                          migrate, load the sample catalog if empty, ensure the admin
  commerce seed [--products N]            as setup, plus N synthetic products
  commerce migrate                        apply migrations
  commerce maintenance                    delete expired sessions, idempotency keys and old delivered outbox rows
  commerce expire-orders                  cancel orders unpaid after PAYMENT_TIMEOUT_MINUTES (stock returned)
  commerce create-admin --email E --password P   create an admin, or make that user an admin and set its password`;

const [command, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: { products: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' } },
});

const config = loadConfig();
const runtime = await createRuntime(config);
try {
  await runtime.db.migrate();
  switch (command) {
    case 'migrate':
      console.log(`Migrations applied (${runtime.db.kind}).`);
      break;
    case 'maintenance': {
      const { idempotencyKeys } = await runMaintenance(runtime);
      console.log(`Expired sessions deleted; ${idempotencyKeys} expired idempotency keys deleted.`);
      break;
    }
    case 'expire-orders': {
      const { ran, expired, paymentsCancelled } = await runPaymentExpiry(runtime);
      console.log(
        ran
          ? `${expired} unpaid orders cancelled; ${paymentsCancelled} open payments of cancelled orders stopped.`
          : 'Another process is sweeping right now; nothing done.',
      );
      break;
    }
    case 'setup':
    case 'seed': {
      const added = await seedCatalog(runtime.deps.db);
      console.log(added ? `Loaded the sample catalog (${added} products).` : 'Catalog already has products.');
      const pictured = await attachSeedImages(runtime.deps);
      if (pictured > 0) console.log(`Generated pictures for ${pictured} products (MEDIA_DIR: ${config.MEDIA_DIR}).`);
      const count = Number(values.products ?? 0);
      if (!Number.isInteger(count) || count < 0 || count > 10_000_000) throw new Error('--products must be 0..10000000');
      if (count > 0) {
        const started = Date.now();
        await seedSyntheticProducts(runtime.deps.db, count);
        console.log(`Added ${count} synthetic products in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
        const ordersStarted = Date.now();
        const orders = await seedSyntheticOrders(runtime.deps.db, count);
        console.log(`Added ${orders} synthetic orders in ${((Date.now() - ordersStarted) / 1000).toFixed(1)} s.`);
      }
      const admin = await bootstrapAdmin(runtime.deps, config);
      if (admin.notice?.kind === 'warning') console.warn(`Warning: ${admin.notice.text}`);
      else if (admin.notice) console.log(admin.notice.text);
      else console.log(`Admin account: ${admin.email}${admin.created ? ' (created)' : ''}`);
      break;
    }
    case 'create-admin': {
      if (!values.email || !values.password) throw new Error('create-admin needs --email and --password');
      const parsed = adminCredentialsInput.safeParse({ email: values.email, password: values.password });
      if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => `  --${issue.path.join('.')}: ${issue.message}`);
        throw new Error(`create-admin: invalid arguments\n${problems.join('\n')}`);
      }
      const { email, password } = parsed.data;
      const result = await ensureAdmin(runtime.deps, email, password, 'explicit');
      switch (result.outcome) {
        case 'created':
          console.log(`Created admin ${email}.`);
          break;
        case 'promoted':
          console.log(`Made ${email} an admin (was ${result.previousRole}) and set its password; its sessions were revoked.`);
          break;
        case 'password-reset':
          console.log(`${email} is an admin; its password was reset and its sessions were revoked.`);
          break;
        default:
          console.log(`${email} is an admin already with this password; nothing changed.`);
      }
      break;
    }
    default:
      console.log(usage);
      process.exitCode = command ? 1 : 0;
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await runtime.close();
}
