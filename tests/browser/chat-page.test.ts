/**
 * The chat page in a real browser (Debian's chromium, driven by playwright-core): a worker process
 * and two HTTP processes of the demo service (PostgreSQL store, Redis realtime), two browser
 * contexts (two people) on the same room through different HTTP processes. A message crosses, typing
 * shows and clears, a read tick appears, the AI's answer grows before it is final, and after one
 * HTTP process restarts its page reconnects with nothing missing. Screenshots are saved and the
 * elements they show are checked.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually } from '../support/kit.js';
import { signalGroup, spawnTsx } from '../support/processes.js';
import { freePort } from '../support/redis-server.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const ANSWER = 'Your order A1001 has shipped and should arrive on 2026-03-14.';
const SHOTS = path.join(os.tmpdir(), `roomkit-chat-screenshots-${randomUUID().slice(0, 8)}`);

interface Proc { child: ChildProcess; output: () => string }
const procs: Proc[] = [];

function launch(entry: string, env: NodeJS.ProcessEnv): Proc {
  const child = spawnTsx(entry, env);
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const proc = { child, output: () => out };
  procs.push(proc);
  return proc;
}

async function httpProcess(env: NodeJS.ProcessEnv, port: number): Promise<Proc> {
  const proc = launch('workers/http.ts', { ...env, PORT: String(port) });
  await eventually(async () => proc.output().includes('HTTP server on') || proc.child.exitCode !== null, 90_000);
  if (proc.child.exitCode !== null) throw new Error(`http process exited: ${proc.output()}`);
  return proc;
}

async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null) return;
  const exited = new Promise((r) => proc.child.once('exit', r));
  signalGroup(proc.child, 'SIGTERM');
  await exited;
}

const t0 = Date.now();
/** Progress on stderr: a failure says which step it reached. */
const step = (what: string) => process.stderr.write(`[chat-page +${((Date.now() - t0) / 1000).toFixed(1)}s] ${what}\n`);

const text = (page: Page, selector: string) => page.locator(selector).first().textContent({ timeout: 1000 }).catch(() => null);

