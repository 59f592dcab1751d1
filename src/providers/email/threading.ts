/**
 * Email threading (RFC 5322 §3.6.4, field-conventions §3): every outbound mail gets a Message-ID,
 * replies carry `In-Reply-To` (the parent) and `References` (root … parent), and threads are found
 * by References first, In-Reply-To second.
 */
import { createHash, randomUUID } from 'node:crypto';

/**
 * The Message-ID of one delivery. Derived from the idempotency key, so a retried activity re-sends
 * the same Message-ID and mail clients show one message; hashed so room ids never leak into headers
 * and the id is always a valid `id-left` (RFC 5322 dot-atom). No key ⇒ a random id.
 */
export function outboundMessageId(idempotencyKey: string | undefined, domain: string): string {
  const local = idempotencyKey
    ? `rk.${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}`
    : `rk.${randomUUID()}`;
  return `<${local}@${domain}>`;
}

/** `<id>` with the angle brackets nodemailer and mailparser use; undefined for blanks. */
export function bracketed(id: unknown): string | undefined {
  // Values come from binding metadata (any JSON), so anything but a string counts as absent.
  const bare = typeof id === 'string' ? id.trim().replace(/^<|>$/g, '') : undefined;
  return bare ? `<${bare}>` : undefined;
}

/** Message-IDs from an array or a whitespace/comma-separated header value, bracketed, in order. */
export function messageIds(value: unknown): string[] {
  const parts: unknown[] = typeof value === 'string' ? (value.match(/<[^>]*>|[^\s,<>]+/g) ?? []) : Array.isArray(value) ? value : [];
  return parts.map((p) => bracketed(p)).filter((p): p is string => p !== undefined);
}

/**
 * References of a reply: the thread so far, then the parent if it is not already last, per RFC 5322
 * ("the parent's References followed by the parent's Message-ID").
 */
export function replyReferences(references: unknown, inReplyTo: unknown): string[] {
  const ids = messageIds(references);
  const parent = bracketed(inReplyTo);
  if (parent && ids.at(-1) !== parent) ids.push(parent);
  return ids;
}

/** `Re: <subject>` for a reply, never `Re: Re: …`; a new thread keeps its subject as is. */
export function replySubject(subject: unknown, isReply: boolean): string {
  const base = typeof subject === 'string' ? subject.trim() : '';
  if (!isReply || /^re\s*:/i.test(base)) return base;
  return base ? `Re: ${base}` : base;
}

/** The thread root: first of References, else In-Reply-To, else the message itself. */
export function threadRoot(references: unknown, inReplyTo: unknown, messageId: string): string {
  return messageIds(references)[0] ?? bracketed(inReplyTo) ?? messageId;
}

/** The domain part of an address (`Support <help@acme.test>` ⇒ `acme.test`). */
export function domainOf(address: string): string | undefined {
  const match = /@([^@\s>]+)>?\s*$/.exec(address);
  return match?.[1]?.toLowerCase();
}

/** A non-empty string option, else undefined (send options may come from binding metadata: any JSON). */
export function textOption(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
