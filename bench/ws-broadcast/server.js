// SPDX-License-Identifier: Apache-2.0
// The Node peer of bench/ws-broadcast: a broadcast server on npm `ws`, written as ws's README
// writes one ("Server broadcast": every message is sent to every other open client), compression
// off. Usage: node server.js PORT; prints "listening PORT" when ready.
'use strict';

const { WebSocketServer, WebSocket } = require('ws');

const port = Number(process.argv[2] || 0);
const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });

wss.on('connection', (ws) => {
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
        wss.clients.forEach((client) => {
            if (client !== ws && client.readyState === WebSocket.OPEN)
                client.send(data, { binary: isBinary });
        });
    });
});

wss.on('listening', () => {
    process.stdout.write('listening ' + wss.address().port + '\n');
});

process.on('SIGTERM', () => process.exit(0));
