/**
 * The load generator of the API load bench, in a process of its own: reads a LoadSpec as JSON on stdin, drives
 * `url` with autocannon (warm-up, then the measured run) and prints a LoadResult as JSON on stdout: the latency
 * of every response of the measured run (autocannon's own histogram has no p95) and the responses of each
 * second, so that the bench can pool rounds.
 */
import autocannon, { type Request, type Result } from 'autocannon';
import { randomUUID } from 'node:crypto';

/** A kind of request: `{id}` in the path becomes one of `ids`; `body` names a body made fresh for each request. */
export interface RequestTemplate {
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly path: string;
  readonly body?: 'workflow' | 'nested' | 'patch';
  /** Share of the requests (a mixed profile); 1 by default. */
  readonly weight?: number;
}

export interface LoadSpec {
  readonly url: string;
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** The caller's bearer token. */
  readonly token: string;
  /** Ids of the caller's workflows, for `{id}`. */
  readonly ids: readonly string[];
  readonly requests: readonly RequestTemplate[];
}

export interface LoadResult {
  /** Milliseconds, one per response of the measured run, in arrival order. */
  readonly latencies: number[];
  /** Responses completed in each second of the measured run. */
  readonly perSecond: number[];
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodes: Record<string, number>;
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

const BODIES = {
  workflow: () => ({ name: `Load ${randomUUID()}` }),
  // one workflow with 2 buckets of 3 criteria: 9 rows in one transaction
  nested: () => ({
    name: `Load ${randomUUID()}`,
    buckets: [0, 1].map((b) => ({ name: `Section ${b}`, position: b, criteria: [0, 1, 2].map((c) => ({ title: `Requirement ${c}`, position: c })) })),
  }),
  patch: () => ({ description: `Touched ${randomUUID()}` }),
};

function request(spec: LoadSpec): Request {
  const total = spec.requests.reduce((n, r) => n + (r.weight ?? 1), 0);
  const headers = { authorization: `Bearer ${spec.token}`, 'content-type': 'application/json' };
  return {
    setupRequest: () => {
      let x = Math.random() * total;
      const t = spec.requests.find((r) => (x -= r.weight ?? 1) < 0) ?? spec.requests.at(-1)!;
      const path = t.path.replace('{id}', () => pick(spec.ids));
      return t.body ? { method: t.method, path, headers, body: JSON.stringify(BODIES[t.body]()) } : { method: t.method, path, headers: { authorization: headers.authorization } };
    },
  };
}

function run(spec: LoadSpec, seconds: number, latencies: number[] | null, perSecond: number[] | null): Promise<Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url: spec.url, connections: spec.connections, duration: seconds, timeout: 10, requests: [request(spec)] }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
    if (latencies) instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(Math.round(ms * 100) / 100));
    if (perSecond) instance.on('tick', (t: { counter: number }) => perSecond.push(t.counter));
  });
}

const chunks: Buffer[] = [];
for await (const c of process.stdin) chunks.push(c as Buffer);
const spec = JSON.parse(Buffer.concat(chunks).toString('utf8')) as LoadSpec;

if (spec.warmupSeconds > 0) await run(spec, spec.warmupSeconds, null, null);
const latencies: number[] = [];
const perSecond: number[] = [];
const r = await run(spec, spec.seconds, latencies, perSecond);
const out: LoadResult = {
  latencies,
  // autocannon ticks once more as it stops, for a part of a second
  perSecond: perSecond.slice(0, Math.floor(spec.seconds)),
  non2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
  statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats).map(([k, v]) => [k, Number(v.count)])),
};
process.stdout.write(`${JSON.stringify(out)}\n`);
