import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { RenderedEmail } from './email-render';

export interface MailMessage extends RenderedEmail {
  to: string | string[];
}

/** Sends one email or throws (the outbox then tries again later). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export interface MailerOptions {
  /** `smtp://user:pass@host:587`, `smtps://…`; unset = .eml files in `mailDir`. */
  smtpUrl?: string | undefined;
  mailDir: string;
  from: string;
  /** Told of each email written to a file (the embedded default has no other trace of it). */
  log?(line: string, fields: Record<string, unknown>): void;
}

/**
 * Over SMTP when a URL is configured; otherwise each email is written as an .eml file (open it
 * in any mail client) under `mailDir`, and logged.
 */
export function createMailer({ smtpUrl, mailDir, from, log }: MailerOptions): Mailer {
  if (smtpUrl) {
    // One connection per email, no pool: a refused or dropped connection fails that email
    // alone, and the outbox's backoff decides when to try again.
    const transport = nodemailer.createTransport(smtpUrl);
    return {
      send: async (message) => {
        await transport.sendMail({ from, ...message });
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    send: async (message) => {
      const info = await transport.sendMail({ from, ...message });
      const file = path.join(mailDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}.eml`);
      // The directory is made when it is missing, not before every email.
      await writeFile(file, info.message as Buffer).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        await mkdir(mailDir, { recursive: true });
        await writeFile(file, info.message as Buffer);
      });
      log?.('email written to a file (SMTP_URL is not set)', { file, to: message.to, subject: message.subject });
    },
    close: () => transport.close(),
  };
}
