import { pgEnum } from '../generator/dsl/index.ts';

/** Lifecycle of a workflow: drafts are edited, active ones are used for assessments, archived ones are kept for history. */
export const workflowStatus = pgEnum('workflow_status', ['draft', 'active', 'archived']);

/** Lifecycle of an assessment run. */
export const assessmentStatus = pgEnum('assessment_status', ['draft', 'processing', 'completed', 'failed', 'cancelled']);

/** The AI's (or a reviewer's) verdict on one criterion. */
export const resultOutcome = pgEnum('result_outcome', ['pass', 'fail', 'partial', 'not_applicable', 'inconclusive']);

/** What an audit log row records. */
export const auditAction = pgEnum('audit_action', ['insert', 'update', 'delete']);
