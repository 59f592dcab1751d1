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
