/** The service's configuration (workers/config.ts): which store a process opens. */
import { describe, expect, it } from 'vitest';
import { ServiceConfig, storeSpecOf } from '../../../workers/config.js';

const config = (env: Record<string, string>) => ServiceConfig.parse(env);

describe('storeSpecOf', () => {
  it('is memory by default', () => {
    expect(storeSpecOf(config({}))).toEqual({ kind: 'memory' });
  });

  it('keeps the timeline in a SQLite file beside a persistent embedded Temporal server', () => {
    expect(storeSpecOf(config({ TEMPORAL_DB_FILE: '/var/lib/roomkit/temporal.db' })))
      .toEqual({ kind: 'sqlite', path: '/var/lib/roomkit/temporal.db.roomkit.db' });
  });

  it('follows ROOMKIT_STORE when it is set, even to memory', () => {
    expect(storeSpecOf(config({ TEMPORAL_DB_FILE: 't.db', ROOMKIT_STORE: 'memory' }))).toEqual({ kind: 'memory' });
    expect(storeSpecOf(config({ ROOMKIT_STORE: 'postgres://u:p@db:5432/roomkit' }))).toEqual({ kind: 'postgres', url: 'postgres://u:p@db:5432/roomkit' });
  });
});
