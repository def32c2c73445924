// ICE server helpers shared by the SDK, the demo app and the Trickle ICE page.

/**
 * Keeps only the ICE URLs `keep(url)` accepts; servers left without URLs are dropped.
 * `transport` shortcuts: 'udp' (turn: over UDP), 'tcp' (turn:?transport=tcp), 'tls' (turns:),
 * 'stun' (stun: only); anything else keeps every URL.
 */
export function filterIceServers(iceServers, transport, keep) {
  const byTransport = {
    udp: (u) => /^turn:/i.test(u) && !/transport=tcp/i.test(u),
    tcp: (u) => /^turn:/i.test(u) && /transport=tcp/i.test(u),
    tls: (u) => /^turns:/i.test(u),
    stun: (u) => /^stuns?:/i.test(u),
  }[transport];
  const accept = (u) => (!byTransport || byTransport(u)) && (!keep || keep(u));
  const out = [];
  for (const server of iceServers || []) {
    const urls = (Array.isArray(server.urls) ? server.urls : [server.urls]).filter(accept);
    if (urls.length) out.push({ ...server, urls });
  }
  return out;
}
