/**
 * Who a request is, from its credential: an API key from a configured list, or a JWT bearer token
 * verified with `jose` (an HS256 shared secret and/or a public key or JWKS; `exp` always enforced,
 * `iss`/`aud` when configured).
 *
 * The model is small on purpose. A principal holds two scopes at most and a list of room patterns:
 * - `rooms:read`  — list rooms, read a room's state, timeline and read markers, join a WebSocket.
 * - `rooms:write` — create rooms, attach channels, post messages (REST, MCP, WebSocket `message`
 *   and `reaction` frames). Write does not imply read.
 * - rooms: exact ids, globs with `*` (`support-*`), or `*` for every room. None ⇒ no room.
 * JWT claims: `scope` (space-separated, OAuth style) or `scp` (array), and `rooms` (array, or one
 * string). Unknown scopes are ignored.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, SignJWT, type CryptoKey, type JWTPayload, type JWTVerifyGetKey, type KeyObject } from 'jose';
import { ForbiddenError, UnauthenticatedError } from '../../errors.js';

export const ROOM_SCOPES = ['rooms:read', 'rooms:write'] as const;
export type RoomScope = (typeof ROOM_SCOPES)[number];

/** An authenticated caller. */
export interface Principal {
  /** The API key's name or the token's `sub`. */
  readonly subject: string;
  readonly via: 'api-key' | 'jwt';
  readonly scopes: ReadonlySet<RoomScope>;
  /** Room patterns: ids, `prefix-*` globs, `*`. */
  readonly rooms: readonly string[];
}

export interface ApiKey {
  /** The secret the client sends as `Authorization: Bearer <key>` (at least 16 characters). */
  key: string;
  /** Shown as the principal's subject (never the key). Default `api-key-<n>`. */
  name?: string;
  scopes: readonly RoomScope[];
  /** Room patterns; default `['*']`. */
  rooms?: readonly string[];
}

export interface JwtOptions {
  /** HS256 shared secret (at least 32 bytes). */
  secret?: string | Uint8Array;
  /** A public key (RS256/ES256/EdDSA…) as a `CryptoKey`/`KeyObject` (e.g. from `jose`'s `importSPKI`). */
  publicKey?: CryptoKey | KeyObject;
  /** A JWKS URL (`https://issuer/.well-known/jwks.json`), fetched and cached by `jose`. */
  jwksUrl?: string | URL;
  /** Expected `iss`; unset ⇒ not checked. */
  issuer?: string;
  /** Expected `aud`; unset ⇒ not checked. */
  audience?: string;
  /** Allowed clock skew in seconds for `exp`/`nbf`. Default 30. */
  clockToleranceSeconds?: number;
}

export interface AuthenticatorOptions {
  apiKeys?: readonly ApiKey[];
  jwt?: JwtOptions;
}

