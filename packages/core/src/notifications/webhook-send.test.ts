import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderEmail } from './email-render';
import { isForbiddenAddress, resolveTarget, sendWebhook, signWebhook } from './webhook-send';

describe('webhook signatures', () => {
  it('signs "<t>.<raw body>" with HMAC-SHA256', () => {
    const at = new Date('2030-01-01T00:00:10Z');
    const body = '{"id":"e1"}';
    const t = at.getTime() / 1000;
    expect(signWebhook('whsec_x', body, at)).toBe(`t=${t},v1=${createHmac('sha256', 'whsec_x').update(`${t}.${body}`).digest('hex')}`);
  });
});

describe('the address guard', () => {
  it('refuses private, loopback, link-local and non-host addresses, IPv4 and IPv6', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '224.0.0.1', '::1', '::', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not an ip']) {
      expect(isForbiddenAddress(address), address).toBe(true);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) {
      expect(isForbiddenAddress(address), address).toBe(false);
    }
  });

  it('checks what a name resolves to, not the name', async () => {
    await expect(resolveTarget('localhost', false)).rejects.toThrow(/private, loopback or link-local/);
    await expect(resolveTarget('[::1]', false)).rejects.toThrow(/private/);
    await expect(resolveTarget('localhost', true)).resolves.toMatchObject({ address: expect.stringMatching(/^(127\.0\.0\.1|::1)$/) });
  });
});

describe('sending a webhook', () => {
  let server: Server;
  let url: string;
  const bodies: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        if (req.url === '/slow') return; // never answers
        if (req.url === '/redirect') return void res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
        res.writeHead(201).end('created');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('records the answer of a receiver reached by name, through the address it checked', async () => {
    const attempt = await sendWebhook({ url: `${url}/ok`, body: '{"a":1}', headers: {}, timeoutMs: 2000, allowPrivate: true });
    expect(attempt).toMatchObject({ statusCode: 201, responseBody: 'created', error: null });
    expect(bodies.at(-1)).toBe('{"a":1}');
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    const attempt = await sendWebhook({ url: `${url}/slow`, body: '{}', headers: {}, timeoutMs: 300, allowPrivate: true });
    expect(attempt).toMatchObject({ statusCode: null, error: 'no answer within 300 ms' });
    expect(attempt.latencyMs).toBeGreaterThanOrEqual(290);
  });

  it('does not follow a redirect', async () => {
    const attempt = await sendWebhook({ url: `${url}/redirect`, body: '{}', headers: {}, timeoutMs: 2000, allowPrivate: true });
    expect(attempt).toMatchObject({ statusCode: 302, error: 'answered 302' });
  });

  it('refuses a private address without connecting', async () => {
    const before = bodies.length;
    const attempt = await sendWebhook({ url: `${url}/ok`, body: '{}', headers: {}, timeoutMs: 2000, allowPrivate: false });
    expect(attempt.error).toMatch(/private, loopback or link-local/);
    expect(bodies.length).toBe(before);
  });
});

describe('email rendering', () => {
  it('renders one template as text and as HTML, escaping every string', () => {
    const email = renderEmail({
      subject: 'Hi\r\nBcc: victim@example.com',
      blocks: [
        { kind: 'paragraph', text: '<b>bold</b> & "quoted"\nsecond line' },
        { kind: 'table', head: ['Item', 'Total'], rows: [['<script>x</script>', '$1.00']], foot: [['Total', '$1.00']] },
        { kind: 'link', text: 'Go', href: 'https://example.com/?a=1&b="2"' },
      ],
    });
    expect(email.subject).toBe('Hi Bcc: victim@example.com');
    expect(email.text).toContain('<b>bold</b> & "quoted"\nsecond line');
    expect(email.text).toContain('<script>x</script>  $1.00');
    expect(email.html).not.toMatch(/<script>|<b>/);
    expect(email.html).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;<br>second line');
    expect(email.html).toContain('href="https://example.com/?a=1&amp;b=&quot;2&quot;"');
  });
});
