import { defineSeeds, ref, row } from '../../../../generator/dsl/index.ts';
import { members, teams } from './schema.ts';

export const seeds = defineSeeds({
  default: [
    row(teams, 'core', { name: 'Core' }),
    row(teams, 'core', { name: 'Core again' }),
    row(teams, 'long', { name: 'A name far too long for twenty characters' }),
    row(members, 'ada', { team_id: ref('cor'), email: 'ada@example.org' }),
    row(members, 'bob', { team_id: ref('core') }),
    row(members, 'cy', { team_id: ref('core'), email: 'cy@example.org', joined_at: '2026-01-15 09:30' }),
    row(members, 'dee', { team_id: ref('core'), email: 'dee@example.org', nickname: 'D' } as never),
  ],
});
