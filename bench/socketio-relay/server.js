// The socket.io reference for Switchboard's signaling benchmark: the same room relay as
// Switchboard (join a room of at most 4, relay a "signal" to one named member of the room), with
// nothing else. Peer ids are socket ids, which clients learn from the connect packet.
//
//   node server.js --port 18081 [--host 127.0.0.1] [--cert cert.pem --key key.pem]
//
// With --cert/--key it serves wss:// (https), otherwise ws:// (http). Loopback only.
'use strict';

const fs = require('fs');
const http = require('http');
const https = require('https');
const { Server } = require('socket.io');

const ROOM_CAPACITY = 4;

function args(argv) {
  const out = { host: '127.0.0.1', port: 0 };
  for (let i = 2; i < argv.length; i += 2) {
    out[argv[i].replace(/^--/, '')] = argv[i + 1];
  }
  return out;
}

const opts = args(process.argv);
if (!['127.0.0.1', '::1', 'localhost'].includes(opts.host)) {
  console.error('loopback only, not ' + opts.host);
  process.exit(2);
}
const server = opts.cert
  ? https.createServer({ cert: fs.readFileSync(opts.cert), key: fs.readFileSync(opts.key) })
  : http.createServer();
// websocket only, as Switchboard: no long-polling upgrade dance, no compression.
const io = new Server(server, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });

io.on('connection', (socket) => {
  socket.on('join', (room) => {
    if (typeof room !== 'string' || room.length === 0 || room.length > 64) {
      socket.emit('failed', { code: 'bad_request' });
      return;
    }
    const members = io.sockets.adapter.rooms.get(room);
    if (members && members.size >= ROOM_CAPACITY && !members.has(socket.id)) {
      socket.emit('failed', { code: 'room_full', room });
      return;
    }
    socket.join(room);
    socket.emit('joined', { room, peerId: socket.id, size: io.sockets.adapter.rooms.get(room).size });
  });

  socket.on('signal', (msg) => {
    const members = msg && io.sockets.adapter.rooms.get(msg.room);
    if (!members || !members.has(socket.id) || !members.has(msg.to)) {
      socket.emit('failed', { code: 'peer_not_found', room: msg && msg.room });
      return;
    }
    // Every socket is in the room named by its own id: this reaches exactly the named peer.
    io.to(msg.to).emit('signal', { room: msg.room, from: socket.id, kind: msg.kind, payload: msg.payload });
  });
});

server.listen(Number(opts.port), opts.host, () => {
  console.log('socket.io relay listening on ' + (opts.cert ? 'wss' : 'ws') + '://' + opts.host + ':' + server.address().port);
});
process.on('SIGTERM', () => process.exit(0));
