// PeerMesh: one RTCPeerConnection per peer of a room, negotiated with the "perfect negotiation"
// pattern (W3C webrtc-pc §10.7 example) over Switchboard `signal` messages. Import it from
// '/switchboard.js'.
import { filterIceServers } from './ice.js';

/**
 * Events (CustomEvent, detail as noted): `peer` {peerId, name} a member appeared, `peer.removed`
 * {peerId, reason}, `track` {peerId, track, streams}, `state` {peerId, connectionState},
 * `data` {peerId, data} (data-channel message), `open` {peerId} (data channel open),
 * `error` {peerId, error}.
 */
export class PeerMesh extends EventTarget {
  /**
   * @param {import('./switchboard.js').SwitchboardClient} client a connected client
   * @param {string} room a room the client has joined (or is resuming)
   * @param {object} [opts]
   * @param {MediaStream} [opts.localStream] tracks sent to every peer
   * @param {'all'|'relay'} [opts.iceTransportPolicy] 'relay' forces TURN
   * @param {'udp'|'tcp'|'tls'|'stun'} [opts.transport] keep only those ICE URLs
   * @param {(url: string) => boolean} [opts.iceUrlFilter] keep only URLs it accepts
   * @param {number} [opts.disconnectedRestartMs] restart ICE after this long in `disconnected`
   * @param {Storage} [opts.storage] keeps the member list so a reloaded page can rebuild the mesh
   */
  constructor(client, room, opts = {}) {
    super();
    this.client = client;
    this.room = room;
    this.opts = opts;
    this.localStream = opts.localStream || null;
    /** peerId → {peerId, name, meta} */
    this.members = new Map();
    /** peerId → PeerLink */
    this.links = new Map();
    this._closed = false;
    this._storageKey = `switchboard.mesh.${room}`;
    this._listeners = [];
    this._on(client, 'peer.joined', (m) => m.room === room && this._addMember(m.peer));
    this._on(client, 'peer.left', (m) => m.room === room && this._removeMember(m.peerId, m.reason));
    this._on(client, 'signal', (m) => m.room === room && this._onSignal(m));
    this._on(client, 'ice.servers', () => this._applyIceServers());
    this._on(client, 'resumed', (m) => this._onResumed(m));
    this._on(client, 'session.reset', () => this._onSessionReset());
    if (globalThis.addEventListener) {
      const online = () => this.restartIce();
      globalThis.addEventListener('online', online);
      this._listeners.push(() => globalThis.removeEventListener('online', online));
    }
    this._loadMembers();
  }

  /** Starts from a `joined` reply: offers to every peer in `offerTo`, waits for the others. */
  start(joined) {
    this.members.clear();
    for (const p of joined.peers || []) this._addMember(p, false);
    for (const peerId of joined.offerTo || []) this._link(peerId);
    this._saveMembers();
  }

  /** The RTCConfiguration used for new connections (and pushed on `ice.servers`). */
  rtcConfiguration() {
    const iceServers = filterIceServers(this.client.iceServers(this.room), this.opts.transport,
      this.opts.iceUrlFilter);
    return { iceServers, iceTransportPolicy: this.opts.iceTransportPolicy || 'all' };
  }

  /** Sends `data` on the data channel to one peer, or to every open one when peerId is null. */
  send(data, peerId = null) {
    let sent = 0;
    for (const link of this.links.values()) {
      if ((peerId === null || link.peerId === peerId) && link.dc && link.dc.readyState === 'open') {
        link.dc.send(data);
        sent++;
      }
    }
    return sent;
  }

  /** Replaces the outgoing track of `kind` on every connection (screen share, camera switch). */
  async replaceTrack(kind, track) {
    await Promise.all([...this.links.values()].map((l) => l.replaceTrack(kind, track)));
  }

  /** Sets the stream sent to peers; new tracks renegotiate through onnegotiationneeded. */
  setLocalStream(stream) {
    this.localStream = stream;
    for (const link of this.links.values()) link.addLocalTracks(stream);
  }

  /** Restarts ICE with one peer or all (after a network change). */
  restartIce(peerId = null) {
    for (const link of this.links.values()) {
      if (peerId === null || link.peerId === peerId) link.pc.restartIce();
    }
  }

  /** How the connection to `peerId` goes: {direct, local, remote} from the selected pair, or null. */
  async route(peerId) {
    const link = this.links.get(peerId);
    return link ? selectedRoute(link.pc) : null;
  }

  /** Closes every connection and stops listening; tells peers with `bye` unless `quiet`. */
  close(quiet = false) {
    this._closed = true;
    for (const link of this.links.values()) {
      if (!quiet) this.client.signal(this.room, link.peerId, 'bye', {});
      link.close();
    }
    this.links.clear();
    for (const off of this._listeners) off();
    if (this.opts.storage) this.opts.storage.removeItem(this._storageKey);
  }

