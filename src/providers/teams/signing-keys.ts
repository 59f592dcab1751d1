/**
 * The keys that sign Bot Framework's inbound tokens: fixed in config, or read from the OpenID
 * metadata document's `jwks_uri` and cached for `jwksTtlMs`. An unknown `kid` triggers one early
 * refetch (Microsoft rotates keys), throttled so a flood of forged tokens cannot turn us into a
 * request amplifier against login.botframework.com.
 */
import { RoomKitError } from '../../errors.js';
import { vendorRequest, VendorUnreachableError } from '../http.js';
import { Jwk } from './config.js';

/** The keys could not be fetched and none are cached: our outage, answered 500 so the sender retries. */
export class SigningKeysUnavailableError extends RoomKitError {
  constructor(readonly reason: string) {
    super(`teams: Bot Framework signing keys unavailable: ${reason}`);
    this.name = 'SigningKeysUnavailableError';
  }
}

export interface KeySet {
  keys: Jwk[];
  /** `id_token_signing_alg_values_supported` of the metadata (RS256 when not said). */
  algorithms: string[];
}

export interface SigningKeySourceOptions {
  jwks?: Jwk[];
  openIdMetadataUrl: string;
  ttlMs: number;
  timeoutMs: number;
  now?: () => number;
}

/** At most one refetch per minute for unknown key ids. */
const UNKNOWN_KID_REFRESH_MS = 60_000;

export class SigningKeySource {
  private cached: (KeySet & { fetchedAt: number }) | undefined;
  private inFlight: Promise<KeySet> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SigningKeySourceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The key with this id, or undefined once a (throttled) refetch did not find it either. */
  async find(kid: string | undefined): Promise<{ key: Jwk; algorithms: string[] } | undefined> {
    let set = await this.current();
    let key = pick(set.keys, kid);
    if (!key && !this.options.jwks && this.now() - (this.cached?.fetchedAt ?? 0) >= UNKNOWN_KID_REFRESH_MS) {
      set = await this.refresh();
      key = pick(set.keys, kid);
    }
    return key ? { key, algorithms: set.algorithms } : undefined;
  }

  private async current(): Promise<KeySet> {
    if (this.options.jwks) return { keys: this.options.jwks, algorithms: ['RS256'] };
    if (this.cached && this.now() - this.cached.fetchedAt < this.options.ttlMs) return this.cached;
    try {
      return await this.refresh();
    } catch (err) {
      // Stale keys beat no keys: Microsoft's keys change rarely, an outage of its metadata is transient.
      if (this.cached) return this.cached;
      throw err;
    }
  }

  private refresh(): Promise<KeySet> {
    // Concurrent webhooks share one fetch.
    this.inFlight ??= this.fetchKeys().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchKeys(): Promise<KeySet> {
    const metadata = await this.getJson(this.options.openIdMetadataUrl);
    const jwksUri = (metadata as { jwks_uri?: unknown }).jwks_uri;
    if (typeof jwksUri !== 'string') throw new SigningKeysUnavailableError('OpenID metadata has no jwks_uri');
    const advertised = (metadata as { id_token_signing_alg_values_supported?: unknown }).id_token_signing_alg_values_supported;
    const algorithms = Array.isArray(advertised) ? advertised.filter((a): a is string => typeof a === 'string') : ['RS256'];
    const jwks = await this.getJson(jwksUri);
    const parsed = Jwk.array().safeParse((jwks as { keys?: unknown }).keys);
    if (!parsed.success) throw new SigningKeysUnavailableError(`${jwksUri} has no valid keys array`);
    const set = { keys: parsed.data, algorithms };
    this.cached = { ...set, fetchedAt: this.now() };
    return set;
  }

  private async getJson(url: string): Promise<object> {
    let answer;
    try {
      answer = await vendorRequest('teams', url, { method: 'GET', timeoutMs: this.options.timeoutMs });
    } catch (err) {
      throw new SigningKeysUnavailableError(err instanceof VendorUnreachableError ? err.reason : String(err));
    }
    if (answer.status !== 200 || !answer.body || typeof answer.body !== 'object') {
      throw new SigningKeysUnavailableError(`GET ${url} answered HTTP ${answer.status}`);
    }
    return answer.body;
  }
}

function pick(keys: Jwk[], kid: string | undefined): Jwk | undefined {
  // A token without kid is only acceptable when there is a single key to try.
  if (kid === undefined) return keys.length === 1 ? keys[0] : undefined;
  return keys.find((k) => k.kid === kid);
}
