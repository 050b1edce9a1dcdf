import { users } from '@commerce/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../deps';
import { createTestDeps, insertTestProduct } from '../testing';
import { Dispatcher } from './dispatcher';
import { dailyDigestScheduler, notificationHandlers, type NotificationOptions } from './handlers';
import type { MailMessage } from './mailer';

describe('the daily low-stock digest', () => {
  let deps: Deps;
  let close: (() => Promise<void>) | undefined;
  let now = new Date('2030-03-01T07:00:00Z');
  const sent: MailMessage[] = [];
  const options: NotificationOptions = {
    mailer: { send: async (message) => void sent.push(message), close: () => undefined },
    storeName: 'Digest Shop',
    passwordResetUrl: 'http://shop.test/reset',
    webhooks: { allowPrivate: false },
    digestHourUtc: 8,
  };
  /** A server process: its own dispatcher and its own idea of which day it scheduled. */
  const serverProcess = () => new Dispatcher(deps, { handlers: notificationHandlers(deps, options), beforeClaim: dailyDigestScheduler(deps, options) });

  beforeAll(async () => {
    ({ deps, close } = await createTestDeps({ clock: { now: () => now } }));
  });
  afterAll(() => close?.());

  it('goes once a day, at the configured hour, to staff and admins, however many processes run', async () => {
    await deps.db.insert(users).values([
      { email: 'staff@digest.test', passwordHash: 'x', role: 'staff' },
      { email: 'admin@digest.test', passwordHash: 'x', role: 'admin' },
      { email: 'customer@digest.test', passwordHash: 'x', role: 'customer' },
    ]);
    await insertTestProduct(deps.db, { name: 'Nearly gone <b>', stock: 2 });
    await insertTestProduct(deps.db, { name: 'Plenty', stock: 500 });
    const [a, b] = [serverProcess(), serverProcess()];
    await Promise.all([a.drain(), b.drain()]);
    expect(sent).toEqual([]);
    now = new Date('2030-03-01T08:00:00Z');
    await Promise.all([a.drain(), b.drain()]);
    expect(sent).toHaveLength(1);
    expect([sent[0]!.to].flat().sort()).toEqual(['admin@digest.test', 'staff@digest.test']);
    expect(sent[0]!.subject).toBe('Digest Shop: 1 variant low on stock (2030-03-01)');
    expect(sent[0]!.text).toContain('Nearly gone <b>');
    expect(sent[0]!.html).toContain('Nearly gone &lt;b&gt;');
    expect(sent[0]!.text).not.toContain('Plenty');
    now = new Date('2030-03-01T20:00:00Z');
    await Promise.all([a.drain(), b.drain(), serverProcess().drain()]);
    expect(sent).toHaveLength(1);
    now = new Date('2030-03-02T09:00:00Z');
    await Promise.all([a.drain(), b.drain()]);
    expect(sent).toHaveLength(2);
  });
});
