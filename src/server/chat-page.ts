/** A single-file chat page for trying a room in a browser (`npm start`, then open the printed URL). */
export function chatPage(wsPath: string, roomId: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>RoomKit demo room</title>
<style>body{font:15px system-ui;margin:2rem auto;max-width:40rem}#log{border:1px solid #ccc;height:24rem;overflow:auto;padding:.5rem}
.m{margin:.2rem 0}.src{color:#666;font-size:12px}form{display:flex;gap:.5rem;margin-top:.5rem}input{flex:1;padding:.4rem}</style></head>
<body><h1>Room <code id="room"></code></h1><div id="log"></div>
<form id="f"><input id="t" autocomplete="off" placeholder="Say something (try 'spam')"><button>Send</button></form>
<script>
const room = new URLSearchParams(location.search).get('room') || ${JSON.stringify(roomId)};
document.getElementById('room').textContent = room;
const log = document.getElementById('log');
const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + ${JSON.stringify(wsPath)} + '?room=' + encodeURIComponent(room) + '&sender=browser');
function add(src, text) { const d = document.createElement('div'); d.className = 'm'; d.innerHTML = '<span class="src"></span> '; d.firstChild.textContent = src; d.append(text); log.append(d); log.scrollTop = log.scrollHeight; }
function text(c) { if (c.type === 'tool_call') return c.status === 'pending' ? 'calls ' + c.toolName + '(' + JSON.stringify(c.arguments || {}) + ')' : c.toolName + ' → ' + (c.result || ''); return c.body ?? JSON.stringify(c); }
ws.onmessage = (m) => { const f = JSON.parse(m.data); if (f.type === 'event') add(f.event.source.channelId, text(f.event.content));
  else if (f.type === 'ack') add('you', f.blocked ? '(blocked: ' + f.reason + ')' : '(sent)'); else if (f.type === 'error') add('error', f.error); };
document.getElementById('f').onsubmit = (e) => { e.preventDefault(); const t = document.getElementById('t'); if (!t.value) return;
  add('you', t.value); ws.send(JSON.stringify({ type: 'message', body: t.value })); t.value = ''; };
</script></body></html>`;
}
