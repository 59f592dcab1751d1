import { describe, expect, it } from 'vitest';
import { SSEParser } from '../../../src/sources/sse-parser.js';
import { redactUrl } from '../../../src/sources/sse-source.js';

describe('SSE parser', () => {
  it('dispatches on a blank line, joins data lines, keeps event type and id', () => {
    const p = new SSEParser();
    expect(p.feed('event: update\nid: 7\ndata: a\ndata: b\n\n')).toEqual([{ event: 'update', data: 'a\nb', id: '7' }]);
  });

  it('handles CRLF and CR line ends, also split across chunks, and events split anywhere', () => {
    const p = new SSEParser();
    expect(p.feed('data: one\r')).toEqual([]);
    expect(p.feed('\n\r\ndata: tw')).toEqual([{ event: 'message', data: 'one' }]);
    expect(p.feed('o\r\r')).toEqual([{ event: 'message', data: 'two' }]);
  });

  it('ignores comments, unknown fields and ids with NUL; an event without data is not dispatched but its id sticks', () => {
    const p = new SSEParser();
    expect(p.feed(': keep-alive\nfoo: bar\nid: 3\n\n')).toEqual([]);
    expect(p.lastId).toBe('3');
    expect(p.feed('id: bad\0id\ndata:x\n\n')).toEqual([{ event: 'message', data: 'x', id: '3' }]);
  });

  it('removes one leading space only, takes a field without colon as empty, reads retry', () => {
    const p = new SSEParser('1');
    expect(p.feed('data:  two spaces\ndata\nretry: 500\n\n')).toEqual([{ event: 'message', data: ' two spaces\n', id: '1', retry: 500 }]);
  });

  it('redacts query values and credentials from source names', () => {
    expect(redactUrl('https://user:pw@example.com/s?token=abc&x=1')).toBe('https://example.com/s?token=***&x=***');
  });
});
