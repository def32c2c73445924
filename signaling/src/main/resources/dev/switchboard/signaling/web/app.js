// The demo room: mesh video, chat and participants over switchboard.js.
// Test hooks: window.switchboardApp (state and actions). URL parameters: name, room, password,
// capacity, join=1 (join at once), relay=1 (iceTransportPolicy relay), turn=udp|tcp|tls (keep
// only those TURN URLs), media=0 (no camera/mic).
import { SwitchboardClient, PeerMesh, selectedRoute } from '/switchboard.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const roomFromPath = roomInPath(location.pathname);

/** The room of a /r/ROOM URL; '' when there is none or its escapes are broken (the form asks then). */
function roomInPath(path) {
  const raw = (path.match(/^\/r\/([^/]+)/) || [])[1] || '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return ''; // a URIError here would stop the whole module, and the page would be dead
  }
}

const ERRORS = {
  room_full: 'This room is full. Try another room or ask someone to leave.',
  wrong_password: 'Wrong password for this room.',
  room_not_found: 'There is no such room.',
  room_exists: 'A room with that name already exists.',
  rate_limited: 'Too many attempts, wait a moment and try again.',
  unauthorized: 'This server needs a login token.',
  bad_request: 'The server did not accept that: ',
  not_connected: 'Cannot reach the server. Check your connection; retrying…',
  message_too_large: 'That is too long to send: ',
  session_resumed_elsewhere: 'This call went on in another tab or window, so this one left it. Reload to take it back here.',
};

const state = {
  status: 'offline', room: null, peerId: null, capacity: null, joined: false,
  peers: {}, chat: [], errors: [], data: [], media: { mic: false, camera: false, screen: false },
};

const client = new SwitchboardClient({ storage: sessionStorage });
let mesh = null;
let localStream = null;
let screenTrack = null;
let routeTimer = null;

function showError(text) {
  state.errors.push(text);
  const box = $('error');
  box.textContent = text;
  box.hidden = false;
}

function clearError() {
  $('error').hidden = true;
}

function explain(err) {
  const base = ERRORS[err.code];
  if (!base) return err.message || String(err);
  return base.endsWith(': ') ? base + err.message : base;
}

client.addEventListener('state', (ev) => {
  state.status = ev.detail;
  const el = $('status');
  el.textContent = ev.detail;
  el.className = `status ${ev.detail}`;
});
client.addEventListener('error', (ev) => {
  showError(explain(ev.detail));
  if (ev.detail.code === 'session_resumed_elsewhere') letGo();
});
client.addEventListener('chat', (ev) => addChat(ev.detail));
client.addEventListener('peer.updated', (ev) => {
  const p = state.peers[ev.detail.peerId ?? ev.detail.peer?.peerId];
  if (p && ev.detail.state) p.signaling = ev.detail.state;
  renderPeers();
});
client.addEventListener('server.draining', () => showError('The server is restarting; reconnecting shortly…'));
client.addEventListener('session.reset', () => {
  state.peerId = client.peerId;
  showError('The connection was lost for too long; rejoined the room as a new participant.');
});

async function startMedia() {
  if (params.get('media') === '0') return null;
  try {
    localStream = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  } catch (e) {
    const denied = e.name === 'NotAllowedError' || e.name === 'SecurityError';
    showError(denied
      ? 'Camera/microphone access was denied: allow it in the browser to be seen and heard. You can still watch and chat.'
      : `No camera/microphone available (${e.name}). You can still watch and chat.`);
    return null;
  }
  state.media.mic = localStream.getAudioTracks().length > 0;
  state.media.camera = localStream.getVideoTracks().length > 0;
  $('local-video').srcObject = localStream;
  syncButtons();
  return localStream;
}

function meshOptions() {
  return {
    localStream,
    storage: sessionStorage,
    iceTransportPolicy: params.get('relay') === '1' ? 'relay' : 'all',
    transport: params.get('turn') || undefined,
  };
}

