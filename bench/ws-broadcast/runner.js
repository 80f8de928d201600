#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// bench/ws-broadcast (issue #14): WebSocket broadcast of 128 B messages to N clients, switchboardd
// against a Node server on npm `ws` (server.js), both driven by the same client program
// (client.js), compression off; and SSE fan-out from switchboardd. See bench/README.md.
//
// For each server and client count: start the server on a free loopback port, open N subscribers
// (split over --client-procs processes), wait until each has received a probe, measure RSS per
// client, publish at a fixed offered rate (CPU time of the server per delivery over the steady
// window, loss, latency), then step the offered rate up to find the highest rate sustained without
// loss. Prints one table, the two servers side by side, with the bar of issue #14.
'use strict';

const { fork, spawn, execFileSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');

const HERE = __dirname;
const REPO = path.resolve(HERE, '../..');

// ---------------------------------------------------------------------------------------------
// Options

const USAGE = `usage: runner.js [options]
  --daemon PATH        switchboardd to run (default: build/default/bin/switchboardd of the repo)
  --clients LIST       WebSocket client counts (default 1000,10000; --quick: 1000)
  --rate N:R,...       fixed offered rate R msg/s for N clients (default 25000/N msg/s, i.e.
                       25k deliveries/s: 1000:25, 10000:2.5)
  --duration S         steady window of the fixed-rate run, seconds (default 10; --quick 4)
  --step-duration S    each step of the rate search, seconds (default 3; --quick 2), longer at low
                       rates so that a step has at least 30 messages (at most 8 s)
  --max-steps N        rate-search steps at most, refinements included (default 7; --quick 4)
  --max-growth-ms MS   a step is sustained only if the p90 latency of its last third is at most
                       max(MS, 25 %) above that of its first third (default 50): no growing backlog
  --max-p99-ms MS      ... and its sampled p99 latency is at most MS (default 5000)
  --no-search          fixed rate only
  --sse-clients N      SSE streams (default 1000; 0: no SSE part)
  --sse-rate R         fixed offered rate of the SSE part (default 25 msg/s: 25k deliveries/s)
  --client-procs K     subscriber processes (default 2)
  --client-lib L       WebSocket subscribers: raw (a frame counter on plain sockets, default) or ws
                       (npm ws clients: about 20 % more client CPU per delivery)
  --targets LIST       sb,node (default both)
  --quick              a smoke run: 1,000 clients, short windows, fewer steps
  --json FILE          also write the raw results as JSON`;

function parseArgs(argv) {
    const o = { daemon: path.join(REPO, 'build/default/bin/switchboardd'), clients: null, rates: {},
                duration: null, stepDuration: null, maxSteps: null, maxP99Ms: 5000, maxGrowthMs: 50, search: true,
                sseClients: 1000, sseRate: 25, clientProcs: 2, clientLib: 'raw', targets: ['sb', 'node'],
                quick: false, json: null };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const val = () => {
            if (i + 1 >= argv.length)
                die(`${a} needs a value`);
            return argv[++i];
        };
        switch (a) {
        case '--daemon': o.daemon = path.resolve(val()); break;
        case '--clients': o.clients = val().split(',').map(Number); break;
        case '--rate':
            for (const kv of val().split(',')) {
                const [n, r] = kv.split(':').map(Number);
                o.rates[n] = r;
            }
            break;
        case '--duration': o.duration = Number(val()); break;
        case '--step-duration': o.stepDuration = Number(val()); break;
        case '--max-steps': o.maxSteps = Number(val()); break;
        case '--max-p99-ms': o.maxP99Ms = Number(val()); break;
        case '--max-growth-ms': o.maxGrowthMs = Number(val()); break;
        case '--no-search': o.search = false; break;
        case '--sse-clients': o.sseClients = Number(val()); break;
        case '--sse-rate': o.sseRate = Number(val()); break;
        case '--client-procs': o.clientProcs = Math.max(1, Number(val())); break;
        case '--client-lib': o.clientLib = val(); break;
        case '--targets': o.targets = val().split(','); break;
        case '--quick': o.quick = true; break;
        case '--json': o.json = val(); break;
        case '-h': case '--help': console.log(USAGE); process.exit(0); break;
        default: die(`unknown option ${a}\n${USAGE}`);
        }
    }
    o.clients = o.clients || (o.quick ? [1000] : [1000, 10000]);
    o.duration = o.duration || (o.quick ? 4 : 10);
    o.stepDuration = o.stepDuration || (o.quick ? 2 : 3);
    o.maxSteps = o.maxSteps || (o.quick ? 4 : 7);
    for (const n of o.clients)
        if (!o.rates[n])
            o.rates[n] = Number((25000 / n).toPrecision(3));
    if (o.clientLib !== 'raw' && o.clientLib !== 'ws')
        die(`--client-lib: raw or ws, not ${o.clientLib}`);
    for (const t of o.targets)
        if (t !== 'sb' && t !== 'node')
            die(`unknown target ${t} (sb, node)`);
    return o;
}

