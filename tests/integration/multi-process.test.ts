/**
 * The multi-process deployment end to end, without Docker: the run's Temporal server, a PostgreSQL
 * cluster of this test's own (it is stopped mid-run), two worker processes (`workers/worker.ts`) and
 * two HTTP processes (`workers/http.ts`), the demo kit's `sms` channel on Twilio (a loopback fake
 * of its API; inbound webhooks signed by the `twilio` SDK).
 *
 * 400 messages over 40 rooms, half through the REST API and half through signed webhooks, while one
 * worker is SIGKILLed, one HTTP process is restarted and PostgreSQL is down for 10 s. Senders retry
 * the way vendors and clients do (a 5xx or a refused connection is tried again, on either HTTP
 * process, with the same idempotency key / MessageSid). Then every message must be stored exactly
 * once with gap-free indexes, every worker hook must have run on every message (the demo's card
 * number redaction), every SMS must have reached Twilio under one idempotency token, and both HTTP
 * processes must serve the whole timeline.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startPostgresServer, type PostgresServer } from '../support/postgres-server.js';
import { VendorFake, type RecordedRequest } from '../support/vendor-fake.js';
import { eventually } from '../support/kit.js';
import { signalGroup, spawnTsx } from '../support/processes.js';

const ROOMS = 40;
const PER_ROOM = 10; // 5 through the REST API, 5 through Twilio webhooks
const CONCURRENCY = 8;
const OUTAGE_MS = 10_000;
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'multi-process-auth-token';
const FROM = '+14155550000';
const MESSAGES_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
const CARD = '4111 1111 1111 1111';
const REDACTED = '[card number removed]';

interface Proc {
  name: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

const procs: Proc[] = [];
let postgres: PostgresServer | undefined;
let twilioApi: VendorFake | undefined;

function launch(name: string, entry: string, env: NodeJS.ProcessEnv): Proc {
  // node itself (not npx), in a group of its own: a SIGKILL must reach the process that serves.
  const child = spawnTsx(entry, env);
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const proc = { name, child, output: () => out, exited };
  procs.push(proc);
  return proc;
}

async function httpServer(name: string, env: NodeJS.ProcessEnv): Promise<{ proc: Proc; base: string }> {
  const proc = launch(name, 'workers/http.ts', env);
  const base = await eventually(async () => proc.output().match(/HTTP server on (http:\/\/[\d.]+:\d+)/)?.[1], 90_000);
  return { proc, base };
}

async function worker(name: string, env: NodeJS.ProcessEnv): Promise<Proc> {
  const proc = launch(name, 'workers/worker.ts', env);
  await eventually(async () => proc.output().includes('worker serving task queue'), 90_000);
  return proc;
}

afterAll(async () => {
  for (const p of procs) signalGroup(p.child, 'SIGKILL');
  await twilioApi?.close();
  await postgres?.destroy();
});

const phoneOf = (room: number) => `+1415555${String(1000 + room).padStart(4, '0')}`;
const roomOf = (run: string, room: number) => `mp-${run}-${room}`;
const restBody = (room: number, k: number) => `rest ${room}.${k} card ${CARD}`;
const smsBody = (room: number, k: number) => `sms ${room}.${k} card ${CARD.replaceAll(' ', '-')}`;
const redacted = (body: string) => body.replace(/card .*$/, `card ${REDACTED}`);
const messageSid = (run: string, room: number, k: number) =>
  `SM${Buffer.from(`${run}:${room}:${k}`).toString('hex').padEnd(32, '0').slice(0, 32)}`;

describe('a multi-process deployment: 2 workers, 2 HTTP servers, one PostgreSQL store', () => {
  const run = randomUUID().slice(0, 8);
  const env: NodeJS.ProcessEnv = {};
  const bases: string[] = [];
  let sends: RecordedRequest[] = [];

  beforeAll(async () => {
    postgres = await startPostgresServer();
    let sid = 0;
    twilioApi = await VendorFake.start((req) => {
      if (req.method !== 'POST' || req.path !== MESSAGES_PATH) return { status: 404, body: { code: 20404, message: 'not found', status: 404 } };
      const id = `SM${(++sid).toString(16).padStart(32, '0')}`;
      return {
        status: 201,
        body: {
          account_sid: ACCOUNT_SID, api_version: '2010-04-01', sid: id, status: 'queued', direction: 'outbound-api',
          body: req.form?.get('Body') ?? '', to: req.form?.get('To'), from: req.form?.get('From'), num_segments: '1', num_media: '0',
          uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${id}.json`,
        },
      };
    });
    sends = twilioApi.requests;
    Object.assign(env, {
      TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: `multi-${run}`, PORT: '0',
      DEMO_ROOM_ID: `mp-demo-${run}`, ANTHROPIC_API_KEY: '',
      ROOMKIT_STORE: postgres.url, ROOMKIT_REDIS_URL: inject('redisUrl'), ROOMKIT_REDIS_PREFIX: `mp-${run}:`,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_FROM_NUMBER: FROM, TWILIO_API_URL: twilioApi.url,
    });
    // Workers first (the HTTP processes create the demo room at start), then the HTTP servers.
    await Promise.all([worker('worker-1', env), worker('worker-2', env)]);
    const [a, b] = await Promise.all([httpServer('http-1', env), httpServer('http-2', env)]);
    bases.push(a.base, b.base);
  }, 180_000);

  it('stores, hooks and delivers every message exactly once through a worker kill, an HTTP restart and a database outage', async () => {
    const started = Date.now();
    const figures = { retries: 0, status5xx: 0, refused: 0, outageMs: 0 };

    /** POST until the deployment accepts it, on whichever HTTP process is up: as a vendor or client would. */
    async function deliverRequest(path: string, init: (base: string) => RequestInit): Promise<Response> {
      for (let attempt = 0; ; attempt++) {
        const base = bases[attempt % bases.length];
        try {
          const res = await fetch(`${base}${path}`, { ...init(base), signal: AbortSignal.timeout(30_000) });
          if (res.status < 500) return res;
          figures.status5xx += 1;
        } catch {
          figures.refused += 1;
        }
        figures.retries += 1;
        if (attempt > 400) throw new Error(`${path}: still refused after ${attempt} attempts`);
        await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** Math.min(attempt, 4), 2_000)));
      }
    }

    const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const mustBe = async (res: Response, ...ok: number[]) => {
      if (!ok.includes(res.status)) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
    };

    // 40 rooms, each with the web user and the customer's SMS number (the router finds the room
    // of an inbound SMS by that participant's binding).
    for (let room = 0; room < ROOMS; room++) {
      const id = roomOf(run, room);
      await mustBe(await deliverRequest('/api/rooms', () => json({ roomId: id })), 201, 409);
      await mustBe(await deliverRequest(`/api/rooms/${id}/channels`, () => json({ channelId: 'ws-user' })), 201);
      await mustBe(await deliverRequest(`/api/rooms/${id}/channels`, () =>
        json({ channelId: 'sms', participantId: phoneOf(room), metadata: { phoneNumber: phoneOf(room) } })), 201);
    }

    const rest = (room: number, k: number) => async () =>
      mustBe(await deliverRequest(`/api/rooms/${roomOf(run, room)}/messages?wait=committed`, () => json({
        channelId: 'ws-user', senderId: `agent-${room}`, idempotencyKey: `rest-${room}-${k}`,
        content: { type: 'text', body: restBody(room, k) },
      })), 200);
    const webhook = (room: number, k: number) => async () => {
      const sidOf = messageSid(run, room, k);
      const params = {
        MessageSid: sidOf, SmsMessageSid: sidOf, SmsSid: sidOf, AccountSid: ACCOUNT_SID, From: phoneOf(room), To: FROM,
        Body: smsBody(room, k), NumMedia: '0', NumSegments: '1', SmsStatus: 'received', ApiVersion: '2010-04-01',
      };
      await mustBe(await deliverRequest('/webhooks/sms', (base) => ({
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${base}/webhooks/sms`, params),
        },
        body: new URLSearchParams(params).toString(),
      })), 200, 204);
    };
    // Interleaved: every room gets traffic from both sides all through the run.
    const jobs: (() => Promise<void>)[] = [];
    for (let k = 0; k < PER_ROOM / 2; k++) {
      for (let room = 0; room < ROOMS; room++) jobs.push(rest(room, k), webhook(room, k));
    }

    let done = 0;
    const faults: Promise<void>[] = [];
    const atProgress = (count: number, fault: () => Promise<void>) => ({ count, fault, fired: false });
    const schedule = [
      atProgress(130, async () => {
        // A worker dies without a goodbye, and an HTTP process is redeployed.
        const killed = procs.find((p) => p.name === 'worker-1');
        if (killed) signalGroup(killed.child, 'SIGKILL');
        const old = procs.find((p) => p.name === 'http-2');
        const index = bases.indexOf(bases[1]);
        bases.splice(index, 1);
        if (old) signalGroup(old.child, 'SIGTERM');
        await old?.exited;
        const restarted = await httpServer('http-2b', env);
        bases.push(restarted.base);
      }),
      atProgress(260, async () => {
        const down = Date.now();
        await postgres!.stop();
        await new Promise((r) => setTimeout(r, OUTAGE_MS));
        await postgres!.start();
        figures.outageMs = Date.now() - down;
      }),
    ];
    const next = async (): Promise<void> => {
      for (let job = jobs.shift(); job; job = jobs.shift()) {
        await job();
        done += 1;
        for (const s of schedule) {
          if (!s.fired && done >= s.count) {
            s.fired = true;
            faults.push(s.fault());
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, next));
    await Promise.all(faults);
    expect(schedule.every((s) => s.fired)).toBe(true);
    const sentAt = Date.now();

    // Every room's timeline, from each HTTP process, once the workers have caught up.
    const timeline = async (base: string, room: number) => {
      const res = await fetch(`${base}/api/rooms/${roomOf(run, room)}/events?limit=500`);
      if (res.status !== 200) throw new Error(`events of room ${room}: HTTP ${res.status}`);
      return ((await res.json()) as { events: { index: number; type: string; status: string; content: { body?: string } }[] }).events;
    };
    const messagesOf = (events: Awaited<ReturnType<typeof timeline>>) => events.filter((e) => e.type === 'message');
    await eventually(async () => {
      for (let room = 0; room < ROOMS; room++) if (messagesOf(await timeline(bases[0], room)).length < PER_ROOM) return false;
      return true;
    }, 180_000);
    const expectedSends = ROOMS * (PER_ROOM / 2);
    await eventually(async () => new Set(sends.filter((s) => s.path === MESSAGES_PATH).map((s) => s.form?.get('Body'))).size >= expectedSends, 120_000);

    let stored = 0;
    for (let room = 0; room < ROOMS; room++) {
      const [first, second] = await Promise.all(bases.map((b) => timeline(b, room)));
      // Both HTTP processes serve the same, whole timeline.
      expect(second).toEqual(first);
      // Gap-free indexes from 0.
      expect(first.map((e) => e.index)).toEqual(first.map((_, i) => i));
      const bodies = messagesOf(first).map((e) => e.content.body);
      const expected = Array.from({ length: PER_ROOM / 2 }, (_, k) => [restBody(room, k), smsBody(room, k)]).flat().map(redacted);
      // Exactly once each, and each one passed the workers' redaction hook.
      expect([...bodies].sort()).toEqual([...expected].sort());
      expect(bodies.every((b) => b?.includes(REDACTED) && !/\d{4}[ -]\d{4}/.test(b))).toBe(true);
      stored += bodies.length;
    }

    // Every REST message reached Twilio for its room's customer; a send repeated after the worker
    // died carries the same idempotency token, so Twilio keeps one.
    const posts = sends.filter((s) => s.path === MESSAGES_PATH);
    const byBody = new Map<string, Set<string>>();
    for (const s of posts) {
      const body = s.form?.get('Body') ?? '';
      const tokens = byBody.get(body) ?? new Set<string>();
      tokens.add(String(s.headers['i-twilio-idempotency-token'] ?? 'none'));
      byBody.set(body, tokens);
    }
    for (let room = 0; room < ROOMS; room++) {
      for (let k = 0; k < PER_ROOM / 2; k++) {
        const tokens = byBody.get(redacted(restBody(room, k)));
        expect(tokens?.size, `sends of ${restBody(room, k)}`).toBe(1);
        expect([...tokens!][0]).not.toBe('none');
      }
    }
    const toCustomers = posts.every((s) => s.form?.get('To')?.startsWith('+1415555') && s.form?.get('From') === FROM);
    expect(toCustomers).toBe(true);

    console.log([
      `multi-process: ${ROOMS * PER_ROOM} messages over ${ROOMS} rooms (2 workers, 2 HTTP processes, PostgreSQL store)`,
      `  sent in ${((sentAt - started) / 1000).toFixed(1)} s; all stored after ${((Date.now() - started) / 1000).toFixed(1)} s`,
      `  faults: worker-1 SIGKILLed, http-2 restarted, PostgreSQL down ${(figures.outageMs / 1000).toFixed(1)} s`,
      `  sender retries: ${figures.retries} (${figures.status5xx} answered 5xx, ${figures.refused} refused/timed out)`,
      `  stored: ${stored} messages, each exactly once, indexes gap-free in every room, redaction hook on every one`,
      `  Twilio: ${posts.length} POSTs for ${byBody.size} messages (${posts.length - byBody.size} repeats, all under their first idempotency token)`,
      `  timelines identical from both HTTP processes`,
    ].join('\n'));
  }, 600_000);
});
