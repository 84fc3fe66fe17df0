import { defineSeeds, ref, row } from '../../../../generator/dsl/index.ts';
import { products, shops } from './schema.ts';

export const seeds = defineSeeds({
  default: [
    row(shops, 'demo', { name: 'Demo shop' }),
    row(products, 'widget', {
      shop_id: ref('demo'),
      sku: 'WID-0001',
      contact: 'Sales@Example.com',
      quantity: 12,
      weight: 0.5,
      price: 19.99,
      opens_at: '09:30:00',
      lead_time: 'P1DT2H30M',
      thumbnail: '3q2+7w==',
      aliases: ['Widget', 'gadget'],
      sizes: [1, 2, 3],
      ratios: [0.25, 1.5],
      slots: ['08:00:00', '12:30:00.5'],
    }),
  ],
});