function die(msg) {
    process.stderr.write(`ws-broadcast: ${msg}\n`);
    process.exit(64);
}

function log(msg) {
    process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Open-file limit: 10,000 clients need more than the usual 1024 descriptors, in the servers and
// the subscriber processes. Node cannot raise RLIMIT_NOFILE itself, so the runner re-executes
// itself once under `ulimit -n <hard>`; the servers are started the same way.

function nofile() {
    const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const f = line.split(/\s+/);
    return { soft: Number(f[3]), hard: f[4] === 'unlimited' ? Infinity : Number(f[4]) };
}

function ensureNofile(need) {
    const l = nofile();
    if (l.soft >= need)
        return;
    if (process.env.WSBENCH_REEXEC || l.hard <= l.soft) {
        log(`warning: open-file limit ${l.soft} (hard ${l.hard}) is below the ${need} this run needs`);
        return;
    }
    const hard = l.hard === Infinity ? 1048576 : l.hard;
    const r = require('child_process').spawnSync('/bin/sh', ['-c', `ulimit -n ${hard} && exec "$0" "$@"`,
        process.execPath, __filename, ...process.argv.slice(2)],
        { stdio: 'inherit', env: Object.assign({}, process.env, { WSBENCH_REEXEC: '1' }) });
    process.exit(r.status === null ? 1 : r.status);
}

// ---------------------------------------------------------------------------------------------
// /proc

const CLK_TCK = (() => {
    try {
        return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch (e) {
        return 100;
    }
})();

// CPU time of a process, every thread: [utime + stime, stime] in us
function cpuUsOf(pid) {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    const sys = Number(f[12]) * 1e6 / CLK_TCK;
    return [Number(f[11]) * 1e6 / CLK_TCK + sys, sys];
}

function rssKbOf(pid) {
    const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
}

function loadavg() {
    return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

// ---------------------------------------------------------------------------------------------
// Servers

function freePort() {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.on('error', reject);
        s.listen(0, '127.0.0.1', () => {
            const p = s.address().port;
            s.close(() => resolve(p));
        });
    });
}

const running = new Set();
function killAll() {
    for (const p of running) {
        try {
            p.kill('SIGKILL');
        } catch (e) { /* gone */ }
    }
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM'])
    process.on(sig, () => { killAll(); process.exit(130); });

function httpGetStatus(port, p) {
    return new Promise((resolve) => {
        const req = http.get({ host: '127.0.0.1', port, path: p, agent: false, timeout: 1000 }, (res) => {
            res.resume();
            resolve(res.statusCode);
        });
        req.on('error', () => resolve(0));
        req.on('timeout', () => { req.destroy(); resolve(0); });
    });
}

function limitedSpawn(argv, opts) {
    // exec under the hard open-file limit; the pid stays the server's own
    return spawn('/bin/sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', ...argv], opts);
}

async function startSwitchboard(o, dir) {
    const port = await freePort();
    const conf = path.join(dir, 'switchboardd.yaml');
    // Auth off (the default); every connection bound raised so that 10,000+ clients fit; the hub's
    // per-subscriber queues and overflow policy are left at their defaults (a step that makes the
    // hub drop or disconnect counts as lost). Compression off (the default, said explicitly).
    fs.writeFileSync(conf, `communication:
  protocols: [native, http]
  native: {tcp: "127.0.0.1:0", local: ""}
  http:
    listeners: [{address: "127.0.0.1:${port}"}]
    max-connections: 100000
    max-connections-per-address: 100000
    ws: {max-connections: 100000, max-connections-per-address: 100000, permessage-deflate: {enabled: false}}
    sse: {max-streams: 100000, max-streams-per-address: 100000}
limits:
  max-subscriptions: 1000000
  max-buffered-bytes: 4GiB
log: {level: warning}
`);
    const proc = limitedSpawn([o.daemon, '--config', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(proc);
    let stderr = '';
    proc.stderr.on('data', (d) => { stderr += d; if (stderr.length > 20000) stderr = stderr.slice(-10000); });
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
        if (proc.exitCode !== null)
            throw new Error(`switchboardd exited (${proc.exitCode}): ${stderr.slice(-2000)}`);
        if (await httpGetStatus(port, '/health') === 200)
            return { name: 'sb', proc, pid: proc.pid, port, stderr: () => stderr,
                     pubUrl: `ws://127.0.0.1:${port}/api/v1/ws`,
                     subUrl: `ws://127.0.0.1:${port}/api/v1/ws?topic=bench`,
                     sseUrl: `http://127.0.0.1:${port}/api/v1/stream?topic=bench` };
        await sleep(100);
    }
    throw new Error(`switchboardd did not answer /health on ${port}: ${stderr.slice(-2000)}`);
}

async function startNode(o) {
    const port = await freePort();
    const proc = limitedSpawn([process.execPath, path.join(HERE, 'server.js'), String(port)],
                              { stdio: ['ignore', 'pipe', 'pipe'], cwd: HERE });
    running.add(proc);
    let stderr = '';
    proc.stderr.on('data', (d) => { stderr += d; });
    await new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('node server did not start: ' + stderr)), 15000);
        proc.stdout.on('data', (d) => {
            if (String(d).includes('listening')) {
                clearTimeout(t);
                resolve();
            }
        });
        proc.on('exit', (c) => reject(new Error(`node server exited (${c}): ${stderr}`)));
    });
    const url = `ws://127.0.0.1:${port}/`;
    return { name: 'node', proc, pid: proc.pid, port, stderr: () => stderr, pubUrl: url, subUrl: url };
}

