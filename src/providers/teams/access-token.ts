/**
 * The bot's outbound credential: an OAuth 2.0 client-credentials token from Microsoft Entra ID,
 * cached until five minutes before it expires (Microsoft: "cache and proactively refresh") and
 * shared by concurrent sends so a burst costs one token request.
 */
import type { ProviderResult } from '../../models/index.js';
import { httpFailure, unreachable, vendorRequest, VendorUnreachableError } from '../http.js';

export interface AccessTokenOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  timeoutMs: number;
  now?: () => number;
}

/** A token, or why there is none (already a `ProviderResult` the send can return). */
export type TokenOutcome = { token: string } | { failure: ProviderResult };

const REFRESH_MARGIN_MS = 5 * 60_000;

export class AccessTokenCache {
  private cached: { token: string; refreshAt: number } | undefined;
  private inFlight: Promise<TokenOutcome> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: AccessTokenOptions) {
    this.now = options.now ?? Date.now;
  }

  async get(): Promise<TokenOutcome> {
    if (this.cached && this.now() < this.cached.refreshAt) return { token: this.cached.token };
    this.inFlight ??= this.fetchToken().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /** Forget the token (the connector answered 401: revoked or rotated secret). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(): Promise<TokenOutcome> {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
      scope: this.options.scope,
    });
    let answer;
    try {
      answer = await vendorRequest('teams', this.options.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
        timeoutMs: this.options.timeoutMs,
      });
    } catch (err) {
      if (err instanceof VendorUnreachableError) return { failure: unreachable(err) };
      throw err;
    }
    const data = (answer.body && typeof answer.body === 'object' ? answer.body : {}) as Record<string, unknown>;
    if (answer.status !== 200 || typeof data.access_token !== 'string') {
      // Entra ID errors: `{ error: "invalid_client", error_description: "AADSTS7000215: …" }`.
      const code = typeof data.error === 'string' ? data.error : undefined;
      const description = typeof data.error_description === 'string' ? data.error_description : undefined;
      const failure = httpFailure(answer, { code, message: `token request refused: ${description ?? code ?? `HTTP ${answer.status}`}` });
      return { failure };
    }
    const seconds = Number(data.expires_in);
    const lifetimeMs = (Number.isFinite(seconds) && seconds > 0 ? seconds : 3600) * 1000;
    // Short-lived tokens are refreshed at half-life rather than never being reused.
    this.cached = { token: data.access_token, refreshAt: this.now() + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2) };
    return { token: data.access_token };
  }
}
