// The RoomKit chat page: a plain ES module served by the HTTP server (no build step). History and
// read markers come from the REST API; everything live comes over the WebSocket endpoint, which
// resumes from the last index this page saw after a reconnect (no gap, no duplicate: every stored
// event is keyed by its index here too).

const config = JSON.parse(document.getElementById('roomkit-config').textContent);
const params = new URLSearchParams(location.search);
const roomId = params.get('room') || config.roomId;
const me = participantId();
const api = `/api/rooms/${encodeURIComponent(roomId)}`;

const $ = (id) => document.getElementById(id);
const ui = {
  status: $('status'), presence: $('presence'), timeline: $('timeline'), messages: $('messages'), earlier: $('earlier'),
  typing: $('typing'), tool: $('tool'), composer: $('composer'), input: $('input'),
};
$('room').textContent = roomId;
$('me').textContent = me;

/** index → stored event; id → index (read receipts name events by id). */
const events = new Map();
const indexOfId = new Map();
/** streamId → the element of an answer being streamed; ids of streams that ended (late chunks are dropped). */
const streams = new Map();
const ended = new Set();
/** idempotencyKey → { body, li } for messages not acknowledged yet (re-sent after a reconnect). */
const pending = new Map();
/** reader → highest index it read. */
const readBy = new Map();
/** participant → presence status. */
const people = new Map();
/** participant → timer clearing its typing indicator. */
const typists = new Map();

let socket;
let lastIndex = -1;
let oldest;
let attempts = 0;
let myRead = -1;

/** One id per browser (kept across reloads): each browser is its own participant of the room. */
function participantId() {
  let id = localStorage.getItem('roomkit.participant');
  if (!id) {
    const random = globalThis.crypto?.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2);
    id = `web-${random.replace(/-/g, '').slice(0, 8)}`;
    localStorage.setItem('roomkit.participant', id);
  }
  return id;
}

// ── history ────────────────────────────────────────────────────────────────
async function loadNewest() {
  const page = await getJson(`${api}/events?newest=true&limit=30`);
  for (const event of page.events) render(event);
  oldest = page.events[0]?.index;
  ui.earlier.hidden = !page.hasMore;
  const markers = await getJson(`${api}/read-markers`);
  for (const [reader, index] of Object.entries(markers.markers)) readBy.set(reader, index);
  myRead = readBy.get(me) ?? -1;
  refreshTicks();
  scrollToEnd();
}

async function loadEarlier() {
  if (oldest === undefined) return;
  const before = ui.timeline.scrollHeight;
  const page = await getJson(`${api}/events?before=${oldest}&limit=30`);
  for (const event of page.events) render(event);
  if (page.events.length) oldest = page.events[0].index;
  ui.earlier.hidden = !page.hasMore;
  ui.timeline.scrollTop += ui.timeline.scrollHeight - before;
}

async function getJson(url) {
  // With authentication on, the server puts a short-lived token in the page's configuration.
  const res = await fetch(url, config.token ? { headers: { authorization: `Bearer ${config.token}` } } : undefined);
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json();
}

// ── rendering ──────────────────────────────────────────────────────────────
function senderOf(event) {
  return event.source.participantId || event.source.channelId;
}

function isMine(event) {
  return event.source.participantId === me;
}

function textOf(content) {
  if (content.type === 'text') return content.body;
  if (content.type === 'tool_call') {
    return content.status === 'pending' ? `uses ${content.toolName}` : `${content.toolName} ✓`;
  }
  return content.body || content.text || `[${content.type}]`;
}

/** Insert or replace the stored event at its index. */
function render(event) {
  const known = events.get(event.index);
  if (known && known.id === event.id && !known.provisional && known.status === event.status) return;
  events.set(event.index, event);
  indexOfId.set(event.id, event.index);
  // A streamed answer's stored event replaces its chunks, however it arrives (stream_end, a resume).
  if (typeof event.metadata?.stream_id === 'string') endStream(event.metadata.stream_id);
  lastIndex = Math.max(lastIndex, event.index);
  const li = element(event);
  const old = ui.messages.querySelector(`[data-index="${event.index}"]`);
  if (old) old.replaceWith(li);
  else if (li) insertByIndex(li, event.index);
  if (!isMine(event)) scheduleRead();
}