async function stopServer(s) {
    if (s.proc.exitCode === null) {
        s.proc.kill('SIGTERM');
        const t0 = Date.now();
        while (s.proc.exitCode === null && s.proc.signalCode === null && Date.now() - t0 < 5000)
            await sleep(50);
        if (s.proc.exitCode === null && s.proc.signalCode === null)
            s.proc.kill('SIGKILL');
    }
    running.delete(s.proc);
}

// ---------------------------------------------------------------------------------------------
// Client processes

class ClientProc {
    constructor() {
        this.proc = fork(path.join(HERE, 'client.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        running.add(this.proc);
        this.next = 1;
        this.waiting = new Map();
        this.proc.on('message', (m) => {
            const w = this.waiting.get(m.id);
            if (w) {
                this.waiting.delete(m.id);
                w(m);
            }
        });
    }
    rpc(msg) {
        return new Promise((resolve) => {
            const id = this.next++;
            this.waiting.set(id, resolve);
            this.proc.send(Object.assign({ id }, msg));
        });
    }
    async close() {
        if (this.proc.exitCode === null && this.proc.connected)
            await Promise.race([this.rpc({ cmd: 'close' }), sleep(3000)]);
        running.delete(this.proc);
    }
}

function percentile(sorted, p) {
    if (!sorted.length)
        return NaN;
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

class Scenario {
    // One server, one kind ('ws' or 'sse'), N subscribers.
    constructor(o, server, kind, n) {
        this.o = o;
        this.server = server;
        this.kind = kind;
        this.n = n;
        this.mode = server.name; // 'sb': envelopes; 'node': bare payloads
        this.subs = [];
        this.pub = null;
    }

    async sumCounts() {
        const all = await Promise.all(this.subs.map((c) => c.rpc({ cmd: 'counts' })));
        const r = { delivered: 0, ready: 0, closed: 0, errors: 0, cpuUs: 0 };
        for (const c of all)
            for (const k of Object.keys(r))
                r[k] += c[k];
        return r;
    }

    async setUp() {
        const procs = Math.min(this.o.clientProcs, this.n);
        const url = this.kind === 'sse' ? this.server.sseUrl : this.server.subUrl;
        // ~16 sampled subscribers for latency and sequence checks, spread over the processes
        const every = Math.max(1, Math.floor(this.n / 16));
        const t0 = Date.now();
        const jobs = [];
        let base = 0;
        for (let k = 0; k < procs; k++) {
            const n = Math.floor(this.n / procs) + (k < this.n % procs ? 1 : 0);
            const sampled = [];
            for (let i = 0; i < n; i++)
                if ((base + i) % every === 0)
                    sampled.push(i);
            const c = new ClientProc();
            this.subs.push(c);
            jobs.push(c.rpc({ cmd: 'connect', kind: this.kind, url, n, sampled, mode: this.mode,
                              lib: this.o.clientLib }));
            base += n;
        }
        const res = await Promise.all(jobs);
        const failed = res.reduce((a, r) => a + r.failed, 0);
        if (failed)
            throw new Error(`${failed} of ${this.n} ${this.kind} clients failed to connect to ${this.server.name}`);
        this.connectSeconds = (Date.now() - t0) / 1000;
        this.pub = new ClientProc();
        const pr = await this.pub.rpc({ cmd: 'pub-connect', url: this.server.pubUrl, mode: this.mode });
        if (!pr.ok)
            throw new Error(`publisher failed to connect: ${pr.error}`);
        // Barrier: probes until every subscriber has had one (subscriptions are live everywhere).
        const deadline = Date.now() + 60000;
        for (;;) {
            await this.pub.rpc({ cmd: 'probe', mode: this.mode });
            await sleep(200);
            const c = await this.sumCounts();
            if (c.ready >= this.n)
                break;
            if (Date.now() > deadline)
                throw new Error(`only ${c.ready} of ${this.n} subscribers got a probe within 60 s`);
        }
        await sleep(1000); // quiet: the probes' writes are done
    }

    async reset() {
        await Promise.all(this.subs.map((c) => c.rpc({ cmd: 'reset' })));
    }

    // Publishes `rate` msg/s for warm + window + 0.5 s; measures over the window only; then waits
    // for the deliveries to complete (at most `grace` seconds after the last publish).
    async phase(rate, window, warm, grace) {
        await this.reset();
        const pid = this.server.pid;
        const total = warm + window + 0.5;
        const pubDone = this.pub.rpc({ cmd: 'publish', mode: this.mode, rate, duration: total });
        await sleep(warm * 1000);
        const [c0, p0] = await Promise.all([this.sumCounts(), this.pub.rpc({ cmd: 'cpu' })]);
        const cpu0 = cpuUsOf(pid);
        const t0 = process.hrtime.bigint();
        await sleep(window * 1000);
        const cpu1 = cpuUsOf(pid);
        const t1 = process.hrtime.bigint();
        const [c1, p1] = await Promise.all([this.sumCounts(), this.pub.rpc({ cmd: 'cpu' })]);
        const pr = await pubDone;
        const expected = pr.sent * this.n;
        const graceEnd = Date.now() + grace * 1000;
        let c;
        for (;;) {
            c = await this.sumCounts();
            if (c.delivered >= expected || Date.now() > graceEnd)
                break;
            await sleep(50);
        }
        const st = await Promise.all(this.subs.map((s) => s.rpc({ cmd: 'stats' })));
        // Latency samples [seq, us]: the whole step, and its first and last third by send order
        const third = pr.sent / 3;
        const lat = [];
        const early = [];
        const late = [];
        for (const s of st)
            for (let i = 0; i < s.latencies.length; i += 2) {
                const k = s.latencies[i] - pr.first;
                const v = s.latencies[i + 1];
                lat.push(v);
                if (k < third)
                    early.push(v);
                else if (k >= 2 * third)
                    late.push(v);
            }
        for (const a of [lat, early, late])
            a.sort((x, y) => x - y);
        const wallS = Number(t1 - t0) / 1e9;
        const windowDeliveries = c1.delivered - c0.delivered;
        const r = {
            rate, window: wallS, sent: pr.sent, expected, delivered: c.delivered,
            lost: expected - c.delivered,
            minPerClient: Math.min(...st.map((s) => s.minPerClient)),
            closed: c.closed, errors: c.errors, gaps: st.reduce((a, s) => a + s.gaps, 0),
            publisherOnTime: pr.elapsedUs <= total * 1e6 * 1.05,
            publisherElapsedS: pr.elapsedUs / 1e6,
            deliveriesPerS: windowDeliveries / wallS,
            serverCpuUsPerDelivery: (cpu1[0] - cpu0[0]) / windowDeliveries,
            serverSysUsPerDelivery: (cpu1[1] - cpu0[1]) / windowDeliveries,
            serverCpuPct: (cpu1[0] - cpu0[0]) / 1e4 / wallS,
            clientCpuPct: ((c1.cpuUs - c0.cpuUs) + (p1.cpuUs - p0.cpuUs)) / 1e4 / wallS,
            latP50Ms: percentile(lat, 0.5) / 1000, latP99Ms: percentile(lat, 0.99) / 1000,
            latMaxMs: lat.length ? lat[lat.length - 1] / 1000 : NaN, latSamples: lat.length,
            latEarlyP90Ms: percentile(early, 0.9) / 1000, latLateP90Ms: percentile(late, 0.9) / 1000,
        };
        // Kept up: (1) the window's deliveries are at least 97 % of the offered rate, less one
        // message's fan-out (a window holds whole messages); (2) the last third's p90 latency is not
        // above the first third's by more than max(--max-growth-ms, 25 %, the time one message's
        // fan-out takes at the measured delivery rate): a server that falls behind builds a backlog
        // that grows through the step; (3) the p99 stays under --max-p99-ms.
        const offered = rate * this.n;
        r.rateKept = r.deliveriesPerS >= 0.97 * offered - this.n / wallS;
        const fanOutMs = 1000 * this.n / Math.max(1, r.deliveriesPerS);
        const growth = r.latLateP90Ms - r.latEarlyP90Ms;
        const keptUp = growth <= Math.max(this.o.maxGrowthMs, 0.25 * r.latEarlyP90Ms, fanOutMs);
        // More deliveries than sent: an earlier step's backlog was still arriving (not drained)
        r.contaminated = r.lost < 0;
        r.sustained = !r.contaminated && r.lost === 0 && r.closed === 0 && r.gaps === 0 && r.publisherOnTime && r.rateKept &&
                      r.latSamples > 0 && keptUp && r.latP99Ms <= this.o.maxP99Ms;
        r.why = r.sustained ? 'ok' : [r.contaminated ? 'an earlier backlog still arriving' : r.lost ? `lost ${r.lost}` : '', r.closed ? `${r.closed} closed` : '',
            r.gaps ? `${r.gaps} gaps` : '', r.publisherOnTime ? '' : 'publisher fell behind',
            r.rateKept ? '' : `delivered ${(100 * r.deliveriesPerS / offered).toFixed(0)} % of the offered rate`,
            keptUp ? '' : `latency grew ${r.latEarlyP90Ms.toFixed(0)} -> ${Number.isNaN(r.latLateP90Ms) ? '(none arrived)' : r.latLateP90Ms.toFixed(0)} ms`,
            r.latP99Ms > this.o.maxP99Ms ? `p99 ${r.latP99Ms.toFixed(0)} ms` : ''].filter(Boolean).join(', ');
        return r;
    }

    // After a step the server did not keep up with: waits until its backlog is gone, i.e. nothing
    // more arrives for a second and the server is (nearly) idle, at most `maxS` seconds.
    async drain(maxS) {
        const end = Date.now() + maxS * 1000;
        let last = -1;
        let quiet = 0;
        let cpu = cpuUsOf(this.server.pid)[0];
        while (Date.now() < end) {
            await sleep(250);
            const c = await this.sumCounts();
            const now = cpuUsOf(this.server.pid)[0];
            const busy = (now - cpu) / 250e3; // share of a core over the interval
            cpu = now;
            quiet = c.delivered === last && busy < 0.1 ? quiet + 1 : 0;
            last = c.delivered;
            if (quiet >= 4)
                return true;
        }
        return false;
    }

    // Late or dropped? What had not arrived within the grace period, counted again once drained.
    async lostAfterDrain(r) {
        const c = await this.sumCounts();
        r.lostAfterDrain = r.expected - c.delivered;
        log(`    (${r.lost} not arrived within the grace period; after draining: ${r.lostAfterDrain} never arrived)`);
    }

    async tearDown() {
        await Promise.all(this.subs.map((c) => c.close()));
        if (this.pub)
            await this.pub.close();
    }
}

function fmtPhase(r) {
    return `${r.rate} msg/s: ${fmtNum(r.deliveriesPerS)} deliveries/s, lost ${r.lost}, ` +
        `CPU ${r.serverCpuUsPerDelivery.toFixed(2)} us/delivery (kernel ${r.serverSysUsPerDelivery.toFixed(2)}; ${r.serverCpuPct.toFixed(0)} % server, ` +
        `${r.clientCpuPct.toFixed(0)} % clients), p50/p99/max ${r.latP50Ms.toFixed(1)}/${r.latP99Ms.toFixed(1)}/` +
        `${r.latMaxMs.toFixed(1)} ms -> ${r.why}`;
}

// Step the offered rate up (x2) from the fixed rate until a step is not sustained, then refine
// between the last sustained and the first failed rate (geometric midpoints).
async function searchRate(sc, o, startRate, fixedOk) {
    const steps = [];
    let ok = fixedOk ? startRate : 0;
    let bad = fixedOk ? 0 : startRate;
    const r2 = (x) => Number(x.toPrecision(2));
    let rate = fixedOk ? startRate * 2 : r2(startRate / 2);
    for (let i = 0; i < o.maxSteps; i++) {
        const r = await sc.phase(rate, Math.min(8, Math.max(o.stepDuration, 30 / rate)), 0.5, 2);
        steps.push(r);
        log(`  search ${sc.server.name} ${sc.kind} ${sc.n}: ${fmtPhase(r)}`);
        if (r.closed)
            break; // the server gave up on clients: nothing after this is comparable
        if (r.sustained)
            ok = rate;
        else
            bad = rate;
        if (r.contaminated || (!r.sustained && !(await sc.drain(30))))
            break; // the server did not catch up: later steps would not start from idle
        if (r.lost > 0)
            await sc.lostAfterDrain(r);
        await sleep(300);
        if (!bad)
            rate = rate * 2;
        else if (!ok)
            rate = r2(rate / 2);
        else {
            if (bad / ok < 1.2)
                break;
            rate = r2(Math.sqrt(ok * bad));
        }
        if (rate === ok || rate === bad)
            break;
    }
    return { best: ok, firstFailed: bad, steps };
}

async function runScenario(o, target, kind, n, fixedRate, tmp) {
    const server = target === 'sb' ? await startSwitchboard(o, tmp) : await startNode(o);
    const res = { target, kind, n, fixedRate };
    const sc = new Scenario(o, server, kind, n);
    try {
        // Warm-up: a few clients connect, get a message and leave (code paths, allocator arenas),
        // so that the baseline is not the cold process.
        const warm = new Scenario(o, server, kind, 8);
        warm.o = Object.assign({}, o, { clientProcs: 1 });
        await warm.setUp();
        await warm.tearDown();
        await sleep(500);
        res.rssBeforeKb = rssKbOf(server.pid);
        await sc.setUp();
        await sleep(500);
        res.rssConnectedKb = rssKbOf(server.pid);
        res.rssPerClientB = (res.rssConnectedKb - res.rssBeforeKb) * 1024 / n;
        res.connectSeconds = sc.connectSeconds;
        log(`${target} ${kind} ${n} clients: connected in ${sc.connectSeconds.toFixed(1)} s, RSS ` +
            `${res.rssBeforeKb} -> ${res.rssConnectedKb} kB (${res.rssPerClientB.toFixed(0)} B per client)`);
        res.fixed = await sc.phase(fixedRate, o.duration, 1, 5);
        log(`  fixed ${target} ${kind} ${n}: ${fmtPhase(res.fixed)}`);
        if (o.search) {
            if (!res.fixed.sustained && await sc.drain(30))
                await sc.lostAfterDrain(res.fixed);
            res.search = await searchRate(sc, o, fixedRate, res.fixed.sustained);
        }
        res.peakRssKb = Number((/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.pid}/status`, 'utf8')) || [])[1]);
    } finally {
        await sc.tearDown();
        await stopServer(server);
    }
    return res;
}

// ---------------------------------------------------------------------------------------------
// The table

function fmtNum(v) {
    if (v === undefined || v === null || Number.isNaN(v))
        return '-';
    const a = Math.abs(v);
    if (a >= 1e6)
        return (v / 1e6).toFixed(2) + 'M';
    if (a >= 1e4)
        return (v / 1e3).toFixed(1) + 'k';
    if (a >= 100)
        return v.toFixed(0);
    if (a >= 10)
        return v.toFixed(1);
    return v.toFixed(2);
}

function machine() {
    const cpu = (fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || '?';
    let osName = os.type();
    try {
        osName = /PRETTY_NAME="([^"]*)"/.exec(fs.readFileSync('/etc/os-release', 'utf8'))[1];
    } catch (e) { /* keep */ }
    const wsVersion = JSON.parse(fs.readFileSync(require.resolve('ws/package.json'), 'utf8')).version;
    return `${os.cpus().length} cores, ${cpu}; ${osName}; node ${process.version}, ws ${wsVersion}`;
}

function printTable(o, results, header) {
    const rows = [];
    const W = 58;
    const row = (metric, sb, node, ratio, bar) => rows.push(
        `${metric.padEnd(W)} | ${String(sb).padEnd(22)} | ${String(node).padEnd(22)} | ${String(ratio).padEnd(5)} | ${bar}`);
    row('metric', 'switchboard', 'node ws', 'ratio', 'bar');
    const verdicts = [];
    const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? (a / b).toFixed(2) : '');
    const get = (t, k, n) => results.find((r) => r.target === t && r.kind === k && r.n === n);
    const both = o.targets.includes('sb') && o.targets.includes('node');
    for (const n of o.clients) {
        const s = get('sb', 'ws', n);
        const d = get('node', 'ws', n);
        const f = (r, fn) => (r && r.fixed ? fn(r) : undefined);
        const rate = o.rates[n];
        const tag = `WS ${n} clients`;
        row(`${tag}, ${rate} msg/s: delivered msg/s`, fmtNum(f(s, (r) => r.fixed.deliveriesPerS)),
            fmtNum(f(d, (r) => r.fixed.deliveriesPerS)), '', '');
        const lostS = f(s, (r) => r.fixed.lost);
        const lostD = f(d, (r) => r.fixed.lost);
        const lostOk = (lostS === undefined || lostS === 0) && (lostD === undefined || lostD === 0);
        row(`${tag}: lost deliveries (of ${fmtNum(f(s || d, (r) => r.fixed.expected))})`,
            lostS === undefined ? '-' : lostS, lostD === undefined ? '-' : lostD, '', `0 ${lostOk ? 'PASS' : 'FAIL'}`);
        verdicts.push(lostOk);
        const cs = f(s, (r) => r.fixed.serverCpuUsPerDelivery);
        const cd = f(d, (r) => r.fixed.serverCpuUsPerDelivery);
        const cr = both ? cs / cd : NaN;
        row(`${tag}: server CPU us per delivery`, fmtNum(cs), fmtNum(cd), ratio(cs, cd),
            both ? `<= 0.5 ${cr <= 0.5 ? 'PASS' : 'FAIL'}` : '');
        if (both)
            verdicts.push(cr <= 0.5);
        row(`${tag}: ... of which in the kernel (stime)`, fmtNum(f(s, (r) => r.fixed.serverSysUsPerDelivery)),
            fmtNum(f(d, (r) => r.fixed.serverSysUsPerDelivery)), ratio(f(s, (r) => r.fixed.serverSysUsPerDelivery),
                f(d, (r) => r.fixed.serverSysUsPerDelivery)), '');
        // The user-space part (utime): what the server's own code costs, the kernel's sends aside.
        const userOf = (r) => r.fixed.serverCpuUsPerDelivery - r.fixed.serverSysUsPerDelivery;
        row(`${tag}: ... of which in user space (utime)`, fmtNum(f(s, userOf)), fmtNum(f(d, userOf)),
            ratio(f(s, userOf), f(d, userOf)), '');
        row(`${tag}: server CPU % (of one core)`, fmtNum(f(s, (r) => r.fixed.serverCpuPct)),
            fmtNum(f(d, (r) => r.fixed.serverCpuPct)), '', '');
        row(`${tag}: client processes CPU %`, fmtNum(f(s, (r) => r.fixed.clientCpuPct)),
            fmtNum(f(d, (r) => r.fixed.clientCpuPct)), '', '');
        row(`${tag}: kept up (no loss, no growing latency)`, f(s, (r) => (r.fixed.sustained ? 'yes' : 'no: ' + r.fixed.why)) || '-',
            f(d, (r) => (r.fixed.sustained ? 'yes' : 'no: ' + r.fixed.why)) || '-', '', '');
        row(`${tag}: latency p50 / p99 ms (sampled)`,
            s && s.fixed ? `${s.fixed.latP50Ms.toFixed(1)} / ${s.fixed.latP99Ms.toFixed(1)}` : '-',
            d && d.fixed ? `${d.fixed.latP50Ms.toFixed(1)} / ${d.fixed.latP99Ms.toFixed(1)}` : '-', '', '');
        const rs = s && s.rssPerClientB;
        const rd = d && d.rssPerClientB;
        const rr = both ? rs / rd : NaN;
        row(`${tag}: RSS per client B`, fmtNum(rs), fmtNum(rd), ratio(rs, rd),
            both ? `<= 1.0 ${rr <= 1.0 ? 'PASS' : 'FAIL'}` : '');
        if (both)
            verdicts.push(rr <= 1.0);
        row(`${tag}: RSS before clients / peak kB`,
            s ? `${fmtNum(s.rssBeforeKb)} / ${fmtNum(s.peakRssKb)}` : '-',
            d ? `${fmtNum(d.rssBeforeKb)} / ${fmtNum(d.peakRssKb)}` : '-', '', '');
        if (o.search) {
            const best = (r) => (r && r.search ? r.search.best : undefined);
            const fmtBest = (r) => (r && r.search ? `${fmtNum(r.search.best)} (${fmtNum(r.search.best * n)} deliv/s)` : '-');
            row(`${tag}: highest sustained msg/s (deliveries/s)`, fmtBest(s), fmtBest(d), ratio(best(s), best(d)), '');
            row(`${tag}: first rate not sustained, msg/s`, s && s.search ? fmtNum(s.search.firstFailed || NaN) : '-',
                d && d.search ? fmtNum(d.search.firstFailed || NaN) : '-', '', '');
        }
    }
    const e = get('sb', 'sse', o.sseClients);
    if (e) {
        const tag = `SSE ${o.sseClients} clients`;
        row(`${tag}, ${o.sseRate} msg/s: delivered msg/s`, fmtNum(e.fixed.deliveriesPerS), '-', '', '');
        row(`${tag}: lost deliveries (of ${fmtNum(e.fixed.expected)})`, e.fixed.lost, '-', '',
            `0 ${e.fixed.lost === 0 ? 'PASS' : 'FAIL'}`);
        verdicts.push(e.fixed.lost === 0);
        row(`${tag}: server CPU us per delivery (kernel)`,
            `${fmtNum(e.fixed.serverCpuUsPerDelivery)} (${fmtNum(e.fixed.serverSysUsPerDelivery)})`, '-', '', '');
        row(`${tag}: latency p50 / p99 ms (sampled)`, `${e.fixed.latP50Ms.toFixed(1)} / ${e.fixed.latP99Ms.toFixed(1)}`, '-', '', '');
        row(`${tag}: RSS per client B`, fmtNum(e.rssPerClientB), '-', '', '');
        if (e.search)
            row(`${tag}: highest sustained delivered msg/s`, `${fmtNum(e.search.best * o.sseClients)} (${fmtNum(e.search.best)} msg/s)`, '-', '', '');
    }
    const complete = both && o.clients.length > 0;
    const met = verdicts.every(Boolean);
    console.log(header);
    console.log(rows.join('\n'));
    console.log(complete ? `bar: ${met ? 'MET' : 'NOT MET'} (CPU per delivery <= 0.5x node ws, RSS per client <= 1.0x, no loss at the fixed rate)`
                         : 'bar: no verdict (one target only)');
}

// ---------------------------------------------------------------------------------------------

async function main() {
    const o = parseArgs(process.argv.slice(2));
    const maxN = Math.max(...o.clients, o.sseClients);
    ensureNofile(Math.ceil(maxN / Math.min(o.clientProcs, maxN)) + 256);
    if (o.targets.includes('sb') && !fs.existsSync(o.daemon))
        die(`no switchboardd at ${o.daemon} (--daemon PATH)`);
    const load0 = loadavg();
    const t0 = Date.now();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-broadcast-'));
    const results = [];
    try {
        for (const n of o.clients)
            for (const t of o.targets)
                results.push(await runScenario(o, t, 'ws', n, o.rates[n], tmp));
        if (o.sseClients > 0 && o.targets.includes('sb'))
            results.push(await runScenario(o, 'sb', 'sse', o.sseClients, o.sseRate, tmp));
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
    const secs = (Date.now() - t0) / 1000;
    const header = `ws-broadcast: ${machine()}; payload 128 B, compression off; fixed window ${o.duration} s` +
        (o.search ? `, search steps ${o.stepDuration} s (sustained: no loss, >= 97 % of the offered rate, p90 latency growth <= max(${o.maxGrowthMs} ms, 25 %, one fan-out), p99 <= ${o.maxP99Ms} ms)` : '') +
        `; ${o.clientProcs} subscriber processes (${o.clientLib}); ${Math.floor(secs / 60)} min ${Math.round(secs % 60)} s; ` +
        `load average before ${load0}, after ${loadavg()}`;
    printTable(o, results, header);
    if (o.json)
        fs.writeFileSync(o.json, JSON.stringify({ options: o, results }, null, 1));
}

main().catch((e) => {
    process.stderr.write(`ws-broadcast: ${e.stack || e}\n`);
    killAll();
    process.exit(1);
});