  // --- membership ---

  _addMember(peer, save = true) {
    if (!peer || peer.peerId === this.client.peerId) return;
    const isNew = !this.members.has(peer.peerId);
    this.members.set(peer.peerId, { peerId: peer.peerId, name: peer.name, meta: peer.meta });
    if (isNew) this._emit('peer', { peerId: peer.peerId, name: peer.name });
    if (save) this._saveMembers();
  }

  _removeMember(peerId, reason) {
    this.members.delete(peerId);
    this._dropLink(peerId);
    this._saveMembers();
    this._emit('peer.removed', { peerId, reason });
  }

  _dropLink(peerId) {
    const link = this.links.get(peerId);
    if (link) {
      link.close();
      this.links.delete(peerId);
    }
  }

  _link(peerId) {
    let link = this.links.get(peerId);
    if (!link) {
      link = new PeerLink(this, peerId);
      this.links.set(peerId, link);
    }
    return link;
  }

  _onSignal(m) {
    if (this._closed) return;
    if (!this.members.has(m.from)) {
      // Late candidates or a bye from someone who already left must not bring them back.
      if (m.kind !== 'offer' && m.kind !== 'restart') return;
      this._addMember({ peerId: m.from, name: m.from });
    }
    if (m.kind === 'bye') {
      this._dropLink(m.from);
      return;
    }
    if (m.kind === 'restart') {
      // The peer lost its connection state (page reload): start over with a fresh connection,
      // which offers (onnegotiationneeded) while the peer waits for that offer.
      this._dropLink(m.from);
      this._link(m.from);
      return;
    }
    this._link(m.from).onSignal(m.kind, m.payload);
  }

  _applyIceServers() {
    const config = this.rtcConfiguration();
    for (const link of this.links.values()) {
      try {
        link.pc.setConfiguration({ ...link.pc.getConfiguration(), ...config });
      } catch (error) {
        this._emit('error', { peerId: link.peerId, error });
      }
    }
  }

  _onResumed(resumed) {
    for (const r of resumed.rooms || []) {
      if (r && typeof r === 'object' && (r.id === this.room || r.room === this.room
          || r.room?.id === this.room) && Array.isArray(r.peers)) {
        for (const p of r.peers) this._addMember(p);
      }
    }
    for (const peerId of this.members.keys()) {
      const link = this.links.get(peerId);
      if (!link) {
        // A reloaded page: the peer still holds a connection to our old page. It starts over and
        // offers; our side is created by its offer, so the two never offer at once.
        this.client.signal(this.room, peerId, 'restart', {});
      } else if (link.pc.connectionState !== 'connected') {
        link.pc.restartIce();
      }
    }
  }

  _onSessionReset() {
    // A new peerId: the old connections belong to a session the others saw leave.
    for (const link of this.links.values()) link.close();
    this.links.clear();
    const joined = this.client.rooms.get(this.room)?.joined;
    if (joined) this.start(joined);
  }

  _saveMembers() {
    if (!this.opts.storage) return;
    this.opts.storage.setItem(this._storageKey, JSON.stringify([...this.members.values()]));
  }

  _loadMembers() {
    if (!this.opts.storage) return;
    try {
      for (const p of JSON.parse(this.opts.storage.getItem(this._storageKey) || '[]')) {
        this.members.set(p.peerId, p);
      }
    } catch {
      // A corrupt list only means waiting for the peers to show up again.
    }
  }

  _on(target, type, fn) {
    const h = (ev) => fn(ev.detail);
    target.addEventListener(type, h);
    this._listeners.push(() => target.removeEventListener(type, h));
  }

