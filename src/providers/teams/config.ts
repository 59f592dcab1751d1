/**
 * Microsoft Teams (Bot Framework REST) configuration, parsed once where the provider is built. Every
 * Microsoft endpoint is a field so tests can serve it on loopback; defaults are Microsoft's own
 * (learn.microsoft.com, "Authentication with the Bot Connector API").
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';

/** Bot Framework's OpenID metadata; its `jwks_uri` lists the keys that sign inbound JWTs. */
export const BOT_FRAMEWORK_OPENID_METADATA_URL = 'https://login.botframework.com/v1/.well-known/openidconfiguration';
/** Client-credentials token endpoint for multi-tenant bots (tenant `botframework.com`). */
export const BOT_FRAMEWORK_TOKEN_URL = 'https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token';
export const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com/.default';
/** The only issuer of tokens the Bot Connector sends to a bot. */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

/** An RSA public key as published in a JWKS; Microsoft adds `endorsements` (channel ids). */
export const Jwk = z
  .object({
    kty: z.string(),
    kid: z.string().optional(),
    n: z.string().optional(),
    e: z.string().optional(),
    endorsements: z.array(z.string()).optional(),
  })
  .loose();
export type Jwk = z.infer<typeof Jwk>;

export const TeamsConfigSchema = z.object({
  /** The bot's Microsoft App ID: the `aud` of inbound tokens and the `client_id` of outbound ones. */
  appId: z.string().min(1),
  /** The app's client secret (the Bot Framework "password"). */
  appPassword: z.string().min(1),
  /** Token endpoint; single-tenant bots use `https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`. */
  tokenUrl: z.url().default(BOT_FRAMEWORK_TOKEN_URL),
  scope: z.string().min(1).default(BOT_FRAMEWORK_SCOPE),
  openIdMetadataUrl: z.url().default(BOT_FRAMEWORK_OPENID_METADATA_URL),
  /** Fixed signing keys instead of fetching them (air-gapped setups, tests). */
  jwks: z.array(Jwk).min(1).optional(),
  /** How long fetched signing keys are trusted before a refetch (Microsoft: "relatively stable"). */
  jwksTtlMs: z.number().int().positive().default(24 * 60 * 60 * 1000),
  issuer: z.string().min(1).default(BOT_FRAMEWORK_ISSUER),
  /** Accepted clock difference on `exp`/`nbf`; Microsoft documents 5 minutes as industry standard. */
  clockToleranceSeconds: z.number().int().min(0).max(600).default(300),
  /**
   * Where proactive sends go when no conversation reference is known (Microsoft suggests
   * `https://smba.trafficmanager.net/teams/`). A binding's `serviceUrl` metadata wins over both.
   */
  defaultServiceUrl: z.url().optional(),
  /** Per-request timeout; keep it below the delivery activity's start-to-close timeout. */
  timeoutMs: z.number().int().positive().default(10_000),
});

/** Parsed configuration: every default filled. */
export type TeamsConfig = z.output<typeof TeamsConfigSchema>;
/** What callers pass: `appId` and `appPassword` are required. */
export type TeamsConfigInput = z.input<typeof TeamsConfigSchema>;

/** Validates and fills defaults; the error names the field, never the secret's value. */
export function parseTeamsConfig(input: TeamsConfigInput): TeamsConfig {
  const parsed = TeamsConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('Teams provider config', parsed.error.issues);
  return parsed.data;
}
