/**
 * The load generator of the API load bench, in a process of its own: reads a
 * LoadSpec as JSON on stdin, drives `url` with autocannon (warm-up, then the
 * measured run) and prints a LoadResult as JSON on stdout: the latency of
 * every response of the measured run (autocannon's own histogram has no
 * p95) and the responses of each second, so that the bench can pool rounds.
 */
import autocannon, { type Request, type Result } from 'autocannon';
import { randomUUID } from 'node:crypto';

export type Profile = 'list' | 'get' | 'create' | 'update' | 'mixed';

export interface LoadSpec {
  readonly url: string;
  readonly profile: Profile;
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** One bearer token per organization… */
  readonly tokens: readonly string[];
  /** …and the ids of that organization's workflows. */
  readonly ids: readonly (readonly string[])[];
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

function request(spec: LoadSpec): Request {
  const one = (kind: Exclude<Profile, 'mixed'>): Request => {
    const org = Math.floor(Math.random() * spec.tokens.length);
    const headers: Record<string, string> = { authorization: `Bearer ${spec.tokens[org]}` };
    switch (kind) {
      case 'list':
        return { method: 'GET', path: '/v1/workflows?sort=-created_at', headers };
      case 'get':
        return { method: 'GET', path: `/v1/workflows/${pick(spec.ids[org]!)}`, headers };
      case 'create':
        return { method: 'POST', path: '/v1/workflows', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ name: `Load ${randomUUID()}` }) };
      case 'update':
        return {
          method: 'PATCH',
          path: `/v1/workflows/${pick(spec.ids[org]!)}`,
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ description: `Touched ${randomUUID()}` }),
        };
    }
  };
  // mixed: 40 % list, 40 % get, 10 % create, 10 % update
  const mixed = () => {
    const x = Math.random();
    return one(x < 0.4 ? 'list' : x < 0.8 ? 'get' : x < 0.9 ? 'create' : 'update');
  };
  return { setupRequest: () => (spec.profile === 'mixed' ? mixed() : one(spec.profile)) };
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