  _emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

/** One RTCPeerConnection to one peer with its perfect-negotiation state. */
class PeerLink {
  constructor(mesh, peerId) {
    this.mesh = mesh;
    this.peerId = peerId;
    // Polite peer: the one with the greater peerId yields on an offer collision.
    this.polite = String(mesh.client.peerId) > String(peerId);
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.pendingCandidates = [];
    this.queue = Promise.resolve();
    this.disconnectTimer = null;
    const pc = new RTCPeerConnection(mesh.rtcConfiguration());
    this.pc = pc;
    // Negotiated channel with a fixed id: both sides have it without waiting for ondatachannel.
    this.dc = pc.createDataChannel('switchboard', { negotiated: true, id: 0 });
    this.dc.onmessage = (ev) => mesh._emit('data', { peerId, data: ev.data });
    this.dc.onopen = () => mesh._emit('open', { peerId });
    if (mesh.localStream) this.addLocalTracks(mesh.localStream);
    pc.onnegotiationneeded = () => this._negotiate();
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) this._signal('candidate', candidate.toJSON());
      else this._signal('end-of-candidates', {});
    };
    pc.ontrack = ({ track, streams }) => mesh._emit('track', { peerId, track, streams });
    pc.onconnectionstatechange = () => this._onState();
  }

  addLocalTracks(stream) {
    const sending = new Set(this.pc.getSenders().map((s) => s.track).filter(Boolean));
    for (const track of stream.getTracks()) {
      if (!sending.has(track)) this.pc.addTrack(track, stream);
    }
  }

  async replaceTrack(kind, track) {
    const sender = this.pc.getSenders().find((s) => (s.track && s.track.kind === kind)
      || (!s.track && s._kind === kind));
    if (sender) {
      sender._kind = kind;
      await sender.replaceTrack(track);
    }
  }

  onSignal(kind, payload) {
    // One signal at a time: a candidate must not overtake the description it belongs to.
    this.queue = this.queue.then(() => this._handle(kind, payload)).catch((error) => {
      this.mesh._emit('error', { peerId: this.peerId, error });
    });
  }

  async _handle(kind, payload) {
    const pc = this.pc;
    if (kind === 'offer' || kind === 'answer') {
      kind = payload?.type === 'answer' ? 'answer' : payload?.type === 'offer' ? 'offer' : kind;
      const offerCollision = kind === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
      this.ignoreOffer = !this.polite && offerCollision;
      if (this.ignoreOffer) return;
      await pc.setRemoteDescription(payload);
      await this._flushCandidates();
      if (kind === 'offer') {
        await pc.setLocalDescription();
        this._signal('answer', pc.localDescription.toJSON());
      }
    } else if (kind === 'candidate') {
      if (!pc.remoteDescription) {
        // Candidates of an offer we ignored in a collision: the peer's answer reuses its ICE
        // credentials without gathering again, so keep them for the next remote description.
        this.pendingCandidates.push(payload);
        return;
      }
      try {
        await pc.addIceCandidate(payload);
      } catch (e) {
        if (!this.ignoreOffer) throw e;
      }
    }
    // end-of-candidates needs no action: Chromium ignores it, and an addIceCandidate() for it can
    // stay pending across an ICE restart, which would stall this queue.
  }

  async _flushCandidates() {
    const pending = this.pendingCandidates.splice(0);
    for (const c of pending) await this.pc.addIceCandidate(c).catch(() => {});
  }

  async _negotiate() {
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      // negotiationneeded can fire while a remote offer is being applied; setLocalDescription()
      // then makes the answer, which the offer's handler sends: send only real offers here.
      if (this.pc.localDescription?.type === 'offer' && this.pc.signalingState === 'have-local-offer') {
        this._signal('offer', this.pc.localDescription.toJSON());
      }
    } catch (error) {
      this.mesh._emit('error', { peerId: this.peerId, error });
    } finally {
      this.makingOffer = false;
    }
  }

  _onState() {
    const state = this.pc.connectionState;
    clearTimeout(this.disconnectTimer);
    if (state === 'failed') {
      this.pc.restartIce();
    } else if (state === 'disconnected') {
      const ms = this.mesh.opts.disconnectedRestartMs ?? 4000;
      this.disconnectTimer = setTimeout(() => {
        if (this.pc.connectionState === 'disconnected') this.pc.restartIce();
      }, ms);
    }
    this.mesh._emit('state', { peerId: this.peerId, connectionState: state });
  }

  _signal(kind, payload) {
    this.mesh.client.signal(this.mesh.room, this.peerId, kind, payload);
  }

  close() {
    clearTimeout(this.disconnectTimer);
    this.pc.onnegotiationneeded = null;
    this.pc.onicecandidate = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
  }
}

/** The selected candidate pair of a connection: {direct, local, remote, pairId} or null. */
export async function selectedRoute(pc) {
  const stats = await pc.getStats();
  let pair = null;
  stats.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
  });
  if (!pair) {
    stats.forEach((s) => {
      if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') pair = s;
    });
  }
  if (!pair) return null;
  const describe = (c) => c && ({
    type: c.candidateType, address: c.address ?? c.ip, port: c.port, protocol: c.protocol,
    relayProtocol: c.relayProtocol, url: c.url,
  });
  const local = describe(stats.get(pair.localCandidateId));
  const remote = describe(stats.get(pair.remoteCandidateId));
  return {
    pairId: pair.id, local, remote,
    direct: local?.type !== 'relay' && remote?.type !== 'relay',
    bytesSent: pair.bytesSent, bytesReceived: pair.bytesReceived,
  };
}
