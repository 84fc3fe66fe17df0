import { defineSeeds, ref, row, type SeedRowSpec } from '../generator/dsl/index.ts';
import { loadProfile } from './seed-load.ts';
import { buckets, criteria, organizations, users, workflows } from './schema.ts';

/**
 * Seed data. `default` is what EPIC-01 asks for (STORY-003): one organization
 * "TÜV SÜD Demo", two users and two sample workflows with their buckets and
 * criteria; `gen seed` loads it and `generated/seed.sql` holds it. `load`
 * generates N organizations × M workflows for benchmarks and isolation tests.
 * Ids are derived from entity and key, so they are the same on every machine.
 */

const demo = ref(organizations, 'tuv-sud-demo');

interface CriterionSpec {
  readonly key: string;
  readonly title: string;
  readonly description: string;
  readonly guidance: string;
  readonly weight?: number;
  readonly mandatory?: boolean;
}

interface BucketSpec {
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly criteria: readonly CriterionSpec[];
}

/** A workflow's buckets and criteria, positions in the order written. */
function checklist(workflow: string, list: readonly BucketSpec[]): SeedRowSpec[] {
  return list.flatMap((b, position) => {
    const bucket = row(buckets, `${workflow}/${b.key}`, {
      organization_id: demo,
      workflow_id: ref(workflows, workflow),
      name: b.name,
      description: b.description,
      position,
    });
    return [
      bucket,
      ...b.criteria.map((c, i) =>
        row(criteria, `${workflow}/${b.key}/${c.key}`, {
          organization_id: demo,
          bucket_id: bucket.ref,
          title: c.title,
          description: c.description,
          guidance: c.guidance,
          position: i,
          is_mandatory: c.mandatory ?? true,
          weight: c.weight ?? 1,
        }),
      ),
    ];
  });
}

