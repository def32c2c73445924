// Trickle ICE diagnostics: gathers candidates against this server's STUN/TURN and explains the result.
// URL parameters (tests): policy=all|relay, turn=udp|tcp|tls (keep only those URLs),
// credential=… (override), gather=1 (start at once). Test hook: window.trickleIce.
import { filterIceServers } from '/ice.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const GATHER_TIMEOUT_MS = 15000;
const rows = new WeakMap();

const result = { running: false, done: false, candidates: [], errors: [], verdict: [], ok: false };
window.trickleIce = { result, gather: () => gather(), load: () => loadServers(), done: null };

function showError(text) {
  $('error').textContent = text;
  $('error').hidden = !text;
}

async function loadServers() {
  showError('');
  try {
    const res = await fetch('/api/v1/ice-servers', { cache: 'no-store' });
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
    const body = await res.json();
    let servers = filterIceServers(body.iceServers, params.get('turn') || undefined);
    if (params.get('turn')) {
      // Keep STUN next to the chosen TURN transport so srflx is still tested.
      servers = filterIceServers(body.iceServers, 'stun').concat(servers);
    }
    const urls = servers.flatMap((s) => s.urls);
    const auth = servers.find((s) => s.username);
    $('urls').value = urls.join('\n');
    $('username').value = auth?.username || '';
    $('credential').value = params.get('credential') ?? auth?.credential ?? '';
  } catch (e) {
    showError(`Could not load /api/v1/ice-servers (${e.message}). Type the URLs and credentials in.`);
  }
}

function configuredServers() {
  const urls = $('urls').value.split(/\s+/).map((u) => u.trim()).filter(Boolean);
  const stun = urls.filter((u) => /^stuns?:/i.test(u));
  const turn = urls.filter((u) => /^turns?:/i.test(u));
  const servers = [];
  if (stun.length) servers.push({ urls: stun });
  if (turn.length) servers.push({ urls: turn, username: $('username').value, credential: $('credential').value });
  return { servers, stun, turn };
}

/** The transport a TURN URL uses to reach the server: udp, tcp or tls. */
export function turnTransport(url) {
  if (/^turns:/i.test(url)) return 'tls';
  return /transport=tcp/i.test(url) ? 'tcp' : 'udp';
}

function gather() {
  const { servers, stun, turn } = configuredServers();
  const policy = $('policy').value;
  $('candidates').tBodies[0].replaceChildren();
  $('errors').tBodies[0].replaceChildren();
  Object.assign(result, { running: true, done: false, candidates: [], errors: [], verdict: [], ok: false });
  renderVerdict([{ ok: null, text: 'Gathering…' }]);
  let pc;
  try {
    pc = new RTCPeerConnection({ iceServers: servers, iceTransportPolicy: policy });
  } catch (e) {
    showError(`The browser refused this configuration: ${e.message}`);
    result.running = false;
    return Promise.resolve(result);
  }
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  pc.createDataChannel('trickle-ice');
  return new Promise((resolve) => {
    const finish = async () => {
      if (result.done || result.finishing) return;
      result.finishing = true;
      clearTimeout(timer);
      $('elapsed').textContent = `gathering finished after ${elapsed()} ms`;
      await enrichFromStats(pc).catch(() => {});
      pc.close();
      result.running = false;
      result.done = true;
      result.finishing = false;
      result.verdict = verdict({ stun, turn, policy });
      result.ok = result.verdict.some((v) => v.ok) && !result.verdict.some((v) => v.ok === false);
      renderVerdict(result.verdict);
      resolve(result);
    };
    const timer = setTimeout(finish, GATHER_TIMEOUT_MS);
    pc.onicecandidate = (ev) => {
      if (!ev.candidate) {
        finish();
        return;
      }
      if (!ev.candidate.candidate) return;
      const c = describe(ev.candidate, ev.url, elapsed());
      result.candidates.push(c);
      rows.set(c, addRow($('candidates'), [c.ms, c.type, c.protocol, c.address, c.port, c.priority,
        c.relayProtocol || '', c.url || ''], c.type));
    };
    pc.onicecandidateerror = (ev) => {
      const e = {
        ms: elapsed(), code: ev.errorCode, text: ev.errorText, url: ev.url,
        address: ev.address ? `${ev.address}:${ev.port}` : '',
      };
      result.errors.push(e);
      addRow($('errors'), [e.ms, e.code, e.text, e.url, e.address]);
    };
    pc.onicegatheringstatechange = () => {
      if (pc.iceGatheringState === 'complete') finish();
    };
    pc.createOffer().then((o) => pc.setLocalDescription(o)).catch((e) => {
      showError(`Could not start gathering: ${e.message}`);
      finish();
    });
  });
}

/**
 * Chromium leaves RTCIceCandidate.relayProtocol and the event's url empty for some candidates;
 * the local-candidate stats carry both, so fill them in from there.
 */