export interface Authenticator {
  /** The principal of `credential` (an API key or a JWT); `UnauthenticatedError` with the reason otherwise. */
  authenticate(credential: string | undefined): Promise<Principal>;
}

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * @example
 * // `config` parsed once at the entry point (workers/config.ts does this for the service)
 * const auth = createAuthenticator({
 *   apiKeys: [{ key: config.opsKey, name: 'ops', scopes: ['rooms:read'], rooms: ['*'] }],
 *   jwt: { secret: config.jwtSecret, issuer: 'https://id.example.com' },
 * });
 * createApp(kit, { auth });
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const keys = (options.apiKeys ?? []).map((k, i) => {
    if (k.key.length < 16) throw new RangeError(`API key ${k.name ?? i + 1}: at least 16 characters`);
    return {
      digest: sha256(k.key),
      principal: { subject: k.name ?? `api-key-${i + 1}`, via: 'api-key', scopes: new Set(k.scopes), rooms: [...(k.rooms ?? ['*'])] } satisfies Principal,
    };
  });
  const jwt = options.jwt;
  const secret = jwt?.secret === undefined ? undefined : typeof jwt.secret === 'string' ? new TextEncoder().encode(jwt.secret) : jwt.secret;
  if (secret && secret.byteLength < 32) throw new RangeError('JWT secret: at least 32 bytes for HS256');
  const remote: JWTVerifyGetKey | undefined = jwt?.jwksUrl ? createRemoteJWKSet(new URL(jwt.jwksUrl)) : undefined;
  if (!keys.length && !secret && !jwt?.publicKey && !remote) throw new RangeError('createAuthenticator: configure apiKeys or a JWT secret, public key or JWKS');

  const verify = async (token: string): Promise<JWTPayload> => {
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch {
      throw new UnauthenticatedError('malformed token');
    }
    const common = {
      ...(jwt?.issuer && { issuer: jwt.issuer }),
      ...(jwt?.audience && { audience: jwt.audience }),
      clockTolerance: jwt?.clockToleranceSeconds ?? 30,
      requiredClaims: ['exp'],
    };
    try {
      if (alg === 'HS256' && secret) return (await jwtVerify(token, secret, { ...common, algorithms: ['HS256'] })).payload;
      if (alg && ASYMMETRIC.includes(alg) && jwt?.publicKey) return (await jwtVerify(token, jwt.publicKey, { ...common, algorithms: ASYMMETRIC })).payload;
      if (alg && ASYMMETRIC.includes(alg) && remote) return (await jwtVerify(token, remote, { ...common, algorithms: ASYMMETRIC })).payload;
    } catch (err) {
      throw new UnauthenticatedError(jwtFailure(err));
    }
    throw new UnauthenticatedError(`token algorithm ${alg ?? '(none)'} is not accepted`);
  };

  return {
    async authenticate(credential) {
      if (!credential) throw new UnauthenticatedError('missing credential: send Authorization: Bearer <token>');
      const digest = sha256(credential);
      const key = keys.find((k) => timingSafeEqual(k.digest, digest));
      if (key) return key.principal;
      if (credential.split('.').length !== 3) throw new UnauthenticatedError('unknown API key');
      if (!secret && !jwt?.publicKey && !remote) throw new UnauthenticatedError('tokens are not accepted here (API keys only)');
      return principalOf(await verify(credential));
    },
  };
}

function jwtFailure(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `token claim ${err.claim} ${err.reason === 'missing' ? 'is missing' : 'is not accepted'}`;
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (err instanceof errors.JOSEError) return 'token is invalid';
  return 'token could not be verified';
}

function principalOf(claims: JWTPayload): Principal {
  const raw = typeof claims.scope === 'string' ? claims.scope.split(' ') : Array.isArray(claims.scp) ? claims.scp : typeof claims.scp === 'string' ? claims.scp.split(' ') : [];
  const scopes = new Set(raw.filter((s): s is RoomScope => (ROOM_SCOPES as readonly unknown[]).includes(s)));
  const rooms = Array.isArray(claims.rooms) ? claims.rooms.filter((r): r is string => typeof r === 'string') : typeof claims.rooms === 'string' ? [claims.rooms] : [];
  return { subject: claims.sub ?? '(no sub)', via: 'jwt', scopes, rooms };
}

/** Whether `roomId` matches one of the principal's patterns (`*` = any run of characters). */
export function roomAllowed(principal: Principal, roomId: string): boolean {
  return principal.rooms.some((pattern) => {
    if (pattern === '*') return true;
    if (!pattern.includes('*')) return pattern === roomId;
    const parts = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
    return new RegExp(`^${parts.join('.*')}$`).test(roomId);
  });
}

/** Throws `ForbiddenError` unless the principal has `scope` (and, given a room, that room). */
export function authorize(principal: Principal, scope: RoomScope, roomId?: string): void {
  if (!principal.scopes.has(scope)) throw new ForbiddenError(`credential lacks scope ${scope}`, scope);
  if (roomId !== undefined && !roomAllowed(principal, roomId)) throw new ForbiddenError(`credential does not grant room ${roomId}`);
}

/** Whether the principal may see every room (no filtering needed). */
export function allRooms(principal: Principal): boolean {
  return principal.rooms.includes('*');
}

export interface RoomTokenClaims {
  subject: string;
  scopes: readonly RoomScope[];
  rooms: readonly string[];
  /** Lifetime in seconds. Default 3600. */
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
}

/** An HS256 token in this model (the dev server mints one for the chat page; tests mint theirs). */
export async function signRoomToken(secret: string | Uint8Array, claims: RoomTokenClaims): Promise<string> {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  let token = new SignJWT({ scope: claims.scopes.join(' '), rooms: [...claims.rooms] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(`${claims.ttlSeconds ?? 3600}s`);
  if (claims.issuer) token = token.setIssuer(claims.issuer);
  if (claims.audience) token = token.setAudience(claims.audience);
  return token.sign(key);
}