describe('the chat page in Chromium, two people through two HTTP processes', () => {
  const run = randomUUID().slice(0, 8);
  const room = `chat-${run}`;
  const env: NodeJS.ProcessEnv = {
    TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: `chat-${run}`, DEMO_ROOM_ID: room, ANTHROPIC_API_KEY: '',
    ROOMKIT_STORE: inject('postgresUrl'), ROOMKIT_STORE_SCHEMA: `chat_${run}`,
    ROOMKIT_REDIS_URL: inject('redisUrl'), ROOMKIT_REDIS_PREFIX: `chat-${run}:`,
  };
  let browser: Browser;
  let ports: number[];
  let second: Proc;

  beforeAll(async () => {
    if (!CHROMIUM) throw new Error('chromium is not installed: apt-get install -y chromium (the browser tests drive it with playwright-core)');
    mkdirSync(SHOTS, { recursive: true });
    const worker = launch('workers/worker.ts', env);
    await eventually(async () => worker.output().includes('worker serving task queue'), 90_000);
    ports = [await freePort(), await freePort()];
    [, second] = await Promise.all([httpProcess(env, ports[0]), httpProcess(env, ports[1])]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    for (const p of procs) signalGroup(p.child, 'SIGKILL');
  });

  it('crosses messages, typing, read ticks and a streamed answer, and resumes after an HTTP process restarts', async () => {
    const desk = await browser.newContext({ viewport: { width: 1024, height: 768 } });
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const a = await desk.newPage();
    const b = await phone.newPage();
    const errors: string[] = [];
    for (const page of [a, b]) page.on('pageerror', (e) => errors.push(e.message));
    await a.goto(`http://127.0.0.1:${ports[0]}/?room=${room}`);
    await b.goto(`http://127.0.0.1:${ports[1]}/?room=${room}`);
    for (const page of [a, b]) await page.locator('#status[data-state="connected"]').waitFor({ timeout: 20_000 });

    step('Each browser is its own participant, and each sees the other');
    // Each browser is its own participant, and each sees the other present.
    const [alice, bob] = [await text(a, '#me'), await text(b, '#me')] as string[];
    expect(alice).toMatch(/^web-[0-9a-f]{8}$/);
    expect(bob).toMatch(/^web-[0-9a-f]{8}$/);
    expect(alice).not.toBe(bob);
    await b.locator(`#presence li[data-participant="${alice}"][data-status="online"]`).waitFor({ timeout: 10_000 });
    await a.locator(`#presence li[data-participant="${bob}"][data-status="online"]`).waitFor({ timeout: 10_000 });

    step('Typing shows on the other side, and clears when alice stops.');
    // Typing shows on the other side, and clears when alice stops.
    await a.locator('#input').pressSequentially('hello fr', { delay: 20 });
    await eventually(async () => (await text(b, '#typing'))?.includes(`${alice} is typing`), 10_000);
    await eventually(async () => (await text(b, '#typing')) === '', 10_000);

    step("Enter sends; bob sees the message, reads it, and alice's tic");
    // Enter sends; bob sees the message, reads it, and alice's tick turns into a read tick.
    await a.locator('#input').pressSequentially('om A');
    await a.keyboard.press('Enter');
    const onB = b.locator(`.msg[data-sender="${alice}"] .body`, { hasText: 'hello from A' });
    await onB.waitFor({ timeout: 15_000 });
    await a.locator('.msg.mine[data-index] .tick.read').first().waitFor({ timeout: 15_000 });
    expect(await text(a, '.msg.mine[data-index] .tick')).toBe('✓✓');

    step("The AI's answer grows on bob's page before it is final. (The");
    // The AI's answer grows on bob's page before it is final. (The scripted agent answers every
    // message, "hello from A" too: wait for that answer first.)
    const answers = (page: Page) => page.locator('.msg[data-sender="ai-bot"] .body', { hasText: ANSWER });
    await answers(b).first().waitFor({ timeout: 30_000 });
    await eventually(async () => (await b.locator('.msg.streaming').count()) === 0, 10_000);
    // (Scripts run in the page, as strings: this file is typed for Node, not the DOM.)
    await b.evaluate(`{
      const seen = (window.streamed = []);
      new MutationObserver(() => {
        const body = document.querySelector('.msg.streaming .body')?.textContent;
        if (body && seen.at(-1) !== body) seen.push(body);
      }).observe(document.getElementById('messages'), { subtree: true, childList: true, characterData: true });
    }`);
    await a.locator('#input').fill('Where is my order A1001?');
    await a.locator('#composer button').click();
    await eventually(async () => (await answers(b).count()) === 2, 30_000);
    const streamed = await b.evaluate<string[]>('window.streamed');
    expect(streamed.length).toBeGreaterThan(1);
    expect(ANSWER.startsWith(streamed[0])).toBe(true);
    expect(streamed[0].length).toBeLessThan(ANSWER.length);
    await eventually(async () => (await answers(a).count()) === 2, 10_000);
    expect(await b.locator('.msg.streaming').count()).toBe(0);
    expect(await b.locator('.sys', { hasText: 'lookup_order' }).count()).toBeGreaterThan(0);

    step('Readable on a phone: nothing wider than the screen.');
    // Readable on a phone: nothing wider than the screen.
    expect(await b.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    const shots = { desk: path.join(SHOTS, 'desk.png'), phone: path.join(SHOTS, 'phone.png') };
    await a.screenshot({ path: shots.desk });
    await b.screenshot({ path: shots.phone, fullPage: true });
    for (const file of Object.values(shots)) expect(statSync(file).size).toBeGreaterThan(5_000);

    step("Bob's HTTP process restarts; meanwhile alice writes. Bob's p");
    // Bob's HTTP process restarts; meanwhile alice writes. Bob's page reconnects and shows it once.
    await stop(second);
    await b.locator('#status[data-state="reconnecting"]').waitFor({ timeout: 10_000 });
    await a.locator('#input').fill('while you were away');
    await a.keyboard.press('Enter');
    await a.locator('.msg.mine[data-index] .body', { hasText: 'while you were away' }).waitFor({ timeout: 15_000 });
    second = await httpProcess(env, ports[1]);
    await b.locator('#status[data-state="connected"]').waitFor({ timeout: 30_000 });
    await b.locator('.body', { hasText: 'while you were away' }).waitFor({ timeout: 15_000 });
    expect(await b.locator('.body', { hasText: 'while you were away' }).count()).toBe(1);
    expect(await b.locator('.body', { hasText: 'hello from A' }).count()).toBe(1);
    const indexes = (await b.locator('#messages [data-index]').evaluateAll((els) => els.map((e) => e.getAttribute('data-index')))).map(Number);
    expect(indexes).toEqual([...indexes].sort((x, y) => x - y));
    expect(new Set(indexes).size).toBe(indexes.length);

    step("A newcomer's page loads the room's history on open.");
    // A newcomer's page loads the room's history on open.
    const late = await (await browser.newContext()).newPage();
    await late.goto(`http://127.0.0.1:${ports[0]}/?room=${room}`);
    await late.locator('.body', { hasText: 'hello from A' }).waitFor({ timeout: 15_000 });
    await late.locator('.body', { hasText: ANSWER }).first().waitFor({ timeout: 15_000 });
    await late.screenshot({ path: path.join(SHOTS, 'newcomer.png') });

    expect(errors).toEqual([]);
  }, 180_000);
});
