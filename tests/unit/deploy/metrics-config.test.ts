import { describe, expect, it } from 'vitest';
import { ServiceConfig } from '../../../workers/config.js';

describe('metrics settings of the service', () => {
  it('ROOMKIT_METRICS_PORT is a port; ROOMKIT_TEMPORAL_METRICS_ADDRESS is host:port; both optional', () => {
    const parsed = ServiceConfig.parse({ ROOMKIT_METRICS_PORT: '9100', ROOMKIT_TEMPORAL_METRICS_ADDRESS: '127.0.0.1:9464' });
    expect(parsed.ROOMKIT_METRICS_PORT).toBe(9100);
    expect(parsed.ROOMKIT_TEMPORAL_METRICS_ADDRESS).toBe('127.0.0.1:9464');
    const unset = ServiceConfig.parse({ ROOMKIT_METRICS_PORT: '', ROOMKIT_TEMPORAL_METRICS_ADDRESS: '' });
    expect(unset.ROOMKIT_METRICS_PORT).toBeUndefined();
    expect(unset.ROOMKIT_TEMPORAL_METRICS_ADDRESS).toBeUndefined();
    expect(ServiceConfig.safeParse({ ROOMKIT_METRICS_PORT: 'x' }).success).toBe(false);
    expect(ServiceConfig.safeParse({ ROOMKIT_TEMPORAL_METRICS_ADDRESS: '9464' }).success).toBe(false);
  });
});