function element(event) {
  const li = document.createElement('li');
  li.dataset.index = String(event.index);
  li.dataset.eventId = event.id;
  if (event.type !== 'message' && event.content.type !== 'tool_call') {
    li.hidden = true; // system bookkeeping keeps its place in the order
    return li;
  }
  if (event.content.type === 'tool_call') {
    li.className = 'sys';
    li.textContent = `${senderOf(event)} ${textOf(event.content)}`;
    return li;
  }
  li.className = `msg${isMine(event) ? ' mine' : ''}${event.status === 'blocked' ? ' blocked' : ''}`;
  li.dataset.sender = senderOf(event);
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = isMine(event) ? 'you' : senderOf(event);
  const body = document.createElement('span');
  body.className = 'body';
  body.textContent = event.status === 'blocked' ? `${textOf(event.content)} (blocked)` : textOf(event.content);
  li.append(who, body);
  if (isMine(event)) {
    const tick = document.createElement('span');
    tick.className = 'tick';
    tick.setAttribute('aria-label', 'sent');
    tick.textContent = '✓';
    li.append(tick);
    setTick(li, event.index);
  }
  return li;
}

function insertByIndex(li, index) {
  for (const other of ui.messages.children) {
    const at = Number(other.dataset.index);
    if (other.dataset.index !== undefined && at > index) {
      other.before(li);
      return;
    }
  }
  const nearEnd = ui.timeline.scrollHeight - ui.timeline.scrollTop - ui.timeline.clientHeight < 80;
  ui.messages.append(li);
  if (nearEnd) scrollToEnd();
}

function scrollToEnd() {
  ui.timeline.scrollTop = ui.timeline.scrollHeight;
}

function setTick(li, index) {
  const tick = li.querySelector('.tick');
  if (!tick) return;
  const read = [...readBy].some(([reader, at]) => reader !== me && at >= index);
  tick.classList.toggle('read', read);
  tick.textContent = read ? '✓✓' : '✓';
  tick.setAttribute('aria-label', read ? 'read' : 'sent');
}

function refreshTicks() {
  for (const li of ui.messages.querySelectorAll('.msg.mine[data-index]')) setTick(li, Number(li.dataset.index));
}

function renderPresence() {
  ui.presence.replaceChildren(...[...people].map(([who, status]) => {
    const li = document.createElement('li');
    li.dataset.participant = who;
    li.dataset.status = status;
    li.textContent = `${who === me ? 'you' : who} (${status})`;
    return li;
  }));
}

function renderTyping() {
  const names = [...typists.keys()];
  ui.typing.textContent = names.length ? `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} typing…` : '';
}

// ── streamed answers ───────────────────────────────────────────────────────
function streamElement(frame) {
  if (ended.has(frame.streamId)) return undefined;
  let li = streams.get(frame.streamId);
  if (!li) {
    li = document.createElement('li');
    li.className = 'msg streaming';
    li.dataset.streamId = frame.streamId;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = frame.source || 'assistant';
    const body = document.createElement('span');
    body.className = 'body';
    li.append(who, body);
    streams.set(frame.streamId, li);
    ui.messages.append(li);
  }
  return li;
}

function endStream(streamId) {
  ended.add(streamId);
  streams.get(streamId)?.remove();
  streams.delete(streamId);
}

// ── the socket ─────────────────────────────────────────────────────────────
function connect() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const query = new URLSearchParams({ room: roomId, participant: me, since: String(lastIndex), ...(config.token && { token: config.token }) });
  socket = new WebSocket(`${scheme}://${location.host}${config.wsPath}?${query}`);
  socket.onmessage = (m) => onFrame(JSON.parse(m.data));
  socket.onclose = (e) => {
    setStatus('reconnecting', e.code === 1008 ? `refused: ${e.reason}` : 'reconnecting…');
    for (const li of streams.values()) li.remove(); // the stored answer comes with the resume
    streams.clear();
    const delay = Math.min(5000, 300 * 2 ** attempts++);
    setTimeout(connect, delay);
  };
}

function setStatus(state, text) {
  ui.status.dataset.state = state;
  ui.status.textContent = text;
}

function send(frame) {
  if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
}

function onFrame(frame) {
  switch (frame.type) {
    case 'ready':
      attempts = 0;
      setStatus('connected', 'connected');
      if (frame.truncated) void loadNewest();
      for (const [key, p] of pending) send({ type: 'message', body: p.body, idempotencyKey: key });
      people.set(me, document.visibilityState === 'visible' ? 'online' : 'away');
      renderPresence();
      scheduleRead();
      return;
    case 'event':
      render(frame.event);
      return;
    case 'stream_start':
      streamElement(frame);
      return;
    case 'stream_chunk': {
      const li = streamElement(frame);
      if (li) li.querySelector('.body').textContent = frame.text;
      scrollToEnd();
      return;
    }
    case 'stream_end':
      endStream(frame.streamId);
      render(frame.event);
      return;
    case 'stream_error':
      endStream(frame.streamId);
      return;
    case 'ephemeral':
      onEphemeral(frame.event);
      return;
    case 'ack':
      onAck(frame);
      return;
    case 'error':
      ui.tool.textContent = `⚠ ${frame.error}`;
      return;
    default:
  }
}

