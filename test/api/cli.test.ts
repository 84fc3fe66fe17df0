import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { main } from '../../generator/cli/main.ts';
import { runServe } from '../../generator/cli/serve-command.ts';
import { ROOT } from '../support/db-helpers.ts';

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

async function gen(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['--root', ROOT, ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('gen token and gen serve', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sg-serve-'));
  const env = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = env;
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('gen token --user <email> prints a 12-hour token for the seeded user; an unknown e-mail lists the seeded ones', async () => {
    const r = await gen(['token', '--user', 'Anna.Schneider@tuv-sud-demo.example', '--data-dir', dataDir]);
    expect(r.code, r.err.join('\n')).toBe(0);
    const claims = claimsOf(r.out[0]!);
    expect(claims.sub).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.org).toMatch(/^[0-9a-f-]{36}$/);
    expect((claims.exp as number) - (claims.iat as number)).toBe(12 * 3600);
    const unknown = await gen(['token', '--user', 'nobody@example.com', '--data-dir', dataDir]);
    expect(unknown.code).toBe(1);
    expect(unknown.err.join('\n')).toContain('anna.schneider@tuv-sud-demo.example');
  });

  it('both refuse with NODE_ENV=production', async () => {
    process.env.NODE_ENV = 'production';
    for (const args of [['token', '--user', 'anna.schneider@tuv-sud-demo.example'], ['serve', '--port', '0']]) {
      const r = await gen([...args, '--data-dir', dataDir]);
      expect(r.code).toBe(1);
      expect(r.err).toEqual([expect.stringMatching(/refuses to run with NODE_ENV=production/)]);
    }
  });

  it('gen serve migrates and seeds PGlite, prints URL, docs and a curl whose token works', async () => {
    const out: string[] = [];
    let stop!: () => void;
    const until = new Promise<void>((resolve) => (stop = resolve));
    const serving = runServe({ root: ROOT, port: 0, host: '127.0.0.1', dataDir, seed: true, logLevel: 'silent', out: (l) => out.push(l), err: (l) => out.push(l), until });
    for (let i = 0; i < 400 && !out.some((l) => l.startsWith('Ctrl+C')); i++) await new Promise((r) => setTimeout(r, 50));
    const text = out.join('\n');
    expect(text).toMatch(/seeded profile default: \d+ rows inserted/);
    const url = /API on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    expect(url, text).toBeDefined();
    expect(text).toContain(`docs:  ${url}/docs`);
    const curl = /curl -H "Authorization: Bearer ([^"]+)" (\S+)/.exec(text);
    expect(curl, text).not.toBeNull();
    const r = await fetch(curl![2]!, { headers: { authorization: `Bearer ${curl![1]}` } });
    expect(r.status).toBe(200);
    const page = (await r.json()) as { data: { name: string }[] };
    expect(page.data.length).toBeGreaterThan(0);
    expect((await fetch(`${url}/docs/json`)).status).toBe(200);
    // a token from `gen token` works against the running server (same development secret)
    const token = (await gen(['token', '--user', 'markus.weber@tuv-sud-demo.example', '--data-dir', dataDir])).out[0]!;
    expect((await fetch(`${url}/v1/users?limit=5`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    stop();
    expect(await serving).toBe(0);
  });
});
