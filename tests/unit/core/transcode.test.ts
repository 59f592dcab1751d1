import { describe, expect, it } from 'vitest';
import { contentForTarget, transcode, truncate } from '../../../src/core/transcode.js';
import type { ChannelCapabilities, EventContent } from '../../../src/models/index.js';

const textOnly: ChannelCapabilities = { mediaTypes: ['text'] };

describe('transcoding (RoomKit §8)', () => {
  it.each<[string, EventContent, string]>([
    ['rich → plain text when given', { type: 'rich', body: '**hi**', plainText: 'hi' }, 'hi'],
    ['rich → markdown body kept verbatim without plain text', { type: 'rich', body: '**hi**' }, '**hi**'],
    ['media → caption', { type: 'media', url: 'https://x/a.png', mimeType: 'image/png', caption: 'cat', filename: 'a.png' }, '[Media: cat]'],
    ['media → filename without caption', { type: 'media', url: 'https://x/a.png', mimeType: 'image/png', filename: 'a.png' }, '[Media: a.png]'],
    ['media → url as last resort', { type: 'media', url: 'https://x/a.png', mimeType: 'image/png' }, '[Media: https://x/a.png]'],
    ['audio → transcript', { type: 'audio', url: 'https://x/a.ogg', transcript: 'hello' }, 'hello'],
    ['audio → voice message url', { type: 'audio', url: 'https://x/a.ogg' }, '[Voice message: https://x/a.ogg]'],
    ['video → url', { type: 'video', url: 'https://x/v.mp4' }, '[Video: https://x/v.mp4]'],
    ['location → label', { type: 'location', latitude: 45.5, longitude: -73.6, label: 'Montreal' }, '[Location: Montreal (45.5, -73.6)]'],
    ['location → address without label', { type: 'location', latitude: 45.5, longitude: -73.6, address: '1 Main St' }, '[Location: 1 Main St (45.5, -73.6)]'],
    ['location without label keeps the double space', { type: 'location', latitude: 45.5, longitude: -73.6 }, '[Location:  (45.5, -73.6)]'],
    ['whole-number coordinates print as Python floats', { type: 'location', latitude: 1, longitude: -2, label: 'Grid' }, '[Location: Grid (1.0, -2.0)]'],
    ['template → body', { type: 'template', templateId: 't1', body: 'fallback' }, 'fallback'],
    ['template → id without body', { type: 'template', templateId: 't1' }, '[Template: t1]'],
    ['edit of text → correction', { type: 'edit', targetEventId: 'e1', newContent: { type: 'text', body: 'fixed' } }, 'Correction: fixed'],
    ['delete → message deleted', { type: 'delete', targetEventId: 'e1' }, '[Message deleted]'],
  ])('%s', (_name, content, expected) => {
    expect(transcode(content, textOnly)).toEqual({ type: 'text', body: expected });
  });

  it('leaves content unchanged when the target supports its media type', () => {
    const rich: EventContent = { type: 'rich', body: '**hi**' };
    expect(transcode(rich, { mediaTypes: ['text', 'rich'] })).toBe(rich);
  });

  it('passes system and tool-call content through untouched', () => {
    const sys: EventContent = { type: 'system', body: 'x', code: 'c' };
    expect(transcode(sys, textOnly)).toBe(sys);
  });

  it('joins an all-text composite with newlines', () => {
    const c: EventContent = {
      type: 'composite',
      parts: [{ type: 'text', body: 'look' }, { type: 'media', url: 'https://x/a.png', mimeType: 'image/png', caption: 'cat' }],
    };
    expect(transcode(c, textOnly)).toEqual({ type: 'text', body: 'look\n[Media: cat]' });
  });

  it('keeps a composite of mixed parts as a composite', () => {
    const c: EventContent = {
      type: 'composite',
      parts: [{ type: 'rich', body: '*a*' }, { type: 'media', url: 'https://x/a.png', mimeType: 'image/png' }],
    };
    expect(transcode(c, { mediaTypes: ['rich'] })).toEqual({
      type: 'composite', parts: [{ type: 'rich', body: '*a*' }, { type: 'text', body: '[Media: https://x/a.png]' }],
    });
  });

  it('an edit with non-text content delivers that content transcoded', () => {
    const edit: EventContent = {
      type: 'edit', targetEventId: 'e', newContent: { type: 'media', url: 'https://x/a.png', mimeType: 'image/png', caption: 'new' },
    };
    expect(transcode(edit, textOnly)).toEqual({ type: 'text', body: '[Media: new]' });
  });

  it('an edit passes unchanged to a channel that supports edits', () => {
    const edit: EventContent = { type: 'edit', targetEventId: 'e', newContent: { type: 'text', body: 'x' } };
    expect(transcode(edit, { mediaTypes: ['text'], supportsEdit: true })).toBe(edit);
  });
});

describe('max length (RoomKit §8)', () => {
  it('cuts to max_length - 3 and appends an ellipsis', () => {
    expect(truncate({ type: 'text', body: 'a'.repeat(25) }, 20)).toEqual({ type: 'text', body: 'a'.repeat(17) + '...' });
  });

  it('never goes below three characters', () => {
    expect(truncate({ type: 'text', body: 'abcdef' }, 2)).toEqual({ type: 'text', body: '...' });
  });

  it('leaves short text, rich content and unlimited targets alone', () => {
    expect(truncate({ type: 'text', body: 'short' }, 20)).toEqual({ type: 'text', body: 'short' });
    expect(truncate({ type: 'rich', body: 'x'.repeat(50) }, 20)).toEqual({ type: 'rich', body: 'x'.repeat(50) });
    expect(truncate({ type: 'text', body: 'x'.repeat(50) }, undefined)).toEqual({ type: 'text', body: 'x'.repeat(50) });
  });

  it('transcodes then truncates for a target', () => {
    expect(contentForTarget({ type: 'rich', body: 'x'.repeat(30), plainText: 'y'.repeat(30) }, { mediaTypes: ['text'], maxLength: 10 }))
      .toEqual({ type: 'text', body: 'yyyyyyy...' });
  });
});
