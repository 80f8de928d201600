// SPDX-License-Identifier: Apache-2.0
// The one client program of bench/ws-broadcast, used unchanged against both servers: runner.js
// forks it (IPC) as a subscriber process or as the publisher.
//
// Subscriber process: opens n WebSocket connections or n SSE streams (Node's http module), counts
// deliveries per connection, and on a few sampled connections reads the publisher's sequence
// number and send time from the payload (latency, gaps). WebSocket subscribers are by default a
// minimal RFC 6455 client on a plain socket that counts frames (openRawWs below); `lib: 'ws'`
// makes them npm `ws` clients (compression off) instead. SSE deliveries are counted per "\ndata:".
//
// Publisher: one WebSocket connection that sends at a fixed offered rate. Against switchboardd each
// message is the publish envelope {"type":"event","topic":"bench","data":"<128 chars>"} as a text
// frame; against the Node server it is the 128-char payload alone. The payload starts with
// "<seq> <send time, us, CLOCK_MONOTONIC> " and is padded with 'x' to 128 bytes.
'use strict';

const crypto = require('crypto');
const http = require('http');
const net = require('net');
const WebSocket = require('ws');

const PAYLOAD_BYTES = 128;
const CONNECT_CONCURRENCY = 32; // Qt's listen backlog is 50: more in flight makes SYN retries

function nowUs() {
    return Number(process.hrtime.bigint() / 1000n);
}

function payload(seq) {
    const head = seq + ' ' + nowUs() + ' ';
    return head + 'x'.repeat(PAYLOAD_BYTES - head.length);
}

function cpuUs() {
    const u = process.cpuUsage();
    return u.user + u.system;
}

// Reads "<seq> <ts> " from a delivery: the payload itself (Node server) or the envelope's
// "data" string (switchboardd, WebSocket and SSE). Returns [seq, tsUs] or null.
const DATA_KEY = Buffer.from('"data":"');
function parseStamp(buf, envelope) {
    let i = 0;
    if (envelope) {
        i = buf.indexOf(DATA_KEY);
        if (i < 0)
            return null;
        i += DATA_KEY.length;
    }
    const end = buf.indexOf(0x78 /* x */, i);
    if (end < 0)
        return null;
    const parts = buf.toString('latin1', i, end).trim().split(' ');
    if (parts.length !== 2)
        return null;
    return [Number(parts[0]), Number(parts[1])];
}

// ---------------------------------------------------------------------------------------------
// Subscribers

const subs = []; // {delivered, ready, closed, sampled, lastSeq}
let latencies = []; // [seq, latency us] flattened
let gaps = 0;
let errors = 0;
let closedCount = 0;
let envelope = false;

function onDelivery(s, buf) {
    s.delivered++;
    if (!s.ready)
        s.ready = true;
    if (s.sampled) {
        const st = parseStamp(buf, envelope);
        if (st && st[0] >= 0) {
            latencies.push(st[0], nowUs() - st[1]);
            if (s.lastSeq >= 0 && st[0] !== s.lastSeq + 1)
                gaps++;
            s.lastSeq = st[0];
        }
    }
}

function openWs(url, s) {
    return new Promise((resolve) => {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        let opened = false;
        ws.on('open', () => { opened = true; resolve(true); });
        ws.on('message', (data) => onDelivery(s, data));
        ws.on('error', () => { errors++; if (!opened) resolve(false); });
        ws.on('close', () => { if (opened && !s.closing) closedCount++; s.closed = true; });
        s.conn = ws;
    });
}

