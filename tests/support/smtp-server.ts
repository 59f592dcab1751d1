/**
 * An SMTP server on loopback (the `smtp-server` package) for email provider tests: it records every
 * message it accepts (raw MIME, envelope) and can be told to refuse the next attempt with a given SMTP
 * reply code, at RCPT TO (a refused recipient) or after DATA (a refused message).
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  /** The message exactly as sent after DATA. */
  raw: Buffer;
}

export interface SMTPRefusal {
  code: number;
  message?: string;
  /** Where the refusal happens. Default `rcpt`. */
  stage?: 'rcpt' | 'data';
}

export class LoopbackSMTPServer {
  readonly messages: ReceivedMail[] = [];
  /** Send attempts seen (MAIL FROM commands), accepted or refused. */
  attempts = 0;
  private refusals: SMTPRefusal[] = [];

  private constructor(private readonly server: SMTPServer, readonly host: string, readonly port: number) {}

  static async start(options: { auth?: { user: string; pass: string } } = {}): Promise<LoopbackSMTPServer> {
    let self: LoopbackSMTPServer | undefined;
    const refusal = (stage: 'rcpt' | 'data'): Error | undefined => {
      const next = self!.refusals[0];
      if (!next || (next.stage ?? 'rcpt') !== stage) return undefined;
      self!.refusals.shift();
      const err = new Error(next.message ?? `refused by the test server (${next.code})`) as Error & { responseCode: number };
      err.responseCode = next.code;
      return err;
    };
    const server = new SMTPServer({
      // Plain loopback: no STARTTLS offered, AUTH allowed in clear text only when configured.
      disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !options.auth,
      allowInsecureAuth: true,
      logger: false,
      // No DNS on loopback: a reverse lookup per connection costs each send a noticeable delay.
      disableReverseLookup: true,
      onAuth(auth, _session, callback) {
        if (auth.username === options.auth?.user && auth.password === options.auth?.pass) return callback(null, { user: auth.username });
        const err = new Error('Invalid username or password') as Error & { responseCode: number };
        err.responseCode = 535;
        return callback(err);
      },
      onMailFrom(_address, _session, callback) {
        self!.attempts += 1;
        callback();
      },
      onRcptTo(_address, _session, callback) {
        callback(refusal('rcpt') ?? null);
      },
      onData(stream, session: SMTPServerSession, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const refused = refusal('data');
          if (refused) return callback(refused);
          const envelopeFrom = session.envelope.mailFrom;
          self!.messages.push({
            from: envelopeFrom ? envelopeFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks),
          });
          callback(null, 'queued');
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;
    self = new LoopbackSMTPServer(server, '127.0.0.1', port);
    return self;
  }

  /** The next attempt is refused with this reply code (e.g. 550, 451, 421). */
  refuseNext(code: number, message?: string, stage: 'rcpt' | 'data' = 'rcpt'): void {
    this.refusals.push({ code, message, stage });
  }

  get last(): ReceivedMail | undefined {
    return this.messages.at(-1);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
