import { defineModel } from '../generator/dsl/index.ts';
import * as schema from './schema.ts';
import { seeds } from './seed.ts';

export default defineModel({
  schema,
  tenancy: { root: schema.organizations, key: 'organization_id' },
  users: { entity: schema.users, role: 'role', active: 'is_active', keepOne: 'admin' },
  audit: { table: schema.audit_logs, chain: true },
  seeds,
});
