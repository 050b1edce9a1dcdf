import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtp, recipientsOf, type TestSmtp } from './mail-helpers';
import { createUserWithToken, startTestServer, type TestServer } from './helpers';
import { createProduct } from './orders-helpers';

/** A clock the test moves, put in the running server's deps (the dispatcher and core read it there). */
function movableClock(server: TestServer) {
  const state = { now: new Date() };
  server.runtime.deps.clock = { now: () => state.now };
  return { later: (seconds: number) => (state.now = new Date(state.now.getTime() + seconds * 1000)) };
}

const hostileName = `<img src=x onerror=alert(1)> & "Mug"`;

describe('order emails over SMTP', () => {
  let server: TestServer;
  let smtp: TestSmtp;
  let clock: ReturnType<typeof movableClock>;

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer({ SMTP_URL: smtp.url, STORE_NAME: 'Test Shop', MAIL_FROM: 'shop@example.test' });
    clock = movableClock(server);
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('emails the customer when the order is placed, paid, shipped and refunded, with lines and totals; user text stays text', async () => {
    const customer = await createUserWithToken(server.runtime);
    const staff = await createUserWithToken(server.runtime, 'staff');
    const productId = await createProduct(server.runtime.deps.db, { name: hostileName, priceCents: 1250, stock: 50 });
    const placed = await server.request('POST', '/api/orders', { token: customer.token, body: { items: [{ productId, quantity: 2 }] } });
    expect(placed.status).toBe(200);
    const orderId = (placed.body as { id: number }).id;
    for (const status of ['paid', 'shipped', 'refunded']) {
      const shipment = status === 'shipped' ? { carrier: 'Parcelforce', trackingNumber: 'PF-889-221' } : {};
      const moved = await server.request('PUT', `/api/orders/${orderId}/status`, { token: staff.token, body: { status, ...shipment } });
      expect(moved.status).toBe(200);
    }
    smtp.received.length = 0;
    // Events fan out first, then their emails go: two rounds.
    await server.runtime.dispatcher.drain();
    const mails = smtp.received.filter((mail) => recipientsOf(mail).includes(customer.email));
    expect(mails.map((mail) => mail.subject).sort()).toEqual(
      [`Test Shop: Order #${orderId} paid`, `Test Shop: Order #${orderId} received`, `Test Shop: Order #${orderId} refunded`, `Test Shop: Order #${orderId} shipped`].sort(),
    );
    const receivedMail = mails.find((mail) => mail.subject?.endsWith('received'))!;
    expect(receivedMail.from?.value[0]?.address).toBe('shop@example.test');
    expect(receivedMail.text).toContain(hostileName);
    expect(receivedMail.text).toContain('$12.50');
    expect(receivedMail.text).toContain('$25.00');
    const html = String(receivedMail.html);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Mug&quot;');
    expect(html).toContain('$25.00');
    // What was charged, line by line, as the order keeps it.
    expect(receivedMail.text).toMatch(/Subtotal[^\n]*\$25\.00/);
    expect(receivedMail.text).toMatch(/Tax[^\n]*\$0\.00/);
    const shippedMail = mails.find((mail) => mail.subject?.endsWith('shipped'))!;
    expect(shippedMail.text).toContain('Parcelforce');
    expect(shippedMail.text).toContain('PF-889-221');
  });

  it('tries again, after a backoff on the clock, an email the SMTP server refused', async () => {
    const customer = await createUserWithToken(server.runtime);
    const productId = await createProduct(server.runtime.deps.db, { stock: 5 });
    await server.request('POST', '/api/orders', { token: customer.token, body: { items: [{ productId, quantity: 1 }] } });
    smtp.received.length = 0;
    smtp.refuseNext = 1;
    await server.runtime.dispatcher.drain();
    expect(smtp.refuseNext).toBe(0);
    expect(smtp.received.filter((mail) => recipientsOf(mail).includes(customer.email))).toHaveLength(0);
    // Not before its backoff.
    clock.later(5);
    await server.runtime.dispatcher.drain();
    expect(smtp.received).toHaveLength(0);
    clock.later(30);
    await server.runtime.dispatcher.drain();
    expect(smtp.received.map(recipientsOf)).toEqual([[customer.email]]);
  });

  describe('password reset', () => {
    const resetTokenOf = (text: string) => /token=([A-Za-z0-9_-]+)/.exec(text)?.[1];

    it('answers 202 for any email, and emails a single-use link only to an account', async () => {
      const { email, token: session } = await createUserWithToken(server.runtime);
      smtp.received.length = 0;
      const known = await server.request('POST', '/api/auth/password-reset', { body: { email: email.toUpperCase() } });
      const unknown = await server.request('POST', '/api/auth/password-reset', { body: { email: 'nobody-here@example.test' } });
      expect([known.status, unknown.status]).toEqual([202, 202]);
      expect(known.body).toEqual(unknown.body);
      await server.runtime.dispatcher.drain();
      expect(smtp.received.map(recipientsOf)).toEqual([[email]]);
      const token = resetTokenOf(smtp.received[0]!.text ?? '');
      expect(token).toBeDefined();
      // Only a hash is kept: the token appears nowhere in the database once the email is out.
      const dump = await server.runtime.db.db.execute(`select (select json_agg(t) from password_reset_tokens t)::text as tokens, (select json_agg(o) from outbox o)::text as outbox`);
      expect(JSON.stringify(dump)).not.toContain(token);

      const weak = await server.request('POST', '/api/auth/password-reset/confirm', { body: { token, newPassword: 'short' } });
      expect(weak.status).toBe(400);
      const confirmed = await server.request('POST', '/api/auth/password-reset/confirm', { body: { token, newPassword: 'a brand new password' } });
      expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
      expect(confirmed.body).toEqual({ success: true });
      // Every session of the user is revoked.
      expect((await server.request('GET', '/api/auth/me', { token: session })).status).toBe(401);
      const login = await server.request('POST', '/api/auth/login', { body: { email, password: 'a brand new password' } });
      expect(login.status).toBe(200);
      // Single use.
      const again = await server.request('POST', '/api/auth/password-reset/confirm', { body: { token, newPassword: 'yet another password' } });
      expect(again.status).toBe(400);
      expect(again.body).toMatchObject({ reason: 'reset_token_invalid' });
    });

    it('refuses a token after an hour, and a made-up one', async () => {
      const { email } = await createUserWithToken(server.runtime);
      smtp.received.length = 0;
      await server.request('POST', '/api/auth/password-reset', { body: { email } });
      await server.runtime.dispatcher.drain();
      const token = resetTokenOf(smtp.received[0]!.text ?? '')!;
      clock.later(3601);
      const late = await server.request('POST', '/api/auth/password-reset/confirm', { body: { token, newPassword: 'a brand new password' } });
      expect(late.status).toBe(400);
      expect(late.body).toMatchObject({ reason: 'reset_token_invalid' });
      const madeUp = await server.request('POST', '/api/auth/password-reset/confirm', { body: { token: 'x'.repeat(43), newPassword: 'a brand new password' } });
      expect(madeUp.body).toMatchObject({ reason: 'reset_token_invalid' });
    });

    it('is rate limited per email, with the same answer whether the account exists', async () => {
      for (const email of ['limited@example.test', (await createUserWithToken(server.runtime)).email]) {
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) statuses.push((await server.request('POST', '/api/auth/password-reset', { body: { email } })).status);
        expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
      }
    });
  });
});

