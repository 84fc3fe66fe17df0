import { defineModel } from '../../../../generator/dsl/index.ts';
import * as schema from './schema.ts';
import { seeds } from './seed.ts';

export default defineModel({ schema, seeds, tenancy: { root: schema.shops, key: 'shop_id' } });
