/**
 * What the WebSocket backends share: events that arrive before a session attaches wait for it,
 * `onDisconnect` fires once, and a run of refused messages closes the socket.
 */
import type { WebSocket } from 'ws';
import type { VoiceBackendHandlers } from '../backend.js';
import { VoiceProtocolError } from '../errors.js';

/** Refused messages in a row after which the socket is closed (1008). */
export const MAX_BAD_MESSAGES = 50;

export abstract class SocketBackend {
  abstract readonly name: string;
  private handlers: VoiceBackendHandlers | undefined;
  private pending: Array<(h: VoiceBackendHandlers) => void> = [];
  private badMessages = 0;
  private gone = false;

  constructor(protected readonly socket: WebSocket) {
    socket.on('close', (code, reason) => this.disconnect(reason.toString() || `socket closed (${code})`));
    socket.on('error', (err) => this.emit((h) => h.onError(new VoiceProtocolError(this.name, `socket error: ${err.message}`))));
  }

  connect(handlers: VoiceBackendHandlers): void {
    this.handlers = handlers;
    const pending = this.pending;
    this.pending = [];
    for (const deliver of pending) deliver(handlers);
  }

  close(reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) this.socket.close(1000, truncate(reason));
    this.disconnect(reason);
  }

  protected emit(deliver: (h: VoiceBackendHandlers) => void): void {
    if (this.handlers) deliver(this.handlers);
    else this.pending.push(deliver);
  }

  protected accepted(): void {
    this.badMessages = 0;
  }

  /** Reports the error; a fatal one, or one too many in a row, closes the socket with its reason. */
  protected refuse(detail: string, fatal = false): void {
    const error = new VoiceProtocolError(this.name, detail, fatal);
    this.emit((h) => h.onError(error));
    if (fatal) return void this.fail(detail);
    if (++this.badMessages >= MAX_BAD_MESSAGES) this.fail(`too many invalid messages (last: ${detail})`);
  }

  protected fail(reason: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.close(1008, truncate(reason));
    this.disconnect(reason);
  }

  protected send(message: unknown): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(typeof message === 'string' || message instanceof Uint8Array ? message : JSON.stringify(message));
  }

  protected disconnect(reason: string): void {
    if (this.gone) return;
    this.gone = true;
    this.emit((h) => h.onDisconnect(reason));
  }
}

/** Close reasons are limited to 123 bytes. */
export function truncate(reason: string): string {
  return Buffer.byteLength(reason) <= 123 ? reason : `${reason.slice(0, 110)}…`;
}
