import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig, ServiceConfig } from '../../../workers/config.js';

describe('ROOMKIT_LOG_LEVEL', () => {
  afterEach(() => vi.restoreAllMocks());

  it('defaults to info and accepts pino levels', () => {
    expect(ServiceConfig.parse({}).ROOMKIT_LOG_LEVEL).toBe('info');
    expect(ServiceConfig.parse({ ROOMKIT_LOG_LEVEL: '' }).ROOMKIT_LOG_LEVEL).toBe('info');
    expect(ServiceConfig.parse({ ROOMKIT_LOG_LEVEL: 'debug' }).ROOMKIT_LOG_LEVEL).toBe('debug');
  });

  it('an unknown level is a configuration error naming the variable', () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((m: unknown) => { errors.push(String(m)); });
    vi.spyOn(process, 'exit').mockImplementation(((code?: number) => { throw new Error(`exit ${code}`); }) as never);
    expect(() => loadConfig({ ROOMKIT_LOG_LEVEL: 'bogus' })).toThrow('exit 2');
    expect(errors.join('\n')).toMatch(/ROOMKIT_LOG_LEVEL: expected one of trace, debug, info/);
  });
});

describe('OTEL_* (tracing)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is read once with the service config, and a value OpenTelemetry would not take is an error naming it', () => {
    expect(ServiceConfig.parse({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'desk' })).toMatchObject({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'desk' });
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((m: unknown) => { errors.push(String(m)); });
    vi.spyOn(process, 'exit').mockImplementation(((code?: number) => { throw new Error(`exit ${code}`); }) as never);
    expect(() => loadConfig({ OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow('exit 2');
    expect(errors.join('\n')).toMatch(/OTEL_TRACES_EXPORTER: expected otlp, console or none/);
    expect(errors.join('\n')).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT: expected an http\(s\) URL/);
  });
});
