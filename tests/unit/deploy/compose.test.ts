/**
 * docker-compose.yml read the way Compose and the service read it, since no Docker engine runs
 * here: the worker and the HTTP server set only variables of `ServiceConfig` (workers/config.ts),
 * set every one a split deployment needs, and name hosts, ports and databases the file provides.
 * (The processes themselves run apart in tests/integration/split-processes.test.ts.)
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ServiceConfig } from '../../../workers/config.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

interface Service {
  image?: string;
  build?: string | { context?: string };
  command?: string[] | string;
  environment?: Record<string, unknown> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  deploy?: { replicas?: number };
  ports?: (string | number | { target?: number })[];
  volumes?: (string | { source?: string; target?: string })[];
  healthcheck?: { test?: unknown };
  container_name?: string;
}

// Compose applies YAML 1.1 merge keys (`<<: *roomkit-env`); the parser needs them switched on.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const service = (name: string): Service => {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service "${name}"`);
  return s;
};

/**
 * Compose's interpolation as seen by someone with none of the optional variables exported:
 * `${VAR:-default}` / `${VAR-default}` give the default, `$$` is a literal `$`. Anything else
 * (`${VAR}`, `${VAR:?message}`) would need the user's environment, so it fails the test.
 */
function interpolate(value: string): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-)([^}]*)\}|\$\{[^}]*\}|\$[A-Za-z_]\w*/g, (m, _name, op, fallback) => {
    if (m === '$$') return '$';
    if (op) return fallback as string;
    throw new Error(`${m} needs a variable from the user's environment; give it a default: \${VAR:-}`);
  });
}

/** A service's `environment`, map or list form, interpolated; `KEY:` with no value passes through (left out). */
function environmentOf(name: string): Record<string, string> {
  const raw = service(name).environment ?? {};
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.filter((e) => e.includes('=')).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])
    : Object.entries(raw);
  return Object.fromEntries(entries.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => [k, interpolate(String(v))]));
}

function dependsOn(name: string): Record<string, string | undefined> {
  const raw = service(name).depends_on ?? [];
  return Array.isArray(raw)
    ? Object.fromEntries(raw.map((d) => [d, undefined]))
    : Object.fromEntries(Object.entries(raw).map(([d, v]) => [d, v?.condition]));
}

/** The `roomkit` database of a postgres service: made by the image (POSTGRES_DB) or by a mounted init script. */
function databasesCreatedBy(name: string): string[] {
  const env = environmentOf(name);
  const made = [env.POSTGRES_DB || env.POSTGRES_USER || 'postgres'];
  for (const volume of service(name).volumes ?? []) {
    const [source, target] = typeof volume === 'string' ? volume.split(':') : [volume.source, volume.target];
    if (!source || !target?.startsWith('/docker-entrypoint-initdb.d') || !/\.sql$/.test(source)) continue;
    const sql = read(source);
    for (const m of sql.matchAll(/CREATE\s+DATABASE\s+"?([A-Za-z_][\w]*)"?/gi)) made.push(m[1]);
  }
  return made;
}

const ROLES = ['worker', 'http'] as const;
const serviceKeys = Object.keys(ServiceConfig.shape);