// The default subscriber: RFC 6455 on a plain socket, a frame counter with no per-message
// allocation (npm `ws`'s receiver costs about 20 % more client CPU per delivery, and on 2 cores the
// clients' share limits the rate search). Handshake checked (101 and the accept key);
// pings answered with a masked pong; a close frame or the end of the socket counts as closed.
function openRawWs(url, s) {
    return new Promise((resolve) => {
        const u = new URL(url);
        const key = crypto.randomBytes(16).toString('base64');
        const accept = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
        const sock = net.connect(Number(u.port), u.hostname);
        s.conn = sock;
        let open = false;
        let head = '';
        // frame state
        let hdr = Buffer.alloc(0); // partial frame header
        let remaining = 0;         // payload bytes left in the current frame
        let opcode = 0;
        let fin = false;
        let keep = null;           // payload being collected (sampled subscribers, control frames)
        const done = (ok) => {
            if (!open) {
                open = ok;
                resolve(ok);
            }
        };
        const endFrame = () => {
            if (opcode === 0x9) { // ping: answer with a pong, masked with a zero key
                const p = keep || Buffer.alloc(0);
                sock.write(Buffer.concat([Buffer.from([0x8a, 0x80 | p.length, 0, 0, 0, 0]), p]));
            } else if (opcode === 0x8) {
                sock.end();
            } else if (opcode < 0x8 && fin) {
                onDelivery(s, keep);
            }
            keep = null;
        };
        const frames = (buf) => {
            let i = 0;
            while (i < buf.length) {
                if (remaining > 0) {
                    const take = Math.min(remaining, buf.length - i);
                    if (keep)
                        keep = Buffer.concat([keep, buf.subarray(i, i + take)]);
                    i += take;
                    remaining -= take;
                    if (remaining === 0)
                        endFrame();
                    continue;
                }
                // a frame header: 2 bytes, then 2 or 8 bytes of length (server frames are unmasked)
                const h = hdr.length ? Buffer.concat([hdr, buf.subarray(i, i + 14)]) : buf.subarray(i, i + 14);
                if (h.length < 2) {
                    hdr = Buffer.from(h);
                    return;
                }
                const len7 = h[1] & 0x7f;
                const need = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0);
                if (h.length < need) {
                    hdr = Buffer.from(h);
                    return;
                }
                const used = need - hdr.length;
                hdr = Buffer.alloc(0);
                i += used;
                fin = (h[0] & 0x80) !== 0;
                const op = h[0] & 0x0f;
                if (op !== 0)
                    opcode = op;
                remaining = len7 === 126 ? h.readUInt16BE(2) : len7 === 127 ? Number(h.readBigUInt64BE(2)) : len7;
                keep = (opcode >= 0x8 || s.sampled) ? Buffer.alloc(0) : null;
                if (remaining === 0)
                    endFrame();
            }
        };
        sock.setNoDelay(true);
        sock.on('connect', () => {
            sock.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\n` +
                       `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
        });
        sock.on('data', (chunk) => {
            if (open) {
                frames(chunk);
                return;
            }
            head += chunk.toString('latin1');
            const end = head.indexOf('\r\n\r\n');
            if (end < 0)
                return;
            if (!/^HTTP\/1\.1 101/.test(head) || !head.includes(accept)) {
                errors++;
                sock.destroy();
                done(false);
                return;
            }
            done(true);
            const rest = Buffer.from(head.slice(end + 4), 'latin1');
            if (rest.length)
                frames(rest);
        });
        sock.on('error', () => { errors++; done(false); });
        sock.on('close', () => { if (open && !s.closing) closedCount++; s.closed = true; done(false); });
    });
}

const DATA_LINE = Buffer.from('\ndata:');
function openSse(url, s) {
    return new Promise((resolve) => {
        const req = http.get(url, { agent: false, headers: { Accept: 'text/event-stream' } }, (res) => {
            if (res.statusCode !== 200) {
                errors++;
                res.resume();
                resolve(false);
                return;
            }
            let tail = Buffer.alloc(0);
            res.on('data', (chunk) => {
                const buf = tail.length ? Buffer.concat([tail, chunk]) : chunk;
                let from = 0;
                let keepFrom = -1;
                for (;;) {
                    const i = buf.indexOf(DATA_LINE, from);
                    if (i < 0)
                        break;
                    const lineEnd = buf.indexOf(0x0a, i + 1);
                    if (lineEnd < 0) {
                        keepFrom = i; // the data line is incomplete: counted with the next chunk
                        break;
                    }
                    onDelivery(s, s.sampled ? buf.subarray(i, lineEnd) : buf);
                    from = lineEnd;
                }
                // Else keep what could be the start of a "\ndata:" split between chunks.
                if (keepFrom < 0)
                    keepFrom = Math.max(from, buf.length - DATA_LINE.length);
                tail = Buffer.from(buf.subarray(keepFrom));
            });
            res.on('close', () => { if (!s.closing) closedCount++; s.closed = true; });
            resolve(true);
        });
        req.on('error', () => { errors++; resolve(false); });
        s.conn = req;
    });
}