async function enrichFromStats(pc) {
  const stats = await pc.getStats();
  stats.forEach((s) => {
    if (s.type !== 'local-candidate') return;
    const c = result.candidates.find((x) => x.address === (s.address ?? s.ip) && x.port === s.port
      && x.type === s.candidateType);
    if (!c) return;
    if (!c.relayProtocol && s.relayProtocol) c.relayProtocol = s.relayProtocol;
    if (!c.url && s.url) c.url = s.url;
    if (c.type === 'relay' && !c.relayProtocol && c.url) c.relayProtocol = turnTransport(c.url);
    const cells = rows.get(c).cells;
    cells[6].textContent = c.relayProtocol || '';
    cells[7].textContent = c.url || '';
  });
}

function describe(cand, eventUrl, ms) {
  const url = eventUrl || cand.url || '';
  const type = cand.type || (cand.candidate.match(/ typ (\w+)/) || [])[1];
  let relayProtocol = cand.relayProtocol || '';
  if (type === 'relay' && !relayProtocol && url) relayProtocol = turnTransport(url);
  return {
    ms, type, protocol: cand.protocol, address: cand.address, port: cand.port, priority: cand.priority,
    relayProtocol, url, relatedAddress: cand.relatedAddress, candidate: cand.candidate,
  };
}

const FIXES = {
  401: 'wrong username or credential: reload the servers from /api/v1/ice-servers (TURN REST credentials expire) or check the shared secret / users file',
  403: 'the server refused the request (forbidden peer address or user not allowed)',
  437: 'allocation mismatch: wait a few seconds and try again',
  438: 'stale nonce: the browser retries on its own; if it persists, check the server clock',
  486: 'allocation quota reached for this user: close other sessions or raise turn.quota',
  508: 'the server ran out of relay ports: widen turn.relay.ports',
  701: 'the server could not be reached: check the host and port in the URL, that the TURN listener for this transport is on, and that no firewall blocks it',
};

/** The verdict lines: {ok: true|false|null, text}. */
function verdict({ stun, turn, policy }) {
  const lines = [];
  const srflx = result.candidates.filter((c) => c.type === 'srflx');
  const relays = result.candidates.filter((c) => c.type === 'relay');
  if (stun.length && policy === 'all') {
    if (srflx.length) {
      const addrs = [...new Set(srflx.map((c) => c.address))].join(', ');
      lines.push({ ok: true, text: `STUN works: your public address is ${addrs}` });
    } else {
      const err = firstError(stun);
      lines.push({
        ok: false,
        text: 'STUN gave no public address' + (err ? ` (${err.code} ${err.text})` : '')
          + ': check that UDP to the STUN port is open. On the same host or LAN as the server the'
          + ' public address equals a local one and browsers drop it as redundant.',
      });
    }
  }
  const byTransport = {};
  for (const url of turn) (byTransport[turnTransport(url)] ||= []).push(url);
  const working = [...new Set(relays.map((c) => c.relayProtocol || turnTransport(c.url || '')))];
  if (working.length) {
    lines.push({ ok: true, text: `TURN works over ${working.join('/')}: relay address ${relays[0].address}:${relays[0].port}` });
  }
  for (const [transport, urls] of Object.entries(byTransport)) {
    if (working.includes(transport)) continue;
    const err = firstError(urls);
    const fix = err ? FIXES[err.code] || err.text : 'no relay candidate and no error: the server did not answer in time';
    lines.push({ ok: false, text: `TURN over ${transport} failed${err ? ` with ${err.code} ${err.text}` : ''}: ${fix}` });
  }
  if (!stun.length && !turn.length) lines.push({ ok: false, text: 'No STUN or TURN URLs to test.' });
  return lines;
}

function firstError(urls) {
  return result.errors.find((e) => urls.some((u) => sameUrl(u, e.url))) || null;
}

function sameUrl(a, b) {
  const norm = (u) => String(u || '').toLowerCase().replace(/\?transport=udp$/, '');
  return norm(a) === norm(b) || norm(b).startsWith(norm(a)) || norm(a).startsWith(norm(b));
}

function renderVerdict(lines) {
  const ul = $('verdict');
  ul.replaceChildren(...lines.map((l) => {
    const li = document.createElement('li');
    li.className = l.ok === true ? 'ok' : l.ok === false ? 'fail' : 'muted';
    li.textContent = l.text;
    return li;
  }));
}

function addRow(table, cells, cls) {
  const tr = document.createElement('tr');
  if (cls) tr.className = cls;
  for (const v of cells) {
    const td = document.createElement('td');
    td.textContent = v ?? '';
    tr.append(td);
  }
  table.tBodies[0].append(tr);
  return tr;
}

$('reload').addEventListener('click', () => loadServers());
$('gather').addEventListener('click', () => { window.trickleIce.done = gather(); });
$('policy').value = params.get('policy') === 'relay' ? 'relay' : 'all';

window.trickleIce.done = loadServers().then(() => (params.get('gather') === '1' ? gather() : result));
