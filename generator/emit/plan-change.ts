import type { Change, ChangeKind } from '../diff/changes.ts';
import { EVOLVE_PLANNERS } from './plan-evolve.ts';
import { alterRoleStep, commentStep, enumStep, extensionStep, foreignKeyStep, functionStep, grantStep, indexStep, type Planner, type PlannedStep, policyStep, rlsStep, roleStep, schemaUsageStep, tableStep, triggerStep } from './plan-steps.ts';

export { columnDefinition, type PlannedStep } from './plan-steps.ts';

/** The create side: what the initial migration is made of. The rest (drops, renames, alterations) is in `plan-evolve.ts`. */
const CREATE_PLANNERS = {
  createRole: ({ role }) => roleStep(role),
  alterRole: ({ from, to }) => alterRoleStep(from, to),
  grantSchemaUsage: ({ role }) => schemaUsageStep(role),
  createExtension: ({ name }) => extensionStep(name),
  createEnum: ({ enum: e }) => enumStep(e),
  createFunction: ({ fn, settings }) => functionStep(fn, settings),
  createTable: ({ table }) => tableStep(table),
  addForeignKey: ({ table, fk, notValid }) => foreignKeyStep(table, fk, notValid),
  createIndex: ({ table, index, concurrently }) => indexStep(table, index, concurrently),
  createTrigger: ({ table, trigger }) => triggerStep(table, trigger),
  enableRowLevelSecurity: ({ table }) => rlsStep(table),
  createPolicy: ({ table, policy }) => policyStep(table, policy),
  grant: ({ table, grant }) => grantStep(table, grant),
  commentOn: ({ target, comment, previous }) => commentStep(target, comment, previous),
} satisfies { [K in ChangeKind]?: Planner<K> };

/** One planner per change kind: a kind without one does not compile. */
const PLANNERS: { [K in ChangeKind]: Planner<K> } = { ...CREATE_PLANNERS, ...EVOLVE_PLANNERS };

export function planChange(change: Change): PlannedStep {
  return (PLANNERS[change.kind] as Planner<typeof change.kind>)(change as never);
}

/** Every change kind (the keys of the planner record). */
export const CHANGE_KINDS = Object.keys(PLANNERS) as ChangeKind[];
