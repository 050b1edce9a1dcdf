import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtp {
  url: string;
  received: ParsedMail[];
  /** How many of the next messages to refuse with a temporary failure (451). */
  refuseNext: number;
  close(): Promise<void>;
}

/** A real SMTP server on a free local port that keeps what it receives, parsed. */
export async function startSmtp(): Promise<TestSmtp> {
  const state = { received: [] as ParsedMail[], refuseNext: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (state.refuseNext > 0) {
          state.refuseNext--;
          return callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
        }
        simpleParser(Buffer.concat(chunks)).then(
          (mail) => {
            state.received.push(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return Object.assign(state, {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

/** Every address a message went to. */
export const recipientsOf = (mail: ParsedMail) =>
  [mail.to].flat().flatMap((to) => to?.value.map((v) => v.address) ?? []);