describe('docker-compose.yml: the multi-process deployment', () => {
  it.each(ROLES)('%s sets only variables the service reads (ServiceConfig of workers/config.ts)', (role) => {
    const unknown = Object.keys(environmentOf(role)).filter((k) => !serviceKeys.includes(k));
    expect(unknown).toEqual([]);
  });

  it.each(ROLES)('%s parses as a valid configuration for a process started apart, with no secret set', (role) => {
    const env = environmentOf(role);
    const parsed = ServiceConfig.safeParse(env);
    expect(parsed.error?.issues ?? []).toEqual([]);
    // What workers/worker.ts and workers/http.ts refuse to start without.
    expect(parsed.data?.TEMPORAL_ADDRESS).toBeTruthy();
    expect(env.TEMPORAL_TASK_QUEUE).toBeTruthy();
    expect(parsed.data?.ROOMKIT_STORE?.kind).toBe('postgres');
  });

  it('gives the worker and the HTTP server one Temporal namespace and task queue, and one store', () => {
    const shared = ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'ROOMKIT_STORE', 'ROOMKIT_STORE_SCHEMA'];
    const pick = (env: Record<string, string>) => Object.fromEntries(shared.map((k) => [k, env[k]]));
    expect(pick(environmentOf('http'))).toEqual(pick(environmentOf('worker')));
  });

  it.each([...ROLES, 'temporal-ui'])('%s reaches Temporal at its service name and frontend port', (name) => {
    const [host, port] = environmentOf(name).TEMPORAL_ADDRESS.split(':');
    expect(service(host).image).toMatch(/^temporalio\/(auto-setup|server):/);
    expect(port).toBe('7233');
  });

  it('keeps rooms in a PostgreSQL database that a service of this file creates, with matching credentials', () => {
    const url = new URL(environmentOf('worker').ROOMKIT_STORE);
    expect(url.protocol).toMatch(/^postgres(ql)?:$/);
    const db = service(url.hostname);
    expect(db.image).toMatch(/^postgres:/);
    expect(url.port || '5432').toBe(environmentOf(url.hostname).PGPORT ?? '5432');
    expect(databasesCreatedBy(url.hostname)).toContain(url.pathname.slice(1));
    const env = environmentOf(url.hostname);
    expect([decodeURIComponent(url.username), decodeURIComponent(url.password)]).toEqual([env.POSTGRES_USER, env.POSTGRES_PASSWORD]);
    // Not Temporal's own database server: the store's tables and Temporal's schema stay apart.
    expect(url.hostname).not.toBe(environmentOf('temporal').POSTGRES_SEEDS);
  });

  it('runs two workers or more by default, and nothing stops scaling them', () => {
    expect(service('worker').deploy?.replicas).toBeGreaterThanOrEqual(2);
    // A fixed container name or a published host port would make a second replica fail to start.
    expect(service('worker').container_name).toBeUndefined();
    expect(service('worker').ports ?? []).toEqual([]);
  });

  it('serves HTTP on every interface of its container, on the port it publishes', () => {
    const env = environmentOf('http');
    expect(env.HOST).toBe('0.0.0.0');
    const published = (service('http').ports ?? []).map((p) => (typeof p === 'object' ? String(p.target) : String(p).split(':').at(-1)));
    expect(published).toContain(env.PORT);
  });

  it('starts every service after services that exist, and the worker and HTTP server once Temporal and the store are healthy', () => {
    for (const name of Object.keys(services)) {
      for (const [dep, condition] of Object.entries(dependsOn(name))) {
        expect(Object.keys(services), `${name} depends on ${dep}`).toContain(dep);
        if (condition === 'service_healthy') expect(service(dep).healthcheck?.test, `${dep} has a healthcheck`).toBeTruthy();
      }
    }
    const storeHost = new URL(environmentOf('worker').ROOMKIT_STORE).hostname;
    const temporalHost = environmentOf('worker').TEMPORAL_ADDRESS.split(':')[0];
    for (const role of ROLES) {
      expect(dependsOn(role)).toMatchObject({ [temporalHost]: 'service_healthy', [storeHost]: 'service_healthy' });
    }
  });

  it.each(ROLES)('%s is built from the Dockerfile, which copies the entry point it runs and bakes in no secret', (role) => {
    const s = service(role);
    const context = typeof s.build === 'string' ? s.build : s.build?.context;
    expect(context).toBe('.');
    const dockerfile = read('Dockerfile');
    const entry = [s.command ?? []].flat().find((arg) => arg.endsWith('.ts'));
    expect(entry && existsSync(path.join(root, entry))).toBe(true);
    const topDir = entry!.split('/')[0];
    expect(dockerfile).toMatch(new RegExp(`^COPY\\s+${topDir}\\s`, 'm'));
    expect(read('.dockerignore').split('\n').map((l) => l.trim())).not.toContain(topDir);
    expect(dockerfile).not.toMatch(/ANTHROPIC|TWILIO|PASSWORD|SECRET|TOKEN/i);
  });
});