const iso9001 = checklist('iso-9001', [
  {
    key: 'context-leadership',
    name: 'Context and leadership (clauses 4–5)',
    description: 'Scope of the quality management system, quality policy and responsibilities.',
    criteria: [
      {
        key: 'qms-scope',
        title: 'The scope of the QMS is documented (4.3)',
        description: 'The documented scope names the products and services covered and justifies every requirement of ISO 9001 determined as not applicable.',
        guidance: 'Look for a scope statement in the quality manual or a standalone document. It must name products/services and sites; each exclusion needs a reason showing it does not affect conformity of products and services.',
        weight: 1.5,
      },
      {
        key: 'quality-policy',
        title: 'A quality policy is established and communicated (5.2)',
        description: 'Top management has set a quality policy appropriate to the organization that includes commitments to satisfy requirements and to continual improvement.',
        guidance: 'Quote the policy. Check it contains both commitments (meeting requirements, continual improvement), provides a framework for quality objectives, is approved by top management and states how it is communicated.',
        weight: 2,
      },
      {
        key: 'roles-responsibilities',
        title: 'Roles, responsibilities and authorities are assigned (5.3)',
        description: 'Responsibilities for the QMS, for reporting on its performance and for customer focus are assigned and understood.',
        guidance: 'Accept an organization chart with role descriptions or a responsibility matrix. Someone must be responsible for reporting QMS performance to top management.',
      },
    ],
  },
  {
    key: 'planning-support',
    name: 'Planning and support (clauses 6–7)',
    description: 'Risks and opportunities, quality objectives, competence and control of documented information.',
    criteria: [
      {
        key: 'quality-objectives',
        title: 'Quality objectives are measurable and planned (6.2)',
        description: 'Objectives exist for relevant functions and levels, are measurable, monitored, and the plan says what will be done, by whom, by when and how results are evaluated.',
        guidance: 'List each objective with its target and owner. An objective without a measurable target or a due date is a finding.',
        weight: 1.5,
      },
      {
        key: 'competence',
        title: 'Competence is determined and evidenced (7.2)',
        description: 'Required competence for roles affecting quality is defined, and records show people meet it (education, training, experience).',
        guidance: 'Check for a competence matrix or job profiles, and sample training records. Records must be retained as documented information.',
      },
      {
        key: 'document-control',
        title: 'Documented information is controlled (7.5)',
        description: 'Documents carry identification, version and approval; distribution, access, retention and disposition are controlled, including documents of external origin.',
        guidance: 'Look for a document-control procedure and check that the reviewed documents themselves show a version, date and approver.',
        weight: 2,
      },
    ],
  },
  {
    key: 'operation',
    name: 'Operation (clause 8)',
    description: 'Customer requirements, externally provided processes and control of nonconforming outputs.',
    criteria: [
      {
        key: 'requirements-review',
        title: 'Requirements are reviewed before committing to supply (8.2.3)',
        description: 'The organization reviews customer, statutory and regulatory requirements before accepting orders or changes to them, and retains records of the review.',
        guidance: 'Accept contract-review records, order checklists or CRM approval steps. There must be evidence of the review, not only of the order.',
      },
      {
        key: 'supplier-control',
        title: 'External providers are evaluated and monitored (8.4)',
        description: 'Criteria for evaluating, selecting, monitoring and re-evaluating external providers are defined, and records of these activities are kept.',
        guidance: 'Look for an approved supplier list with evaluation criteria and dated evaluations. Outsourced processes must be named and controlled.',
        weight: 1.5,
      },
      {
        key: 'nonconforming-outputs',
        title: 'Nonconforming outputs are identified and controlled (8.7)',
        description: 'Outputs that do not conform are identified and controlled to prevent unintended use, and the action taken and its authority are recorded.',
        guidance: 'Check the procedure and a sample of nonconformity records: each needs a description, the action taken (correction, segregation, concession) and who decided.',
      },
    ],
  },
  {
    key: 'performance-improvement',
    name: 'Performance evaluation and improvement (clauses 9–10)',
    description: 'Internal audits, management review and corrective action.',
    criteria: [
      {
        key: 'internal-audit',
        title: 'An internal audit programme is planned and carried out (9.2)',
        description: 'Audits cover the whole QMS at planned intervals, auditors are objective, and results are reported to relevant management.',
        guidance: 'Check the audit programme covers all clauses and processes within the cycle, and that auditors do not audit their own work.',
        weight: 2,
      },
      {
        key: 'management-review',
        title: 'Management reviews cover the required inputs and outputs (9.3)',
        description: 'Top management reviews the QMS at planned intervals; minutes cover the inputs of 9.3.2 and record decisions on improvement, changes and resources.',
        guidance: 'Compare the latest minutes with the input list of 9.3.2 (audit results, customer feedback, objectives, supplier performance, risks). Missing inputs are findings.',
      },
      {
        key: 'corrective-action',
        title: 'Corrective actions address root causes (10.2)',
        description: 'Nonconformities are reacted to, causes are determined, actions are taken and their effectiveness is reviewed.',
        guidance: 'Sample corrective-action records: each needs a root-cause analysis and an effectiveness check, not only a correction.',
        mandatory: false,
      },
    ],
  },
]);

