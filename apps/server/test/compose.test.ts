// docker-compose.yml stays in step with the server: every variable it sets is one the config
// schema knows and accepts, services find each other by name, and the Dockerfiles exist.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../src/config';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const composePath = resolve(repoRoot, 'docker-compose.yml');

interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: string | number })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
}

const compose = parse(readFileSync(composePath, 'utf8')) as { services?: Record<string, Service> };
const services = compose.services ?? {};

function service(name: string): Service {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no "${name}" service`);
  return found;
}

/**
 * Compose-style interpolation with sample values: `${X:-d}` / `${X-d}` give the default,
 * `${X}`, `${X:?msg}` / `${X?msg}` and `$X` give a sample, `$$` is a literal `$`.
 */
function interpolate(value: string): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (match, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
      if (match === '$$') return '$';
      const name = braced ?? bare ?? '';
      if (op === ':-' || op === '-') return arg ?? '';
      return `sample-${name.toLowerCase().replace(/_/g, '-')}`;
    },
  );
}

/** A service's environment as plain strings, interpolated with sample values. */
function environment(svc: Service): Record<string, string> {
  const raw = svc.environment ?? {};
  const entries: [string, string][] = Array.isArray(raw)
    ? raw.map((line) => {
        const eq = line.indexOf('=');
        return eq === -1 ? [line, ''] : [line.slice(0, eq), line.slice(eq + 1)];
      })
    : Object.entries(raw).map(([key, value]) => [key, value === null ? '' : String(value)]);
  return Object.fromEntries(entries.map(([key, value]) => [key, interpolate(value)]));
}

/** Host ports a service publishes. */
function publishedPorts(svc: Service): number[] {
  return (svc.ports ?? []).map((port) => {
    if (typeof port === 'number') return port;
    if (typeof port === 'object') return Number(port.published ?? port.target);
    // [ip:]host:container[/proto]
    const parts = interpolate(port).replace(/\/(tcp|udp)$/, '').split(':');
    return Number(parts.length >= 2 ? parts[parts.length - 2] : parts[0]);
  });
}

function dependsOn(svc: Service): Record<string, string | undefined> {
  const deps = svc.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, undefined]));
  return Object.fromEntries(Object.entries(deps).map(([name, dep]) => [name, dep.condition]));
}

describe('docker-compose.yml', () => {
  it('defines postgres, redis, server and admin', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'server', 'admin']));
  });

  it.each([
    ['postgres', 5432],
    ['redis', 6379],
    ['server', 3000],
    ['admin', 3001],
  ])('%s publishes port %i', (name, port) => {
    expect(publishedPorts(service(name))).toContain(port);
  });

  it.each(['postgres', 'redis', 'server', 'admin'])('%s has a healthcheck', (name) => {
    const healthcheck = service(name).healthcheck;
    expect(healthcheck?.disable).not.toBe(true);
    expect(healthcheck?.test, `${name} healthcheck test`).toBeTruthy();
  });

  it('server environment is accepted by the config schema as given', () => {
    const env = environment(service('server'));
    const config = loadConfig(env);
    // The schema drops keys it does not know: every variable set must survive parsing.
    const unknown = Object.keys(env).filter((key) => !(key in config));
    expect(unknown, 'variables the server config does not read').toEqual([]);
    expect(config.PORT).toBe(Number(env.PORT));
    expect(config.NODE_ENV).toBe('production');
    expect(publishedPorts(service('server'))).toContain(config.PORT);
  });

  it('server reaches postgres and redis by service name, with the database the postgres service creates', () => {
    const env = environment(service('server'));
    const database = new URL(env.DATABASE_URL ?? '');
    expect(database.hostname).toBe('postgres');
    expect(database.port || '5432').toBe('5432');

    const pg = environment(service('postgres'));
    expect(database.pathname).toBe(`/${pg.POSTGRES_DB}`);
    expect(decodeURIComponent(database.username)).toBe(pg.POSTGRES_USER ?? 'postgres');
    if (pg.POSTGRES_PASSWORD) expect(decodeURIComponent(database.password)).toBe(pg.POSTGRES_PASSWORD);

    const redis = new URL(env.REDIS_URL ?? '');
    expect(redis.hostname).toBe('redis');
    expect(redis.port || '6379').toBe('6379');
  });

  it('requires ADMIN_PASSWORD from the environment rather than shipping a default', () => {
    const raw = service('server').environment;
    const value = Array.isArray(raw)
      ? raw.find((line) => line.startsWith('ADMIN_PASSWORD='))?.slice('ADMIN_PASSWORD='.length)
      : raw?.ADMIN_PASSWORD;
    expect(String(value)).toMatch(/^\$\{ADMIN_PASSWORD:?\?[^}]*\}$/);
  });

  it('server waits for healthy postgres and redis; admin waits for a healthy server', () => {
    expect(dependsOn(service('server'))).toMatchObject({ postgres: 'service_healthy', redis: 'service_healthy' });
    expect(dependsOn(service('admin'))).toMatchObject({ server: 'service_healthy' });
  });

  it('admin talks to the server by service name and port', () => {
    const url = new URL(environment(service('admin')).COMMERCE_API_URL ?? '');
    expect(url.hostname).toBe('server');
    expect(Number(url.port)).toBe(loadConfig(environment(service('server'))).PORT);
  });

  it.each(['server', 'admin'])('the Dockerfile %s builds from exists', (name) => {
    const build = service(name).build;
    expect(build, `${name} build`).toBeTruthy();
    const context = resolve(repoRoot, typeof build === 'string' ? build : (build?.context ?? '.'));
    const dockerfile = resolve(context, typeof build === 'object' && build.dockerfile ? build.dockerfile : 'Dockerfile');
    expect(existsSync(dockerfile), dockerfile).toBe(true);
  });
});

describe('loadConfig', () => {
  it('rejects a bad value naming the variable', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(/PORT/);
  });
});
