import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Ir } from '../ir/types.ts';
import { UserError } from './errors.ts';

/** `gen serve` and `gen token` are development tools: they sign tokens with a local secret. */
export function refuseInProduction(command: string): void {
  if (process.env.NODE_ENV === 'production')
    throw new UserError(
      `\`gen ${command}\` is for development and refuses to run with NODE_ENV=production; deploy with \`npx tsx generated/api/server.ts\` and a real JWT_SECRET or JWT_PUBLIC_KEY (README, "The API")`,
    );
}

export const DEV_SECRET_FILE = 'dev-jwt-secret';
const MIN_SECRET = 32;

/** JWT_SECRET if set, else a random secret kept in `<dataDir>/dev-jwt-secret` (made on first use), shared by `gen serve` and `gen token`. */
export function devSecret(dataDir: string): string {
  const env = process.env.JWT_SECRET;
  if (env) {
    if (env.length < MIN_SECRET) throw new UserError(`JWT_SECRET: too short (${env.length} characters); use at least ${MIN_SECRET}, or unset it to use a generated development secret`);
    return env;
  }
  const file = join(dataDir, DEV_SECRET_FILE);
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length < MIN_SECRET) throw new UserError(`${file}: the development JWT secret is shorter than ${MIN_SECRET} characters; delete the file and a new one is made`);
    return secret;
  }
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export interface DevUser {
  readonly email: string;
  readonly userId: string;
  readonly orgId: string;
  readonly role: string | null;
}

/** Seeded rows of tenant-scoped tables with an `email` (of one profile, when given): the users a development token can be made for. */
export function seededUsers(ir: Ir, profile?: string): DevUser[] {
  const key = ir.tenancy?.key;
  if (!key) return [];
  const primaryKeys = new Map(
    ir.tables
      .filter((t) => t.tenancy === 'scoped' && t.columns.some((c) => c.name === 'email') && t.primaryKey?.columns.length === 1)
      .map((t) => [t.name, t.primaryKey!.columns[0]!]),
  );
  const seen = new Set<string>();
  const out: DevUser[] = [];
  for (const r of ir.seeds) {
    if (profile !== undefined && r.profile !== profile) continue;
    const { email, role } = r.values;
    const id = r.values[primaryKeys.get(r.table) ?? ''];
    const org = r.values[key];
    if (!primaryKeys.has(r.table) || typeof email !== 'string' || typeof id !== 'string' || typeof org !== 'string' || seen.has(email)) continue;
    seen.add(email);
    out.push({ email, userId: id, orgId: org, role: typeof role === 'string' ? role : null });
  }
  return out;
}

export function findUser(ir: Ir, email: string): DevUser {
  const users = seededUsers(ir);
  const found = users.find((u) => u.email.toLowerCase() === email.toLowerCase());
  if (found) return found;
  throw new UserError(
    users.length === 0
      ? `no seeded users in the model; pass --user-id and --org-id to mint a token for any user`
      : `no seeded user ${email}; seeded users: ${users.map((u) => u.email).join(', ')} (or pass --user-id and --org-id)`,
  );
}