const technicalFile = checklist('product-safety-tf', [
  {
    key: 'identification',
    name: 'Product identification and declarations',
    description: 'What the product is, how it is marked and what the manufacturer declares.',
    criteria: [
      {
        key: 'product-description',
        title: 'General description and intended use are given',
        description: 'The file describes the product, its variants and its intended use, including foreseeable misuse.',
        guidance: 'Check model numbers and variants match those on the labels and in the test reports. Intended use must be explicit.',
      },
      {
        key: 'declaration-of-conformity',
        title: 'The EU declaration of conformity is complete',
        description: 'The declaration names the manufacturer and address, identifies the product, lists the applicable directives and the harmonised standards applied, and is signed and dated.',
        guidance: 'Compare against Annex IV of Directive 2014/35/EU (LVD). Each listed standard must appear with its edition; a missing signature or date fails the criterion.',
        weight: 2,
      },
      {
        key: 'marking-labelling',
        title: 'Marking and labelling meet the directive',
        description: 'The product bears the CE marking, a type, batch or serial number, and the manufacturer\'s name and postal address.',
        guidance: 'Look for label drawings or photos. An address given only as a website is not sufficient.',
      },
    ],
  },
  {
    key: 'risk-assessment',
    name: 'Risk assessment',
    description: 'Hazards identified, risks reduced, residual risks communicated.',
    criteria: [
      {
        key: 'hazard-identification',
        title: 'All relevant hazards are identified',
        description: 'The risk assessment covers electrical, mechanical, thermal, fire, radiation and chemical hazards for every life-cycle phase.',
        guidance: 'Check the method (e.g. EN ISO 12100) and that each hazard group is either assessed or explicitly ruled out with a reason.',
        weight: 2,
      },
      {
        key: 'risk-reduction',
        title: 'Risk-reduction measures are documented per hazard',
        description: 'For every significant risk the file shows the measure chosen (inherently safe design, safeguarding, information) and the resulting risk estimate.',
        guidance: 'A hazard with a high initial risk and no documented measure or residual estimate is a finding.',
        weight: 2,
      },
      {
        key: 'residual-risks',
        title: 'Residual risks are carried into the instructions',
        description: 'Risks that remain after design and safeguarding are communicated to users as warnings in the instructions and on the product.',
        guidance: 'Trace each residual risk from the risk assessment to a warning in the instructions.',
      },
    ],
  },
  {
    key: 'standards-testing',
    name: 'Standards and test evidence',
    description: 'Harmonised standards applied and the test reports that prove conformity.',
    criteria: [
      {
        key: 'standards-list',
        title: 'Applied standards are listed with editions',
        description: 'The file lists the harmonised standards applied in full or in part (e.g. EN IEC 62368-1, EN 60335-1), with their editions, and which requirements are met otherwise.',
        guidance: 'Check editions against the current list in the Official Journal; a withdrawn edition past its date of cessation is a finding.',
        weight: 1.5,
      },
      {
        key: 'test-reports',
        title: 'Test reports cover the product and the standards',
        description: 'Reports from a competent laboratory cover the applied standards for the models in scope, with results and verdicts.',
        guidance: 'Match model numbers in the reports with the product description; check the laboratory\'s accreditation scope if one is claimed.',
        weight: 2,
      },
      {
        key: 'critical-components',
        title: 'Safety-critical components are listed with certificates',
        description: 'Components relevant to safety (power supply, fuses, insulation, wiring) are listed with manufacturer, rating and certification.',
        guidance: 'Spot-check that the certificates are valid and their ratings match the application.',
        mandatory: false,
      },
    ],
  },
  {
    key: 'user-information',
    name: 'Instructions and safety information',
    description: 'What the user receives with the product.',
    criteria: [
      {
        key: 'instructions-language',
        title: 'Instructions are provided in the languages of the target markets',
        description: 'Instructions and safety information are in a language easily understood by end users in each Member State where the product is sold.',
        guidance: 'Compare the languages supplied with the list of target markets in the file.',
      },
      {
        key: 'safety-warnings',
        title: 'Safety warnings are clear and complete',
        description: 'Warnings cover installation, use and maintenance, are placed where the user needs them, and follow the signal-word conventions used by the manufacturer.',
        guidance: 'Warnings hidden at the end of the manual, or without the action the user must take, are findings.',
        weight: 1.5,
      },
    ],
  },
]);

export const seeds = defineSeeds({
  default: [
    row(organizations, 'tuv-sud-demo', {
      name: 'TÜV SÜD Demo',
      slug: 'tuv-sud-demo',
      settings: { locale: 'de-DE', timezone: 'Europe/Berlin', ai: { model: 'claude-sonnet-4', passThreshold: 0.8 } },
    }),
    row(users, 'anna.schneider', {
      organization_id: demo,
      email: 'anna.schneider@tuv-sud-demo.example',
      full_name: 'Dr. Anna Schneider',
      role: 'admin',
    }),
    row(users, 'markus.weber', {
      organization_id: demo,
      email: 'markus.weber@tuv-sud-demo.example',
      full_name: 'Markus Weber',
      role: 'assessor',
    }),
    row(workflows, 'iso-9001', {
      organization_id: demo,
      name: 'ISO 9001:2015 document review',
      description: 'Checks a client\'s quality management documentation (quality manual, procedures, records) against the requirements of ISO 9001:2015 before the stage 1 audit.',
      status: 'active',
      created_by: ref(users, 'anna.schneider'),
      settings: { acceptedDocumentTypes: ['application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'], passThreshold: 0.8, standard: 'ISO 9001:2015' },
    }),
    row(workflows, 'product-safety-tf', {
      organization_id: demo,
      name: 'Product safety technical file review',
      description: 'Reviews the technical documentation of electrical equipment for CE conformity under the Low Voltage Directive 2014/35/EU: declarations, risk assessment, test evidence and user information.',
      status: 'active',
      created_by: ref(users, 'markus.weber'),
      settings: { acceptedDocumentTypes: ['application/pdf'], passThreshold: 0.9, directive: '2014/35/EU' },
    }),
    ...iso9001,
    ...technicalFile,
  ],
  load: loadProfile,
});