function createMesh(room) {
  mesh = new PeerMesh(client, room, meshOptions());
  mesh.addEventListener('peer', (ev) => {
    peerState(ev.detail.peerId).name = ev.detail.name;
    renderPeers();
  });
  mesh.addEventListener('peer.removed', (ev) => {
    delete state.peers[ev.detail.peerId];
    $(`tile-${ev.detail.peerId}`)?.remove();
    renderPeers();
  });
  mesh.addEventListener('track', (ev) => attachTrack(ev.detail.peerId, ev.detail.track, ev.detail.streams));
  mesh.addEventListener('state', (ev) => {
    peerState(ev.detail.peerId).connectionState = ev.detail.connectionState;
    if (ev.detail.connectionState === 'connected') updateRoute(ev.detail.peerId);
    renderPeers();
  });
  mesh.addEventListener('data', (ev) => state.data.push({ from: ev.detail.peerId, data: ev.detail.data }));
  mesh.addEventListener('error', (ev) => console.warn('peer', ev.detail.peerId, ev.detail.error));
  for (const m of mesh.members.values()) peerState(m.peerId).name = m.name;
  clearInterval(routeTimer);
  routeTimer = setInterval(() => Object.keys(state.peers).forEach(updateRoute), 2000);
  return mesh;
}

function peerState(peerId) {
  if (!state.peers[peerId]) {
    state.peers[peerId] = { peerId, name: peerId, connectionState: 'new', route: null, video: false };
  }
  return state.peers[peerId];
}

async function updateRoute(peerId) {
  const link = mesh?.links.get(peerId);
  if (!link || !state.peers[peerId]) return;
  const route = await selectedRoute(link.pc).catch(() => null);
  if (state.peers[peerId]) {
    state.peers[peerId].route = route;
    renderPeers();
  }
}

function attachTrack(peerId, track, streams) {
  const p = peerState(peerId);
  let tile = $(`tile-${peerId}`);
  if (!tile) {
    tile = document.createElement('figure');
    tile.className = 'tile';
    tile.id = `tile-${peerId}`;
    const video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    const cap = document.createElement('figcaption');
    tile.append(video, cap);
    $('videos').append(tile);
  }
  tile.querySelector('figcaption').textContent = p.name;
  const video = tile.querySelector('video');
  video.srcObject = streams[0] || new MediaStream([track]);
  if (track.kind === 'video') p.video = true;
  video.play().catch(() => {});
}

function renderPeers() {
  const list = $('participants');
  list.replaceChildren();
  const me = document.createElement('li');
  me.textContent = `${$('name').value || 'You'} (you)`;
  list.append(me);
  for (const p of Object.values(state.peers)) {
    const li = document.createElement('li');
    li.dataset.peerId = p.peerId;
    const name = document.createElement('span');
    name.textContent = p.name;
    const info = document.createElement('span');
    info.className = 'route';
    const via = p.route ? (p.route.direct ? 'direct' : `via relay (${p.route.local?.relayProtocol || p.route.local?.protocol})`) : '';
    info.textContent = [p.signaling === 'reconnecting' ? 'reconnecting' : p.connectionState, via]
      .filter(Boolean).join(' · ');
    li.append(name, info);
    list.append(li);
    const cap = $(`tile-${p.peerId}`)?.querySelector('figcaption');
    if (cap) cap.textContent = p.name;
  }
  $('room-size').textContent = state.capacity ? `${Object.keys(state.peers).length + 1}/${state.capacity}` : '';
}

function addChat(m) {
  state.chat.push({ from: m.from, name: m.name, text: m.text, ts: m.ts });
  const li = document.createElement('li');
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = m.name || m.from;
  const time = new Date(m.ts || Date.now()).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  li.title = time;
  li.append(who, document.createTextNode(m.text));
  $('chat-log').append(li);
  li.scrollIntoView({ block: 'end' });
}

function enterRoom(room, joined) {
  state.room = room;
  state.joined = true;
  state.peerId = client.peerId;
  state.capacity = joined?.room?.capacity ?? state.capacity;
  $('room-name').textContent = room;
  $('join').hidden = true;
  $('room-view').hidden = false;
  if (location.pathname !== `/r/${encodeURIComponent(room)}`) {
    history.replaceState(null, '', `/r/${encodeURIComponent(room)}${location.search}`);
  }
  renderPeers();
}

async function join(name, room, password) {
  clearError();
  $('join-button').disabled = true;
  try {
    await client.connect();
    if (!localStream) await startMedia();
    const opts = { name };
    if (password) opts.password = password;
    if (params.get('capacity')) opts.capacity = Number(params.get('capacity'));
    const joined = await client.join(room, opts);
    createMesh(room);
    for (const h of joined.history || []) addChat(h);
    enterRoom(room, joined);
    mesh.start(joined);
    return joined;
  } catch (e) {
    showError(explain(e));
    throw e;
  } finally {
    $('join-button').disabled = false;
  }
}