async function connectAll(msg) {
    envelope = msg.mode === 'sb';
    const open = msg.kind === 'sse' ? openSse : msg.lib === 'ws' ? openWs : openRawWs;
    let next = 0;
    let ok = 0;
    let failed = 0;
    for (let i = 0; i < msg.n; i++)
        subs.push({ delivered: 0, ready: false, closed: false, closing: false,
                    sampled: msg.sampled.includes(i), lastSeq: -1, conn: null });
    async function worker() {
        while (next < msg.n) {
            const s = subs[next++];
            if (await open(msg.url, s))
                ok++;
            else
                failed++;
        }
    }
    const workers = [];
    for (let w = 0; w < CONNECT_CONCURRENCY; w++)
        workers.push(worker());
    await Promise.all(workers);
    return { ok, failed };
}

function counts() {
    let delivered = 0;
    let ready = 0;
    for (const s of subs) {
        delivered += s.delivered;
        if (s.ready)
            ready++;
    }
    return { delivered, ready, closed: closedCount, errors, cpuUs: cpuUs() };
}

function stats() {
    const c = counts();
    let min = Infinity;
    let max = 0;
    for (const s of subs) {
        min = Math.min(min, s.delivered);
        max = Math.max(max, s.delivered);
    }
    return Object.assign(c, { minPerClient: subs.length ? min : 0, maxPerClient: max, gaps,
                              latencies });
}

function reset() {
    for (const s of subs) {
        s.delivered = 0;
        s.lastSeq = -1;
    }
    latencies = [];
    gaps = 0;
}

function closeAll() {
    for (const s of subs) {
        s.closing = true;
        if (!s.conn)
            continue;
        if (s.conn instanceof WebSocket)
            s.conn.terminate();
        else
            s.conn.destroy(); // raw socket or SSE request
    }
}

// ---------------------------------------------------------------------------------------------
// Publisher

let pubWs = null;
let seq = 0;

function publishOne(mode, s) {
    const p = payload(s);
    pubWs.send(mode === 'sb' ? '{"type":"event","topic":"bench","data":"' + p + '"}' : p);
}

function runPublisher(msg) {
    // Sends rate x duration messages, paced on a 1 ms timer: each tick sends what is due since
    // the start, so a late tick catches up instead of lowering the rate.
    return new Promise((resolve) => {
        const total = Math.round(msg.rate * msg.duration);
        const start = nowUs();
        let sent = 0;
        let maxBehind = 0;
        const first = seq;
        const tick = () => {
            const due = Math.min(total, Math.floor((nowUs() - start) * msg.rate / 1e6) + 1);
            maxBehind = Math.max(maxBehind, due - sent);
            while (sent < due) {
                publishOne(msg.mode, seq++);
                sent++;
            }
            if (sent >= total) {
                resolve({ sent, first, elapsedUs: nowUs() - start, maxBehind,
                          bufferedAmount: pubWs.bufferedAmount, cpuUs: cpuUs() });
                return;
            }
            setTimeout(tick, 1);
        };
        tick();
    });
}

// ---------------------------------------------------------------------------------------------

process.on('message', async (msg) => {
    const reply = (m) => process.send(Object.assign({ id: msg.id }, m));
    switch (msg.cmd) {
    case 'connect':
        reply(await connectAll(msg));
        break;
    case 'counts':
        reply(counts());
        break;
    case 'stats':
        reply(stats());
        break;
    case 'reset':
        reset();
        reply({});
        break;
    case 'pub-connect':
        pubWs = new WebSocket(msg.url, { perMessageDeflate: false });
        pubWs.on('open', () => reply({ ok: true }));
        pubWs.on('error', (e) => reply({ ok: false, error: String(e) }));
        pubWs.on('message', (d) => { errors++; process.stderr.write('publisher got: ' + d.toString().slice(0, 300) + '\n'); });
        break;
    case 'probe':
        publishOne(msg.mode, -1);
        reply({});
        break;
    case 'publish':
        reply(await runPublisher(msg));
        break;
    case 'cpu':
        reply({ cpuUs: cpuUs() });
        break;
    case 'close':
        closeAll();
        if (pubWs)
            pubWs.terminate();
        reply({});
        setTimeout(() => process.exit(0), 50);
        break;
    default:
        reply({ error: 'unknown command ' + msg.cmd });
    }
});
process.on('disconnect', () => process.exit(0));
