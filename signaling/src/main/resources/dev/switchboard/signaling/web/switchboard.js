// switchboard.js: the browser SDK for a Switchboard server (signaling protocol v1, PROTOCOL.md).
// Plain ES module, no dependencies: import { SwitchboardClient, PeerMesh } from '/switchboard.js'.

/** An `error` reply from the server (or a local failure) with the protocol's error code. */
export class SwitchboardError extends Error {
  constructor(code, message, retryAfterMs) {
    super(message || code);
    this.name = 'SwitchboardError';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Default WebSocket URL: the /ws endpoint of the origin that served the page. */
export function defaultUrl(loc = globalThis.location) {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/ws`;
}

/**
 * Exponential backoff with full jitter: a random delay in [0, min(maxMs, baseMs * 2^attempt)],
 * never below baseMs / 2 so a flapping server is not hammered.
 */
export function backoffDelay(attempt, baseMs = 500, maxMs = 15000, random = Math.random) {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.max(baseMs / 2, Math.floor(random() * cap));
}

/**
 * One signaling session. Events (CustomEvent, the message in `detail`): `welcome`, `state`
 * (detail: 'connecting' | 'open' | 'reconnecting' | 'closed'), `resumed`, `session.reset` (resume
 * failed: new peerId, rooms joined again), `peer.joined`, `peer.left`, `peer.updated`, `signal`,
 * `chat`, `ice.servers`, `server.draining`, `error` (errors that answer no request), `message`
 * (every message).
 */
export class SwitchboardClient extends EventTarget {
  /**
   * @param {object} [opts]
   * @param {string} [opts.url] WebSocket URL, default wss://<page host>/ws
   * @param {string} [opts.token] JWT for servers with authRequired
   * @param {Storage} [opts.storage] where to keep the resume ticket (e.g. sessionStorage) so a
   *   reloaded page resumes the same session; default none
   * @param {number} [opts.backoffBaseMs] @param {number} [opts.backoffMaxMs]
   * @param {number} [opts.requestTimeoutMs] default 10000
   */
  constructor(opts = {}) {
    super();
    this.url = opts.url || defaultUrl();
    this.token = opts.token;
    this.storage = opts.storage || null;
    this.storageKey = opts.storageKey || 'switchboard.session';
    this.backoffBaseMs = opts.backoffBaseMs ?? 500;
    this.backoffMaxMs = opts.backoffMaxMs ?? 15000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 10000;
    this.WebSocketImpl = opts.WebSocket || globalThis.WebSocket;
    this.state = 'closed';
    this.peerId = null;
    this.sessionId = null;
    this.resumeToken = null;
    this.lastSeq = 0;
    this.welcome = null;
    /** room id → {joinOptions, joined (the last `joined` reply), iceServers, iceTtl} */
    this.rooms = new Map();
    this._pending = new Map();
    this._nextId = 1;
    this._ws = null;
    this._attempt = 0;
    this._closing = false;
    this._ready = null;
    this._retryTimer = null;
    this._restoreTicket();
  }

  /** Opens the session; resolves once the server has welcomed (or resumed) it. */
  connect() {
    this._closing = false;
    if (!this._ready) {
      this._ready = deferred();
      this._open();
    }
    return this._ready.promise;
  }

  /** Ends the session for good (`bye`): no resume, others see the peer leave at once. */
  close() {
    this._closing = true;
    clearTimeout(this._retryTimer);
    if (this._ws && this._ws.readyState === 1) this._ws.send(JSON.stringify({ type: 'bye' }));
    if (this._ws) this._ws.close(1000, 'bye');
    this._forgetTicket();
    this._failPending(new SwitchboardError('closed', 'session closed'));
    this._setState('closed');
  }

  /** Drops the socket without `bye`, as a network loss would (the server keeps the session). */
  dropConnection() {
    if (this._ws) this._ws.close(4000, 'client drop');
  }

  /** Joins (or creates) a room; resolves with the `joined` reply, rejects with SwitchboardError. */
  async join(room, opts = {}) {
    const joinOptions = { room, ...opts };
    const joined = await this.request({ type: 'join', ...joinOptions });
    this.rooms.set(room, {
      joinOptions, joined, iceServers: joined.iceServers || [], iceTtl: joined.iceTtl,
    });
    this._saveTicket();
    return joined;
  }

  async leave(room) {
    const reply = await this.request({ type: 'leave', room });
    this.rooms.delete(room);
    this._saveTicket();
    return reply;
  }

  /** Sends a signal (offer, answer, candidate, end-of-candidates, restart, bye) to one peer. */
  signal(room, to, kind, payload) {
    return this.send({ type: 'signal', room, to, kind, payload });
  }

  /** Sends a chat message to the room, or to one peer with `{to}`. */
  chat(room, text, opts = {}) {
    return this.send({ type: 'chat', room, text, ...(opts.to ? { to: opts.to } : {}) });
  }

  /** Asks for fresh ICE servers; they arrive as an `ice.servers` event. */
  refreshIce() {
    return this.send({ type: 'ice.refresh' });
  }

  /** App-level round trip time in ms. */
  async ping() {
    const t = Date.now();
    const reply = await this.request({ type: 'ping', t });
    return Date.now() - reply.t;
  }

  /** The ICE servers of a room (refreshed by `ice.servers`). */
  iceServers(room) {
    return this.rooms.get(room)?.iceServers || [];
  }

  /**
   * Sends a message without waiting for a reply; false if the socket is not open, or if the message
   * is over the server's `limits.maxMessageBytes` (an `error` event with code `message_too_large`).
   */
  send(msg) {
    const refused = this._transmit(msg);
    if (refused && refused.code === 'message_too_large') {
      this._emit('error', { type: 'error', code: refused.code, message: refused.message });
    }
    return !refused;
  }

  /** Sends `msg`; null when sent, else the SwitchboardError saying why not. */
  _transmit(msg) {
    if (!this._ws || this._ws.readyState !== 1 || this.state !== 'open') {
      return new SwitchboardError('not_connected', 'not connected to the signaling server');
    }
    const text = JSON.stringify(msg);
    const max = this.welcome?.limits?.maxMessageBytes;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: most messages need no encoding to know.
    if (max > 0 && text.length * 3 > max) {
      const bytes = new TextEncoder().encode(text).length;
      if (bytes > max) {
        // The server would close the connection with 1009 and the message would be lost with it.
        return new SwitchboardError('message_too_large',
          `${msg.type} of ${bytes} bytes is over the server's limit of ${max} bytes`);
      }
    }
    this._ws.send(text);
    return null;
  }

  /** Sends a request with an id and resolves with the reply carrying it in `re`. */
  request(msg) {
    const id = String(this._nextId++);
    const d = deferred();
    const timer = setTimeout(() => {
      this._pending.delete(id);
      d.reject(new SwitchboardError('timeout', `no reply to ${msg.type} within ${this.requestTimeoutMs} ms`));
    }, this.requestTimeoutMs);
    this._pending.set(id, { d, timer });
    const refused = this._transmit({ ...msg, id });
    if (refused) {
      clearTimeout(timer);
      this._pending.delete(id);
      d.reject(refused);
    }
    return d.promise;
  }

  // --- connection handling ---

  _open() {
    clearTimeout(this._retryTimer);
    this._setState(this.sessionId ? 'reconnecting' : 'connecting');
    let ws;
    try {
      ws = new this.WebSocketImpl(this.url, 'switchboard.v1');
    } catch (e) {
      this._scheduleReconnect();
      return;
    }
    this._ws = ws;
    this._handshake = true;
    ws.onmessage = (ev) => this._onFrame(ws, ev.data);
    ws.onclose = (ev) => this._onClose(ws, ev);
    ws.onerror = () => {};
  }

  _onClose(ws, ev) {
    if (ws !== this._ws) return;
    this._ws = null;
    this._failPending(new SwitchboardError('disconnected', 'connection lost'));
    if (this._closing) return;
    if (ev.code === 4001 || ev.code === 4029) {
      // Unauthorized or abusive: retrying with the same token would only repeat the refusal.
      this._setState('closed');
      this._ready?.reject(new SwitchboardError(ev.code === 4001 ? 'unauthorized' : 'rate_limited',
        ev.reason || `closed with ${ev.code}`));
      this._ready = null;
      return;
    }
    if (ev.code === 4009) {
      // Another connection resumed this session (another tab with the same stored ticket, say):
      // resuming in turn would only take it back and forth between the two.
      const err = new SwitchboardError('session_resumed_elsewhere', ev.reason || 'closed with 4009');
      this._setState('closed');
      this._ready?.reject(err);
      this._ready = null;
      this._emit('error', { type: 'error', code: err.code, message: err.message });
      return;
    }
    this._scheduleReconnect(this._drainDelayMs || 0);
    this._drainDelayMs = 0;
  }

  _scheduleReconnect(minDelayMs = 0) {
    this._setState('reconnecting');
    const delay = Math.max(minDelayMs, backoffDelay(this._attempt++, this.backoffBaseMs, this.backoffMaxMs));
    this._retryTimer = setTimeout(() => this._open(), delay);
  }

  _onFrame(ws, data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    if (!msg || typeof msg !== 'object') return;
    if (msg.type === 'welcome') {
      this._onWelcome(ws, msg);
      return;
    }
    if (msg.re !== undefined && this._pending.has(msg.re)) {
      const { d, timer } = this._pending.get(msg.re);
      clearTimeout(timer);
      this._pending.delete(msg.re);
      if (msg.type === 'error') d.reject(new SwitchboardError(msg.code, msg.message, msg.retryAfterMs));
      else d.resolve(msg);
      // A reply can also be a numbered event (joined carries seq): count it for resume.
      if (typeof msg.seq === 'number') this._noteSeq(msg.seq);
      this._emit('message', msg);
      return;
    }
    if (typeof msg.seq === 'number') {
      // After a resume the server replays events after lastSeq; anything older is a duplicate.
      if (msg.seq <= this.lastSeq) return;
      this._noteSeq(msg.seq);
    }
    if (msg.type === 'ice.servers') {
      for (const r of this.rooms.values()) {
        r.iceServers = msg.iceServers || [];
        r.iceTtl = msg.iceTtl;
      }
    }
    if (msg.type === 'server.draining') {
      // The server goes down: come back no sooner than it asks; the resume window keeps the session.
      this._drainDelayMs = msg.reconnectInMs || 0;
    }
    this._emit(msg.type, msg);
    this._emit('message', msg);
  }

  async _onWelcome(ws, welcome) {
    const resuming = this.sessionId && this.resumeToken;
    if (resuming) {
      const ticket = { sessionId: this.sessionId, resumeToken: this.resumeToken, lastSeq: this.lastSeq };
      this._setState('open');
      try {
        const hello = { type: 'hello', resume: ticket };
        if (this.token) hello.token = this.token;
        const resumed = await this.request(hello);
        this._attempt = 0;
        this._emit('resumed', resumed);
        this._resolveReady(resumed);
        this._saveTicket();
        return;
      } catch (e) {
        if (ws !== this._ws) return;
        if (e.code !== 'resume_failed' && e.code !== 'bad_request' && e.code !== 'unsupported_type') {
          ws.close(4000, 'resume error');
          return;
        }
        // Too late or forgotten: start over as the new session this welcome describes.
      }
      this._adoptWelcome(welcome);
      if (!(await this._authenticate(ws))) return;
      const rooms = [...this.rooms.values()];
      this.rooms.clear();
      const rejoined = [];
      for (const r of rooms) {
        try {
          rejoined.push(await this.join(r.joinOptions.room, withoutRoom(r.joinOptions)));
        } catch (err) {
          this._emit('error', { type: 'error', code: err.code, message: `rejoin ${r.joinOptions.room}: ${err.message}` });
        }
      }
      this._attempt = 0;
      this._emit('session.reset', { peerId: this.peerId, rooms: rejoined });
      this._resolveReady(welcome);
      return;
    }
    this._adoptWelcome(welcome);
    this._setState('open');
    if (!(await this._authenticate(ws))) return;
    this._attempt = 0;
    this._emit('welcome', welcome);
    this._resolveReady(welcome);
  }

  _adoptWelcome(welcome) {
    this.welcome = welcome;
    this.peerId = welcome.peerId;
    this.sessionId = welcome.sessionId;
    this.resumeToken = welcome.resumeToken;
    this.lastSeq = welcome.seq || 0;
    this._setState('open');
    this._saveTicket();
  }

  async _authenticate(ws) {
    if (!this.welcome.authRequired) return true;
    if (!this.token) {
      this._emit('error', { type: 'error', code: 'unauthorized', message: 'the server requires a token' });
      return false;
    }
    try {
      const ok = await this.request({ type: 'hello', token: this.token });
      this._emit('hello.ok', ok);
      return true;
    } catch (e) {
      if (ws === this._ws) {
        this._ready?.reject(e);
        this._ready = null;
      }
      return false;
    }
  }

  _resolveReady(value) {
    if (this._ready) {
      this._ready.resolve(value);
    }
  }

  _noteSeq(seq) {
    if (seq > this.lastSeq) this.lastSeq = seq;
    this._saveTicketSoon();
  }

  _failPending(err) {
    for (const { d, timer } of this._pending.values()) {
      clearTimeout(timer);
      d.reject(err);
    }
    this._pending.clear();
  }

  _setState(state) {
    if (this.state === state) return;
    this.state = state;
    this._emit('state', state);
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  // --- resume ticket persistence (page reloads) ---

  _restoreTicket() {
    if (!this.storage) return;
    try {
      const t = JSON.parse(this.storage.getItem(this.storageKey) || 'null');
      if (t && t.url === this.url && t.sessionId && t.resumeToken) {
        this.sessionId = t.sessionId;
        this.resumeToken = t.resumeToken;
        this.peerId = t.peerId;
        this.lastSeq = t.lastSeq || 0;
        for (const r of t.rooms || []) this.rooms.set(r.joinOptions.room, r);
      }
    } catch {
      // A corrupt ticket only means a fresh session.
    }
  }

  _saveTicketSoon() {
    if (!this.storage || this._saveQueued) return;
    this._saveQueued = true;
    queueMicrotask(() => {
      this._saveQueued = false;
      this._saveTicket();
    });
  }

  _saveTicket() {
    if (!this.storage || !this.sessionId) return;
    const rooms = [...this.rooms.values()].map((r) => ({
      joinOptions: r.joinOptions, joined: r.joined, iceServers: r.iceServers, iceTtl: r.iceTtl,
    }));
    this.storage.setItem(this.storageKey, JSON.stringify({
      url: this.url, sessionId: this.sessionId, resumeToken: this.resumeToken, peerId: this.peerId,
      lastSeq: this.lastSeq, rooms,
    }));
  }

  _forgetTicket() {
    this.sessionId = null;
    this.resumeToken = null;
    if (this.storage) this.storage.removeItem(this.storageKey);
  }
}

function withoutRoom(opts) {
  const { room, ...rest } = opts;
  return rest;
}

function deferred() {
  const d = {};
  d.promise = new Promise((resolve, reject) => {
    d.resolve = resolve;
    d.reject = reject;
  });
  d.promise.catch(() => {});
  return d;
}

export { PeerMesh, selectedRoute } from './peermesh.js';
export { filterIceServers } from './ice.js';
