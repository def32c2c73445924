// Unit tests of switchboard.js against a scripted fake WebSocket server, run in Chromium by
// SwitchboardJsIT. Each test returns nothing or throws; run() returns {name: 'ok' | error}.
import { SwitchboardClient, PeerMesh, backoffDelay, filterIceServers } from '/switchboard.js';

class FakeSocket {
  constructor(server, url, protocol) {
    this.server = server;
    this.url = url;
    this.protocol = protocol;
    this.readyState = 0;
    this.sent = [];
    server.sockets.push(this);
    setTimeout(() => {
      this.readyState = 1;
      server.onConnect(this);
    }, 0);
  }
  send(text) {
    if (this.readyState !== 1) throw new Error('send on a closed socket');
    const msg = JSON.parse(text);
    this.sent.push(msg);
    this.server.onMessage(this, msg);
  }
  close(code = 1000, reason = '') {
    if (this.readyState === 3) return;
    this.readyState = 3;
    setTimeout(() => this.onclose?.({ code, reason }), 0);
  }
  push(msg) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
}

/** A fake server: each connection gets a welcome; `handlers[type](socket, msg)` answer requests. */
function fakeServer(handlers = {}, welcomeExtra = {}) {
  const server = {
    sockets: [], connections: 0, handlers,
    onConnect(ws) {
      server.connections++;
      const n = server.connections;
      ws.push({ type: 'welcome', seq: 1, sessionId: `s_${n}`, peerId: `p_${n}`, resumeToken: `rt_${n}`,
        authRequired: false, heartbeat: { intervalMs: 20000, timeoutMs: 45000 }, ...welcomeExtra });
    },
    onMessage(ws, msg) {
      const h = server.handlers[msg.type];
      if (h) h(ws, msg);
    },
    get last() { return server.sockets[server.sockets.length - 1]; },
    WebSocket: null,
  };
  server.WebSocket = function (url, protocol) { return new FakeSocket(server, url, protocol); };
  return server;
}

const joinedReply = (ws, msg, seq) => ws.push({
  type: 'joined', re: msg.id, seq, room: { id: msg.room, capacity: 4, size: 1 }, self: { peerId: 'p_1' },
  peers: [], offerTo: [], iceServers: [{ urls: ['stun:h:3478'] }], iceTtl: 3600, history: [],
});

function assert(cond, what) {
  if (!cond) throw new Error(`expected ${what}`);
}

const until = async (cond, what, ms = 3000) => {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

function memoryStorage() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k) };
}


/** A fake server with one room: join replies with peers/offerTo, signal is forwarded to its target. */
function roomServer() {
  const members = new Map();
  let seq = 10;
  const server = fakeServer({
    join: (ws, msg) => {
      const me = ws.peerId;
      const peers = [...members.keys()].map((id) => ({ peerId: id, name: id }));
      for (const other of members.values()) other.push({ type: 'peer.joined', seq: seq++, room: msg.room, peer: { peerId: me, name: me } });
      members.set(me, ws);
      ws.push({ type: 'joined', re: msg.id, seq: seq++, room: { id: msg.room, capacity: 4, size: members.size },
        self: { peerId: me }, peers, offerTo: peers.map((p) => p.peerId), iceServers: [], iceTtl: 3600, history: [] });
    },
    signal: (ws, msg) => {
      server.signals.push(msg.kind);
      server.trace.push(`${Math.round(performance.now())} ${ws.peerId}>${msg.to}:${msg.kind}${msg.payload?.type ? '(' + msg.payload.type + ')' : ''}`);
      members.get(msg.to)?.push({ type: 'signal', seq: seq++, room: msg.room, from: ws.peerId, kind: msg.kind, payload: msg.payload });
    },
  });
  server.signals = [];
  server.nextSeq = () => seq++;
  server.trace = [];
  const connect = server.onConnect;
  server.onConnect = (ws) => {
    connect(ws);
    ws.peerId = `p_${server.connections}`;
  };
  return server;
}

