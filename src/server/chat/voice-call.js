// The chat page's call button: talks to the room over the browser voice stream
// (`mountVoice`, `/voice/browser/:channelId/stream`). Up: PCM16 16 kHz mono frames from the mic
// (AudioWorklet pcm-worklet.js). Down: PCM16 frames queued for playback; a `mark` is echoed once
// the audio before it has played, `clear` stops playback at once (barge-in) and echoes the marks
// still pending, as Twilio does.

const RATE = 16000;

export function setupCall({ button, status, voicePath, roomId, callerId }) {
  let call;
  button.hidden = false;
  button.addEventListener('click', () => {
    if (call) {
      call.hangUp();
      call = undefined;
      return;
    }
    call = startCall({ voicePath, roomId, callerId, onEnd: (reason) => {
      call = undefined;
      button.textContent = 'Call';
      status.textContent = reason ? `call ended: ${reason}` : '';
    } });
    button.textContent = 'Hang up';
    status.textContent = 'calling…';
    call.ready.then(() => { status.textContent = 'on call'; }, (err) => { status.textContent = `call failed: ${err.message}`; });
  });
}

function startCall({ voicePath, roomId, callerId, onEnd }) {
  const ctx = new AudioContext({ sampleRate: RATE });
  const url = new URL(voicePath, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(url);
  ws.binaryType = 'arraybuffer';
  /** Scheduled sources and pending marks, in playback order. */
  let sources = [];
  let marks = [];
  let playhead = 0;
  let mic;

  const echo = (name) => { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'mark', name })); };
  const play = (buffer) => {
    const samples = new Int16Array(buffer);
    const audio = ctx.createBuffer(1, samples.length, RATE);
    const channel = audio.getChannelData(0);
    for (let i = 0; i < samples.length; i++) channel[i] = samples[i] / 0x8000;
    const source = ctx.createBufferSource();
    source.buffer = audio;
    source.connect(ctx.destination);
    playhead = Math.max(playhead, ctx.currentTime);
    source.start(playhead);
    playhead += audio.duration;
    sources.push(source);
    source.onended = () => { sources = sources.filter((s) => s !== source); };
  };
  const mark = (name) => {
    const at = Math.max(playhead, ctx.currentTime);
    const timer = setTimeout(() => { marks = marks.filter((m) => m.timer !== timer); echo(name); }, (at - ctx.currentTime) * 1000);
    marks.push({ name, timer });
  };
  const clear = () => {
    for (const s of sources) s.stop();
    sources = [];
    playhead = ctx.currentTime;
    for (const m of marks) { clearTimeout(m.timer); echo(m.name); }
    marks = [];
  };

  const ready = (async () => {
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('voice socket failed')); });
    ws.send(JSON.stringify({ type: 'start', roomId, callerId }));
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, channelCount: 1 } });
    await ctx.audioWorklet.addModule('/chat/pcm-worklet.js');
    const node = new AudioWorkletNode(ctx, 'pcm-capture');
    node.port.onmessage = ({ data }) => { if (ws.readyState === WebSocket.OPEN) ws.send(data); };
    const input = ctx.createMediaStreamSource(stream);
    input.connect(node);
    mic = { stream, node, input };
  })();

  ws.onmessage = ({ data }) => {
    if (data instanceof ArrayBuffer) return play(data);
    const message = JSON.parse(data);
    if (message.type === 'mark') mark(message.name);
    else if (message.type === 'clear') clear();
    else if (message.type === 'error') console.warn('[voice]', message.error);
  };
  const stop = () => {
    mic?.input.disconnect();
    mic?.node.disconnect();
    for (const track of mic?.stream.getTracks() ?? []) track.stop();
    void ctx.close();
  };
  ws.onclose = (e) => { stop(); onEnd(e.reason); };

  return {
    ready,
    hangUp() {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'stop' }));
      else ws.close();
    },
  };
}
