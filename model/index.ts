import { defineModel } from '../generator/dsl/index.ts';
import * as schema from './schema.ts';
import { seeds } from './seed.ts';

export default defineModel({
  schema,
  tenancy: { root: schema.organizations, key: 'organization_id' },
  audit: { table: schema.audit_logs },
  seeds,
});
