import { join } from 'node:path';
import type { Queryable } from '../../generator/runtime/db.ts';
import { devToken } from '../../generator/runtime/dev-token.ts';
import { ROOT } from '../support/db-helpers.ts';
import { insertRows, type Rows } from '../support/tenant-data.ts';
import type { Api } from './harness.ts';
import { SECRET } from './harness.ts';

/** test/golden/composite-keys: tables keyed by several columns (see its model). */
export const COMPOSITE_MODEL = join(ROOT, 'test/golden/composite-keys');
export const COMPOSITE_TABLES = ['organizations', 'users', 'projects', 'memberships', 'milestones', 'tasks', 'labels'];
export const ROLES = ['admin', 'member', 'viewer'] as const;

/** A deterministic uuid for row `n` of table number `t` in organization `o`. */
export const uid = (o: number, t: number, n: number) => `${o.toString(16).padStart(8, '0')}-${t.toString(16).padStart(4, '0')}-4000-8000-${n.toString(16).padStart(12, '0')}`;

export interface CompositeTenant {
  readonly org: string;
  /** Users by role (admin, member, viewer), then more members: `users[3..]`. */
  readonly users: readonly string[];
  readonly projects: readonly string[];
  readonly rows: Rows;
  /** A token of the user with `role`. */
  token(role: (typeof ROLES)[number]): string;
}

/** Planned hours of the memberships of project p, user u: NULLs and ties on purpose. */
const HOURS = [null, 10, 10, 20, null, 40];
const DUE = [null, '2026-03-01', '2026-03-01', null, '2026-01-15', '2026-02-01'];

/**
 * Organization A (`o = 0`): 6 users (admin, member, viewer, 3 members), projects P1–P3, every user a member of
 * P1 and P2 (12 memberships, hours with NULLs and ties, one created_at for all), milestones 1–5 and 10 of P1
 * (so a text comparison would order them wrongly) and 1–3 of P2, two tasks under P1's milestone 1, labels of
 * P1 keyed by awkward text. Organization B: 2 users, one project with one of each.
 */
export function compositeRows(o: number): Rows {
  const big = o === 0;
  const org = uid(o, 0, 0);
  const roles = big ? ['admin', 'member', 'viewer', 'member', 'member', 'member'] : ['admin', 'member'];
  const users = roles.map((role, i) => ({ id: uid(o, 1, i + 1), organization_id: org, email: `u${i}@org${o}.example`, role }));
  const projects = (big ? ['P1', 'P2', 'P3'] : ['Q1']).map((name, i) => ({ id: uid(o, 2, i + 1), organization_id: org, name }));
  const memberships = projects.slice(0, big ? 2 : 1).flatMap((p) =>
    users.map((u, i) => ({ organization_id: org, project_id: p.id, user_id: u.id, role: i % 3 === 0 ? 'lead' : 'contributor', hours_per_week: HOURS[i % HOURS.length], note: null })),
  );
  const numbers = big ? [[1, 2, 3, 4, 5, 10], [1, 2, 3]] : [[1, 2]];
  const milestones = numbers.flatMap((ns, p) =>
    ns.map((number, i) => ({ organization_id: org, project_id: projects[p]!.id, number, title: `M${number}${i % 2 ? ' late' : ''}`, due_on: DUE[i % DUE.length] })),
  );
  const tasks = [1, 2].map((n) => ({ id: uid(o, 5, n), organization_id: org, project_id: projects[0]!.id, milestone_number: 1, title: `task ${n}` }));
  const labels = (big ? ['bug', 'a/b c', 'Grüße 😀', '100%', ' lead'] : ['bug']).map((name) => ({ organization_id: org, project_id: projects[0]!.id, name }));
  return { organizations: [{ id: org, name: `Org ${o}` }], users, projects, memberships, milestones, tasks, labels };
}

/** Organizations A and B, inserted as the owner. */
export async function seedComposite(api: Api): Promise<[CompositeTenant, CompositeTenant]> {
  const data = [compositeRows(0), compositeRows(1)];
  await api.owner(async (q: Queryable) => {
    await q.query(`SET LOCAL schemagen.maintenance = 'on'`);
    for (const rows of data) await insertRows(q, rows);
  });
  const tenant = (rows: Rows): CompositeTenant => {
    const org = rows.organizations![0]!.id as string;
    const users = rows.users!.map((u) => u.id as string);
    return {
      org,
      users,
      projects: rows.projects!.map((p) => p.id as string),
      rows,
      token: (role: string) => devToken(SECRET, { userId: users[rows.users!.findIndex((u) => u.role === role)]!, orgId: org }),
    };
  };
  return [tenant(data[0]!), tenant(data[1]!)];
}

/** A digest of every row of every table, as the owner (composite keys have no `id`: rows are ordered by their text). */
export async function compositeFingerprint(api: Api): Promise<Record<string, string>> {
  return api.owner(async (q) => {
    const out: Record<string, string> = {};
    for (const t of COMPOSITE_TABLES) {
      const { rows } = await q.query<{ d: string }>(`SELECT count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS d FROM "${t}" x`);
      out[t] = rows[0]!.d;
    }
    return out;
  });
}