describe('email without SMTP_URL', () => {
  let server: TestServer;
  let mailDir: string;

  beforeAll(async () => {
    mailDir = await mkdtemp(path.join(tmpdir(), 'commerce-mail-'));
    server = await startTestServer({ MAIL_DIR: mailDir });
  });
  afterAll(async () => {
    await server?.close();
    await rm(mailDir, { recursive: true, force: true });
  });

  it('writes each email as an .eml file under MAIL_DIR', async () => {
    const customer = await createUserWithToken(server.runtime);
    const productId = await createProduct(server.runtime.deps.db, { name: 'Teapot', stock: 5 });
    const placed = await server.request('POST', '/api/orders', { token: customer.token, body: { items: [{ productId, quantity: 1 }] } });
    await server.runtime.dispatcher.drain();
    const files = (await readdir(mailDir)).filter((name) => name.endsWith('.eml'));
    expect(files).toHaveLength(1);
    const mail = await simpleParser(await readFile(path.join(mailDir, files[0]!)));
    expect(recipientsOf(mail)).toEqual([customer.email]);
    expect(mail.subject).toBe(`Commerce: Order #${(placed.body as { id: number }).id} received`);
    expect(mail.text).toContain('Teapot');
    expect(String(mail.html)).toContain('Teapot');
  });
});