function onAck(frame) {
  const p = pending.get(frame.idempotencyKey);
  if (!p) return;
  pending.delete(frame.idempotencyKey);
  p.li.remove();
  if (frame.index === undefined) return;
  // The stored event comes with a resume; until then, what we sent stands in for it.
  const provisional = {
    id: frame.eventId, index: frame.index, type: 'message', status: frame.blocked ? 'blocked' : 'delivered', provisional: true,
    source: { channelId: config.channelId, participantId: me }, content: { type: 'text', body: p.body },
  };
  if (!events.has(frame.index)) render(provisional);
}

function onEphemeral(event) {
  if (event.userId === me) return;
  switch (event.type) {
    case 'typing_start': {
      clearTimeout(typists.get(event.userId));
      // A typist that vanished without typing_stop (closed tab) fades after a while.
      typists.set(event.userId, setTimeout(() => {
        typists.delete(event.userId);
        renderTyping();
      }, 8000));
      renderTyping();
      return;
    }
    case 'typing_stop':
      clearTimeout(typists.get(event.userId));
      typists.delete(event.userId);
      renderTyping();
      return;
    case 'presence_online':
    case 'presence_away':
    case 'presence_offline':
    case 'custom': {
      const status = event.type === 'custom' ? event.data.status : event.type.slice('presence_'.length);
      if (!status) return;
      const before = people.get(event.userId);
      people.set(event.userId, status);
      renderPresence();
      // Someone new: say we are here too (they joined after our own announcement).
      if (status === 'online' && before !== 'online') send({ type: 'presence', status: document.visibilityState === 'visible' ? 'online' : 'away' });
      return;
    }
    case 'read_receipt': {
      const index = indexOfId.get(event.data.event_id);
      if (index === undefined) return;
      readBy.set(event.userId, Math.max(index, readBy.get(event.userId) ?? -1));
      refreshTicks();
      return;
    }
    case 'tool_call_start':
      ui.tool.textContent = `${event.userId} is using ${(event.data.tool_calls || []).map((c) => c.name).join(', ')}…`;
      return;
    case 'tool_call_end':
    case 'thinking_end':
      ui.tool.textContent = '';
      return;
    case 'thinking_start':
      ui.tool.textContent = `${event.userId} is thinking…`;
      return;
    default:
  }
}

// ── what this browser does ─────────────────────────────────────────────────
let readTimer;
function scheduleRead() {
  clearTimeout(readTimer);
  readTimer = setTimeout(() => {
    if (document.visibilityState !== 'visible') return;
    const newest = [...events.values()].filter((e) => !isMine(e) && !e.provisional && e.index > myRead).sort((a, b) => b.index - a.index)[0];
    if (!newest) return;
    myRead = newest.index;
    send({ type: 'read', eventId: newest.id });
  }, 300);
}

let typingSent = false;
let idleTimer;
ui.input.addEventListener('input', () => {
  if (!typingSent && ui.input.value) {
    typingSent = true;
    send({ type: 'typing', isTyping: true });
  }
  clearTimeout(idleTimer);
  idleTimer = setTimeout(stopTyping, 3000);
});

function stopTyping() {
  clearTimeout(idleTimer);
  if (!typingSent) return;
  typingSent = false;
  send({ type: 'typing', isTyping: false });
}

ui.composer.addEventListener('submit', (e) => {
  e.preventDefault();
  const body = ui.input.value.trim();
  if (!body) return;
  ui.input.value = '';
  typingSent = false; // the server ends our typing with the message
  clearTimeout(idleTimer);
  const key = `${me}:${Date.now()}:${Math.random().toString(36).slice(2, 8)}`;
  const li = document.createElement('li');
  li.className = 'msg mine pending';
  li.dataset.pending = key;
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = 'you';
  const text = document.createElement('span');
  text.className = 'body';
  text.textContent = body;
  li.append(who, text);
  ui.messages.append(li);
  scrollToEnd();
  pending.set(key, { body, li });
  send({ type: 'message', body, idempotencyKey: key });
});

ui.earlier.addEventListener('click', () => void loadEarlier());
document.addEventListener('visibilitychange', () => {
  const status = document.visibilityState === 'visible' ? 'online' : 'away';
  send({ type: 'presence', status });
  if (status === 'online') scheduleRead();
});

await loadNewest().catch((err) => setStatus('reconnecting', `history unavailable: ${err.message}`));
connect();
ui.input.focus();

// ── voice ──────────────────────────────────────────────────────────────────
// A call button when the server has the browser voice stream mounted (`chatPage.voicePath`).
if (config.voicePath) {
  import('./voice-call.js').then(({ setupCall }) => {
    setupCall({ button: $('call'), status: $('call-status'), voicePath: config.voicePath, roomId, callerId: me });
  });
}
