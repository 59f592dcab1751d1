/**
 * Just enough JWT for Bot Framework's inbound tokens, on `node:crypto` only: split, decode, check an
 * RSA signature with a JWK, then the claims Microsoft lists (issuer, audience, lifetime). Every
 * failure is a `JwtError` whose message says which check failed; the webhook turns it into 403.
 */
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import type { Jwk } from './config.js';

export class JwtError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JwtError';
  }
}

export interface JwtHeader {
  alg?: string;
  kid?: string;
  typ?: string;
  [key: string]: unknown;
}

export interface JwtClaims {
  iss?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  serviceUrl?: string;
  [key: string]: unknown;
}

export interface DecodedJwt {
  header: JwtHeader;
  claims: JwtClaims;
  signingInput: string;
  signature: Buffer;
}

/** RSA algorithms only: `none` and HMAC (`HS256` with the public key as secret) are the classic attacks. */
const RSA_ALGORITHMS: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };

function decodePart(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  throw new JwtError(`token ${what} is not a JSON object`);
}

/** Splits and decodes without trusting anything. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) {
    throw new JwtError('token is not a compact JWS (three base64url parts)');
  }
  const [header, payload, signature] = parts;
  return {
    header: decodePart(header, 'header') as JwtHeader,
    claims: decodePart(payload, 'payload') as JwtClaims,
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}

/** Throws unless `jwt` is signed by `key` with one of `algorithms`. */
export function verifyJwtSignature(jwt: DecodedJwt, key: Jwk, algorithms: readonly string[]): void {
  const alg = jwt.header.alg ?? '';
  const hash = RSA_ALGORITHMS[alg];
  if (!hash || !algorithms.includes(alg)) throw new JwtError(`algorithm ${alg || '(none)'} is not accepted`);
  if (key.kty !== 'RSA') throw new JwtError(`signing key ${key.kid ?? ''} is not an RSA key`);
  let publicKey;
  try {
    publicKey = createPublicKey({ key: { kty: key.kty, n: key.n, e: key.e }, format: 'jwk' });
  } catch {
    throw new JwtError(`signing key ${key.kid ?? ''} is not a usable RSA JWK`);
  }
  if (!verifySignature(hash, Buffer.from(jwt.signingInput), publicKey, jwt.signature)) {
    throw new JwtError('signature does not verify');
  }
}

export interface ClaimChecks {
  issuer: string;
  audience: string;
  /** Seconds since the epoch. */
  nowSeconds: number;
  clockToleranceSeconds: number;
}

/** Issuer, audience and lifetime, as Microsoft's connector-to-bot requirements 3–5 list them. */
export function checkClaims(claims: JwtClaims, checks: ClaimChecks): void {
  if (claims.iss !== checks.issuer) throw new JwtError(`issuer ${String(claims.iss)} is not ${checks.issuer}`);
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(checks.audience)) throw new JwtError('audience is not this bot\'s app id');
  if (typeof claims.exp !== 'number') throw new JwtError('token has no exp claim');
  if (checks.nowSeconds > claims.exp + checks.clockToleranceSeconds) throw new JwtError('token has expired');
  if (typeof claims.nbf === 'number' && checks.nowSeconds < claims.nbf - checks.clockToleranceSeconds) {
    throw new JwtError('token is not valid yet (nbf)');
  }
}
