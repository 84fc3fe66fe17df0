import { createHmac, createPrivateKey, sign, type KeyObject } from 'node:crypto';

/**
 * Minimal JWS signing for development tokens (`gen token`, `gen serve`) and
 * tests: HS256 with a secret, RS256/ES256 with a private key, and `none`
 * (only to prove the API refuses it).
 */
export type SigningKey =
  | { readonly alg: 'HS256'; readonly secret: string }
  | { readonly alg: 'RS256' | 'ES256'; readonly privateKey: KeyObject | string; readonly kid?: string }
  | { readonly alg: 'none' };

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64url');

export function signJwt(claims: Record<string, unknown>, key: SigningKey): string {
  const kid = 'kid' in key && key.kid !== undefined ? { kid: key.kid } : {};
  const head = `${b64(JSON.stringify({ alg: key.alg, typ: 'JWT', ...kid }))}.${b64(JSON.stringify(claims))}`;
  switch (key.alg) {
    case 'none':
      return `${head}.`;
    case 'HS256':
      return `${head}.${createHmac('sha256', key.secret).update(head).digest('base64url')}`;
    case 'RS256':
      return `${head}.${b64(sign('sha256', Buffer.from(head), key.privateKey))}`;
    case 'ES256':
      // JWS wants the raw r||s signature, not DER
      return `${head}.${b64(sign('sha256', Buffer.from(head), { key: typeof key.privateKey === 'string' ? createPrivateKey(key.privateKey) : key.privateKey, dsaEncoding: 'ieee-p1363' }))}`;
  }
}

export interface DevTokenClaims {
  readonly userId: string;
  readonly orgId: string;
  /** Lifetime in seconds (default 12 hours). */
  readonly ttlSeconds?: number;
  /** The tenancy claim's name (the generated API's `org`). */
  readonly claim?: string;
}

/** A development token in the shape the generated API expects: `sub`, the tenancy claim, `iat`, `exp`. */
export function devToken(secret: string, c: DevTokenClaims, now = Math.floor(Date.now() / 1000)): string {
  return signJwt({ sub: c.userId, [c.claim ?? 'org']: c.orgId, iat: now, exp: now + (c.ttlSeconds ?? 12 * 3600) }, { alg: 'HS256', secret });
}
