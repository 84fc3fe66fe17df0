import { join } from 'node:path';
import { loadModel } from '../model/load.ts';
import { devToken } from '../runtime/dev-token.ts';
import { devSecret, findUser, refuseInProduction } from './dev-identity.ts';
import { UserError } from './errors.ts';

export interface TokenOptions {
  readonly root: string;
  readonly user?: string;
  readonly userId?: string;
  readonly orgId?: string;
  readonly hours: number;
  readonly dataDir?: string;
  readonly out: (line: string) => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `gen token --user <email>`: prints a development JWT for a seeded user (or for --user-id/--org-id). */
export async function runToken(o: TokenOptions): Promise<number> {
  refuseInProduction('token');
  if (!(o.hours > 0 && o.hours <= 24 * 30)) throw new UserError(`--hours: expected a number of hours from 0 to 720, got ${o.hours}`);
  let userId = o.userId;
  let orgId = o.orgId;
  if (o.user) {
    if (userId || orgId) throw new UserError('pass either --user <email> or --user-id and --org-id, not both');
    const user = findUser((await loadModel(o.root)).ir, o.user);
    userId = user.userId;
    orgId = user.orgId;
  }
  if (!userId || !orgId) throw new UserError('pass --user <email> of a seeded user, or --user-id and --org-id');
  if (!UUID.test(userId)) throw new UserError(`--user-id: expected a uuid, got ${JSON.stringify(userId)}`);
  if (!UUID.test(orgId)) throw new UserError(`--org-id: expected a uuid, got ${JSON.stringify(orgId)}`);
  const secret = devSecret(o.dataDir ?? join(o.root, '.data'));
  o.out(devToken(secret, { userId, orgId, ttlSeconds: Math.round(o.hours * 3600) }));
  return 0;
}