/** A reloaded page: resume the stored session and rebuild the mesh. */
async function resume() {
  const stored = [...client.rooms.values()][0];
  const room = stored.joinOptions.room;
  $('name').value = stored.joinOptions.name || '';
  await startMedia();
  createMesh(room);
  for (const h of stored.joined?.history || []) addChat(h);
  enterRoom(room, stored.joined);
  try {
    const r = await client.connect();
    state.resumed = r.type === 'resumed';
    state.peerId = client.peerId;
  } catch (e) {
    showError(explain(e));
  }
}

async function leave() {
  clearInterval(routeTimer);
  mesh?.close();
  mesh = null;
  if (state.room) await client.leave(state.room).catch(() => {});
  for (const id of Object.keys(state.peers)) $(`tile-${id}`)?.remove();
  Object.assign(state, { room: null, joined: false, peers: {}, chat: [] });
  $('chat-log').replaceChildren();
  $('room-view').hidden = true;
  $('join').hidden = false;
  history.replaceState(null, '', '/');
}

/**
 * The session went on in another tab (a duplicated tab copies the stored ticket): this one leaves the
 * call and lets go of the camera, the microphone and the screen, which the other tab may want.
 */
function letGo() {
  leave();
  screenTrack?.stop();
  screenTrack = null; // stop() fires no ended event
  localStream?.getTracks().forEach((t) => t.stop());
  localStream = null;
  $('local-video').srcObject = null;
  Object.assign(state.media, { mic: false, camera: false, screen: false });
  syncButtons();
}

function toggle(kind) {
  if (!localStream) {
    showError('No camera/microphone: allow access in the browser and reload.');
    return;
  }
  const tracks = kind === 'mic' ? localStream.getAudioTracks() : localStream.getVideoTracks();
  state.media[kind] = !state.media[kind];
  tracks.forEach((t) => { t.enabled = state.media[kind]; });
  syncButtons();
}

async function toggleScreen() {
  if (screenTrack) {
    screenTrack.stop();
    return;
  }
  try {
    const display = await navigator.mediaDevices.getDisplayMedia({ video: true });
    screenTrack = display.getVideoTracks()[0];
  } catch (e) {
    showError(`Screen sharing did not start (${e.name}).`);
    return;
  }
  await mesh?.replaceTrack('video', screenTrack);
  $('local-video').srcObject = new MediaStream([screenTrack]);
  state.media.screen = true;
  screenTrack.onended = async () => {
    screenTrack = null;
    state.media.screen = false;
    const cam = localStream?.getVideoTracks()[0] || null;
    await mesh?.replaceTrack('video', cam);
    $('local-video').srcObject = localStream;
    syncButtons();
  };
  syncButtons();
}

function syncButtons() {
  const set = (id, on, onText, offText) => {
    $(id).setAttribute('aria-pressed', String(on));
    $(id).textContent = on ? onText : offText;
  };
  set('toggle-mic', state.media.mic, 'Mic on', 'Mic off');
  set('toggle-cam', state.media.camera, 'Camera on', 'Camera off');
  set('toggle-screen', state.media.screen, 'Stop sharing', 'Share screen');
}

$('join').addEventListener('submit', (ev) => {
  ev.preventDefault();
  localStorage.setItem('switchboard.name', $('name').value);
  join($('name').value.trim(), $('room').value.trim(), $('password').value).catch(() => {});
});
$('chat-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  const text = $('chat-input').value;
  if (!text || !state.room) return;
  if (client.chat(state.room, text)) $('chat-input').value = '';
  else if (client.state !== 'open') showError('Not connected: the message was not sent.');
  // else the client's error event has said why (over the server's message size limit).
});
$('toggle-mic').addEventListener('click', () => toggle('mic'));
$('toggle-cam').addEventListener('click', () => toggle('camera'));
$('toggle-screen').addEventListener('click', toggleScreen);
$('leave').addEventListener('click', leave);

$('name').value = params.get('name') || localStorage.getItem('switchboard.name') || '';
$('room').value = roomFromPath || params.get('room') || '';
$('password').value = params.get('password') || '';

window.switchboardApp = {
  state, client,
  get mesh() { return mesh; },
  join: (name, room, password) => join(name, room, password),
  leave,
  chat: (text) => client.chat(state.room, text),
  sendData: (text, peerId) => mesh?.send(text, peerId) ?? 0,
  route: (peerId) => (mesh ? mesh.route(peerId) : null),
  ready: null,
};

if (client.sessionId && client.rooms.size > 0) {
  window.switchboardApp.ready = resume();
} else if (params.get('join') === '1' && $('name').value && $('room').value) {
  window.switchboardApp.ready = join($('name').value, $('room').value, $('password').value).catch((e) => e);
} else {
  window.switchboardApp.ready = Promise.resolve();
}