const connectedAndOpen = (mesh, peerId) => {
  const link = mesh.links.get(peerId);
  return link && link.pc.connectionState === 'connected' && link.dc.readyState === 'open';
};

const tests = {
  'backoff grows, is capped and jittered'() {
    for (let attempt = 0; attempt < 20; attempt++) {
      const cap = Math.min(15000, 500 * 2 ** attempt);
      const hi = backoffDelay(attempt, 500, 15000, () => 0.999999);
      const lo = backoffDelay(attempt, 500, 15000, () => 0);
      assert(hi <= cap && hi >= cap * 0.99, `high end near ${cap}, got ${hi}`);
      assert(lo === 250, `low end 250, got ${lo}`);
    }
    assert(backoffDelay(3, 500, 15000, () => 0.5) === 2000, 'half of 4000 for random 0.5');
  },

  'ICE URL filters keep only the chosen transport'() {
    const servers = [{ urls: ['stun:h:3478'] }, {
      urls: ['turn:h:3478?transport=udp', 'turn:h:3478?transport=tcp', 'turns:h:5349?transport=tcp'],
      username: 'u', credential: 'c',
    }];
    const tcp = filterIceServers(servers, 'tcp');
    assert(JSON.stringify(tcp) === JSON.stringify([{ urls: ['turn:h:3478?transport=tcp'], username: 'u', credential: 'c' }]), 'tcp only');
    assert(filterIceServers(servers, 'tls')[0].urls.join() === 'turns:h:5349?transport=tcp', 'turns only');
    assert(filterIceServers(servers, 'udp')[0].urls.join() === 'turn:h:3478?transport=udp', 'udp only');
    assert(filterIceServers(servers).length === 2, 'no filter keeps all');
    assert(filterIceServers(servers, undefined, (u) => u.startsWith('stun')).length === 1, 'custom filter');
  },

  async 'requests resolve with their reply and reject with the error code'() {
    const server = fakeServer({
      join: (ws, msg) => (msg.room === 'full'
        ? ws.push({ type: 'error', re: msg.id, code: 'room_full', message: 'room full is full (2/2)' })
        : joinedReply(ws, msg, 2)),
    });
    const client = new SwitchboardClient({ url: 'wss://x/ws', WebSocket: server.WebSocket });
    const welcome = await client.connect();
    assert(welcome.peerId === 'p_1' && client.peerId === 'p_1', 'peerId from welcome');
    assert(server.last.protocol === 'switchboard.v1', 'subprotocol switchboard.v1');
    const joined = await client.join('standup', { name: 'Alice' });
    assert(joined.room.id === 'standup', 'joined reply');
    assert(server.last.sent[0].name === 'Alice' && server.last.sent[0].room === 'standup', 'join fields sent');
    let code = null;
    await client.join('full').catch((e) => { code = e.code; });
    assert(code === 'room_full', `room_full, got ${code}`);
    client.close();
    assert(server.last.sent.at(-1).type === 'bye', 'close sends bye');
  },

  async 'a dropped connection resumes with the same peerId and skips replayed events'() {
    const server = fakeServer({
      join: (ws, msg) => joinedReply(ws, msg, 2),
      hello: (ws, msg) => {
        ws.push({ type: 'resumed', re: msg.id, peerId: 'p_1', rooms: ['standup'] });
        ws.push({ type: 'chat', seq: 3, room: 'standup', from: 'p_9', name: 'Bob', text: 'one', ts: 1 });
        ws.push({ type: 'chat', seq: 4, room: 'standup', from: 'p_9', name: 'Bob', text: 'two', ts: 2 });
      },
    });
    const client = new SwitchboardClient({ url: 'wss://x/ws', WebSocket: server.WebSocket, backoffBaseMs: 10, backoffMaxMs: 20 });
    const chats = [];
    const states = [];
    client.addEventListener('chat', (e) => chats.push(e.detail.text));
    client.addEventListener('state', (e) => states.push(e.detail));
    let resumed = null;
    client.addEventListener('resumed', (e) => { resumed = e.detail; });
    await client.connect();
    await client.join('standup', { name: 'Alice' });
    server.last.push({ type: 'chat', seq: 3, room: 'standup', from: 'p_9', name: 'Bob', text: 'one', ts: 1 });
    server.last.close(1006);
    await until(() => resumed, 'resumed');
    const hello = server.last.sent[0];
    assert(hello.type === 'hello' && hello.resume.sessionId === 's_1' && hello.resume.resumeToken === 'rt_1', 'resume ticket');
    assert(hello.resume.lastSeq === 3, `lastSeq 3, got ${hello.resume.lastSeq}`);
    await until(() => chats.length === 2, 'two chats');
    assert(chats.join() === 'one,two', `each event once, in order: ${chats}`);
    assert(client.peerId === 'p_1', 'same peerId after resume');
    assert(client.rooms.has('standup'), 'rooms kept');
    assert(states.includes('reconnecting'), 'reconnecting state reported');
    client.close();
  },

  async 'a failed resume starts over and joins the rooms again'() {
    const server = fakeServer({
      join: (ws, msg) => joinedReply(ws, msg, 2),
      hello: (ws, msg) => ws.push({ type: 'error', re: msg.id, code: 'resume_failed', message: 'too late' }),
    });
    const client = new SwitchboardClient({ url: 'wss://x/ws', WebSocket: server.WebSocket, backoffBaseMs: 10, backoffMaxMs: 20 });
    let reset = null;
    client.addEventListener('session.reset', (e) => { reset = e.detail; });
    await client.connect();
    await client.join('standup', { name: 'Alice', password: 'pw' });
    server.last.close(1006);
    await until(() => reset, 'session.reset');
    assert(client.peerId === 'p_2', `new peerId p_2, got ${client.peerId}`);
    const rejoin = server.last.sent.find((m) => m.type === 'join');
    assert(rejoin && rejoin.room === 'standup' && rejoin.name === 'Alice' && rejoin.password === 'pw', 'joined again with the same options');
    assert(reset.rooms.length === 1, 'reset lists the rejoined room');
    client.close();
  },

  async 'a reloaded page resumes from the stored ticket'() {
    const storage = memoryStorage();
    const server = fakeServer({
      join: (ws, msg) => joinedReply(ws, msg, 2),
      hello: (ws, msg) => ws.push({ type: 'resumed', re: msg.id, peerId: 'p_1', rooms: ['standup'] }),
    });
    const first = new SwitchboardClient({ url: 'wss://x/ws', WebSocket: server.WebSocket, storage });
    await first.connect();
    await first.join('standup', { name: 'Alice' });
    // A reload: a new page with the same sessionStorage while the old socket is simply gone.
    const reloaded = memoryStorage();
    reloaded.setItem('switchboard.session', storage.getItem('switchboard.session'));
    first.dropConnection();
    first._closing = true;
    const second = new SwitchboardClient({ url: 'wss://x/ws', WebSocket: server.WebSocket, storage: reloaded });
    assert(second.sessionId === 's_1' && second.rooms.has('standup'), 'ticket restored');
    const r = await second.connect();
    assert(r.type === 'resumed' && second.peerId === 'p_1', 'resumed as p_1');
    second.close();
    assert(reloaded.getItem('switchboard.session') === null, 'bye forgets the ticket');
  },

  async 'two meshes negotiate, survive simultaneous ICE restarts and a reload'() {
    const server = roomServer();
    const a = new SwitchboardClient({ url: 'wss://x/ws', WebSocket: server.WebSocket });
    const b = new SwitchboardClient({ url: 'wss://x/ws', WebSocket: server.WebSocket });
    await a.connect();
    await b.connect();
    const meshA = new PeerMesh(a, 'm');
    meshA.start(await a.join('m'));
    const meshB = new PeerMesh(b, 'm');
    const joinedB = await b.join('m');
    assert(joinedB.offerTo.join() === 'p_1', 'B offers to A');
    meshB.start(joinedB);
    await until(() => connectedAndOpen(meshA, 'p_2') && connectedAndOpen(meshB, 'p_1'), 'A and B connected', 10000);
    assert(server.signals.filter((k) => k === 'offer').length >= 1, 'an offer was relayed');
    const gotB = [];
    meshB.addEventListener('data', (e) => gotB.push(`${e.detail.peerId}:${e.detail.data}`));
    meshA.send('hi');
    await until(() => gotB.includes('p_1:hi'), 'data A to B');
    assert(meshA.links.get('p_2').polite === false && meshB.links.get('p_1').polite === true, 'polite is the greater peerId');

    // Both sides restart at once: perfect negotiation must settle the offer collision.
    const errors = [];
    for (const m of [meshA, meshB]) m.addEventListener('error', (e) => errors.push(String(e.detail.error)));
    const offersBefore = server.signals.filter((k) => k === 'offer').length;
    meshA.restartIce();
    meshB.restartIce();
    await until(() => server.signals.filter((k) => k === 'offer').length >= offersBefore + 2, 'two restart offers', 5000);
    await until(() => meshA.links.get('p_2').pc.signalingState === 'stable'
      && meshB.links.get('p_1').pc.signalingState === 'stable', 'stable after glare', 10000)
      .catch((e) => { throw new Error(`${e.message}: A ${meshA.links.get('p_2').pc.signalingState}, B ${meshB.links.get('p_1').pc.signalingState}, signals ${server.signals.filter((k) => k !== 'candidate').join(' ')}, errors ${errors.join(' | ')}`); });
    meshA.send('after restart');
    await until(() => gotB.includes('p_1:after restart'), 'data after restart');

    // A fresh ice.servers reaches the live connection through setConfiguration.
    const aSocket = server.sockets.find((ws) => ws.peerId === 'p_1');
    aSocket.push({ type: 'ice.servers', seq: server.nextSeq(), iceServers: [{ urls: ['stun:127.0.0.1:9'] }], iceTtl: 60 });
    const live = meshA.links.get('p_2').pc.getConfiguration().iceServers;
    assert(live.length === 1 && live[0].urls.includes('stun:127.0.0.1:9'), `live config updated: ${JSON.stringify(live)}`);

    // B reloads: its connections are gone; the new page sends restart and both start over.
    meshB.close(true);
    const meshB2 = new PeerMesh(b, 'm');
    meshB2.members.set('p_1', { peerId: 'p_1', name: 'p_1' });
    const gotB2 = [];
    meshB2.addEventListener('data', (e) => gotB2.push(e.detail.data));
    meshB2._onResumed({ rooms: ['m'] });
    assert(server.signals.includes('restart'), 'restart signal sent');
    const describePc = (pc) => pc && `${pc.signalingState}/${pc.iceConnectionState}/${pc.connectionState}/${pc.iceGatheringState}`;
    const mark = server.signals.length;
    await until(() => connectedAndOpen(meshA, 'p_2') && connectedAndOpen(meshB2, 'p_1'), 'reconnected after reload', 10000)
      .catch((e) => { throw new Error(`${e.message}: A ${describePc(meshA.links.get('p_2')?.pc)} dc ${meshA.links.get('p_2')?.dc.readyState}, B ${describePc(meshB2.links.get('p_1')?.pc)}, mark ${mark} trace ${server.trace.slice(-30).join(", ")}, errors ${errors.join(' | ')}`); });
    meshA.send('welcome back');
    await until(() => gotB2.includes('welcome back'), 'data after reload');

    // A says bye: B drops the connection.
    meshA.close();
    await until(() => !meshB2.links.has('p_1'), 'bye removes the link');
    meshB2.close(true);
    a.close();
    b.close();
  },

  async 'server.draining delays the reconnect as asked, then resumes'() {
    const server = fakeServer({
      hello: (ws, msg) => ws.push({ type: 'resumed', re: msg.id, peerId: 'p_1', rooms: [] }),
    });
    const client = new SwitchboardClient({ url: 'wss://x/ws', WebSocket: server.WebSocket, backoffBaseMs: 10, backoffMaxMs: 20 });
    let resumedAt = 0;
    client.addEventListener('resumed', () => { resumedAt = performance.now(); });
    await client.connect();
    server.last.push({ type: 'server.draining', seq: 2, reconnectInMs: 300 });
    const closedAt = performance.now();
    server.last.close(1001);
    await until(() => resumedAt, 'resumed after drain');
    assert(resumedAt - closedAt >= 300, `waited ${Math.round(resumedAt - closedAt)} ms, at least 300`);
    client.close();
  },

  async 'a close with 4009 (resumed on another connection) ends the client instead of resuming back'() {
    const server = fakeServer();
    const client = new SwitchboardClient({ url: 'wss://x/ws', WebSocket: server.WebSocket, backoffBaseMs: 10, backoffMaxMs: 20 });
    const states = [];
    let error = null;
    client.addEventListener('state', (e) => states.push(e.detail));
    client.addEventListener('error', (e) => { error = e.detail; });
    await client.connect();
    server.last.close(4009, 'the session resumed on another connection');
    await until(() => error, 'error event');
    assert(error.code === 'session_resumed_elsewhere', `code session_resumed_elsewhere, got ${error.code}`);
    await new Promise((r) => setTimeout(r, 100)); // several backoff periods
    assert(server.sockets.length === 1, `no reconnect, got ${server.sockets.length} sockets`);
    assert(states.at(-1) === 'closed' && !states.includes('reconnecting'), `closed, not reconnecting: ${states}`);
  },

  async 'a message over limits.maxMessageBytes is refused locally and the connection stays'() {
    const server = fakeServer({ join: (ws, msg) => joinedReply(ws, msg, 2) }, { limits: { maxMessageBytes: 200 } });
    const client = new SwitchboardClient({ url: 'wss://x/ws', WebSocket: server.WebSocket });
    const errors = [];
    client.addEventListener('error', (e) => errors.push(e.detail));
    await client.connect();
    await client.join('standup');
    const sentBefore = server.last.sent.length;
    assert(client.chat('standup', 'x'.repeat(150)), 'a chat under the limit is sent');
    // 60 characters of 3 UTF-8 bytes each: under the limit in characters, over it in bytes.
    assert(!client.chat('standup', '€'.repeat(60)), 'a chat over the limit in bytes is refused');
    assert(errors.length === 1 && errors[0].code === 'message_too_large', `one message_too_large error, got ${JSON.stringify(errors)}`);
    let rejected = null;
    await client.join('x'.repeat(300)).catch((e) => { rejected = e; });
    assert(rejected && rejected.code === 'message_too_large', `join rejected with message_too_large, got ${rejected && rejected.code}`);
    assert(errors.length === 1, 'a refused request rejects without an error event as well');
    assert(server.last.sent.length === sentBefore + 1, `only the chat under the limit went out, got ${server.last.sent.length - sentBefore}`);
    assert(server.sockets.length === 1 && client.state === 'open', 'the connection stays open');
    client.close();
  },

  async 'ice.servers updates the rooms ICE servers'() {
    const server = fakeServer({ join: (ws, msg) => joinedReply(ws, msg, 2) });
    const client = new SwitchboardClient({ url: 'wss://x/ws', WebSocket: server.WebSocket });
    await client.connect();
    await client.join('standup');
    let event = null;
    client.addEventListener('ice.servers', (e) => { event = e.detail; });
    server.last.push({ type: 'ice.servers', seq: 3, iceServers: [{ urls: ['turn:new:3478'] }], iceTtl: 60 });
    assert(event && client.iceServers('standup')[0].urls[0] === 'turn:new:3478', 'fresh servers applied');
    client.refreshIce();
    assert(server.last.sent.at(-1).type === 'ice.refresh', 'ice.refresh sent');
    client.close();
  },
};

export async function run() {
  const results = {};
  for (const [name, fn] of Object.entries(tests)) {
    try {
      await fn();
      results[name] = 'ok';
    } catch (e) {
      results[name] = String(e && e.stack || e);
    }
  }
  return results;
}
