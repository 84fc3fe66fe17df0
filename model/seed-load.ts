import { generated, row, seededRandom, type SeedRowSpec } from '../generator/dsl/index.ts';
import { assessment_results, assessments, buckets, criteria, organizations, users, workflows } from './schema.ts';

/** Fixed shape per workflow; only organizations, workflows per organization and the seed vary. */
const USERS_PER_ORG = 5;
const BUCKETS_PER_WORKFLOW = 2;
const CRITERIA_PER_BUCKET = 3;
const ASSESSMENTS_PER_WORKFLOW = 1;

const STANDARDS = ['ISO 9001', 'ISO 14001', 'ISO 45001', 'ISO 27001', 'IEC 62368-1', 'EN 60335-1', 'MDR Annex II', 'ISO 13485'];
const TOPICS = ['Document control', 'Risk assessment', 'Competence', 'Supplier control', 'Internal audit', 'Test evidence', 'Labelling', 'Corrective action'];
const OUTCOMES = ['pass', 'pass', 'pass', 'partial', 'fail', 'not_applicable', 'inconclusive'] as const;
const ROLES = ['admin', 'assessor', 'assessor', 'assessor', 'viewer'] as const;
const DAY = 86_400_000;
const EPOCH = Date.UTC(2026, 0, 5, 8, 0, 0);

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `gen seed --profile load --orgs N --workflows M --seed S`: N organizations,
 * each with 5 users and M workflows of 2 buckets × 3 criteria and one
 * completed assessment with a result per criterion (16 rows per workflow).
 * The same parameters give the same rows and ids; a different seed gives
 * different organizations, so two loads can share a database.
 */
export const loadProfile = generated({
  params: { orgs: 2, workflows: 5, seed: 1 },
  description: 'N organizations × M workflows with buckets, criteria, assessments and results',
  count: ({ orgs, workflows: m }) =>
    orgs * (1 + USERS_PER_ORG + m * (1 + BUCKETS_PER_WORKFLOW * (1 + CRITERIA_PER_BUCKET) + ASSESSMENTS_PER_WORKFLOW * (1 + BUCKETS_PER_WORKFLOW * CRITERIA_PER_BUCKET))),
  *rows({ orgs, workflows: m, seed }): Generator<SeedRowSpec> {
    const rnd = seededRandom(seed);
    for (let o = 1; o <= orgs; o++) {
      const orgKey = `load-s${seed}-o${pad(o, 4)}`;
      const org = row(organizations, orgKey, { name: `Load test organization ${o} (seed ${seed})`, slug: orgKey, settings: { locale: rnd.pick(['de-DE', 'en-GB', 'fr-FR']) } });
      yield org;
      const people: SeedRowSpec[] = [];
      for (let u = 1; u <= USERS_PER_ORG; u++) {
        const user = row(users, `${orgKey}/u${u}`, {
          organization_id: org.ref,
          email: `user${u}@o${pad(o, 4)}.s${seed}.load.example`,
          full_name: `Load User ${o}.${u}`,
          role: ROLES[(u - 1) % ROLES.length]!,
          is_active: rnd.next() > 0.05,
        });
        people.push(user);
        yield user;
      }
      for (let w = 1; w <= m; w++) {
        const wfKey = `${orgKey}/w${pad(w, 5)}`;
        const author = rnd.pick(people).ref;
        const standard = rnd.pick(STANDARDS);
        const wf = row(workflows, wfKey, {
          organization_id: org.ref,
          name: `${standard} review ${w}`,
          description: `Generated ${standard} checklist number ${w}.`,
          status: rnd.next() < 0.8 ? 'active' : rnd.pick(['draft', 'archived'] as const),
          created_by: author,
          settings: { passThreshold: rnd.int(60, 95) / 100 },
        });
        yield wf;
        const crit: { ref: SeedRowSpec['ref']; key: string; weight: number }[] = [];
        for (let b = 0; b < BUCKETS_PER_WORKFLOW; b++) {
          const bucket = row(buckets, `${wfKey}/b${b}`, {
            organization_id: org.ref,
            workflow_id: wf.ref,
            name: `${rnd.pick(TOPICS)} ${b + 1}`,
            position: b,
          });
          yield bucket;
          for (let c = 0; c < CRITERIA_PER_BUCKET; c++) {
            const weight = rnd.int(50, 300) / 100;
            const criterion = row(criteria, `${wfKey}/b${b}/c${c}`, {
              organization_id: org.ref,
              bucket_id: bucket.ref,
              title: `${standard}: requirement ${b + 1}.${c + 1}`,
              guidance: 'Quote the passage that meets the requirement, with document and page.',
              position: c,
              is_mandatory: rnd.next() < 0.8,
              weight,
            });
            crit.push({ ref: criterion.ref, key: `b${b}/c${c}`, weight });
            yield criterion;
          }
        }
        for (let a = 0; a < ASSESSMENTS_PER_WORKFLOW; a++) {
          const aKey = `${wfKey}/a${a}`;
          const started = EPOCH + rnd.int(0, 300) * DAY + rnd.int(0, 36_000) * 1000;
          const outcomes = crit.map(() => rnd.pick(OUTCOMES));
          const total = crit.reduce((s, c) => s + c.weight, 0);
          const passed = crit.reduce((s, c, i) => s + (outcomes[i] === 'pass' ? c.weight : 0), 0);
          const assessment = row(assessments, aKey, {
            organization_id: org.ref,
            workflow_id: wf.ref,
            title: `${standard} assessment ${w}.${a + 1}`,
            status: 'completed',
            created_by: author,
            started_at: iso(started),
            completed_at: iso(started + rnd.int(30, 900) * 1000),
            overall_score: (passed / total).toFixed(4),
            summary: { passed: outcomes.filter((x) => x === 'pass').length, criteria: crit.length },
          });
          yield assessment;
          for (const [i, c] of crit.entries())
            yield row(assessment_results, `${aKey}/${c.key}`, {
              organization_id: org.ref,
              assessment_id: assessment.ref,
              criterion_id: c.ref,
              outcome: outcomes[i]!,
              confidence: (rnd.int(500, 999) / 1000).toFixed(3),
              reasoning: `Generated reasoning for requirement ${c.key}.`,
              evidence: [{ page: rnd.int(1, 40), quote: 'Generated evidence.' }],
              ai_model: 'claude-sonnet-4',
            });
        }
      }
    }
  },
});
