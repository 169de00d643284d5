"use strict";
// toxiproxy-node-client (the npm package) drives chaos-proxy's admin API: the client's own suite
// (ihsw/toxiproxy-node-client, src/tests/*.spec.ts) with its assertions, then every call and toxic type checked
// through sockets. Starts nothing: ToxiproxyNodeClientTest gives it a running CLI and an echo upstream.
//   TOXIPROXY_URL=http://127.0.0.1:8474 ECHO_UPSTREAM=127.0.0.1:7000 node client-test.js
const { test, beforeEach, after } = require("node:test");
const assert = require("node:assert/strict");
const net = require("node:net");
const { Toxiproxy, Proxy, Toxic, ToxiproxyError } = require("toxiproxy-node-client");

const url = process.env.TOXIPROXY_URL;
const echo = process.env.ECHO_UPSTREAM;
if (!url || !echo) {
    console.error("set TOXIPROXY_URL (the admin API) and ECHO_UPSTREAM (host:port of an echo server)");
    process.exit(2);
}

// Every method the client's classes offer is recorded when called; the last test checks that none was missed,
// so a client release with a new call fails here until it is covered.
const called = new Set();
for (const type of [Toxiproxy, Proxy, Toxic]) {
    for (const name of Object.getOwnPropertyNames(type.prototype).filter((n) => n !== "constructor")) {
        const original = type.prototype[name];
        type.prototype[name] = function (...args) {
            called.add(`${type.name}.${name}`);
            return original.apply(this, args);
        };
    }
}
const toxicTypes = new Set();

const toxiproxy = new Toxiproxy(url);

async function removeAllProxies() {
    const proxies = await toxiproxy.getAll();
    for (const name of Object.keys(proxies)) {
        await proxies[name].remove();
    }
}

// The client's TestHelper, on our URL: a proxy on an ephemeral port in front of a port nothing listens on.
async function createProxy(name, upstream = "localhost:6379") {
    return toxiproxy.createProxy({ listen: "localhost:0", name, upstream });
}

async function createToxic(proxy, type, attributes, more = {}) {
    toxicTypes.add(type);
    return proxy.addToxic({ attributes, type, ...more });
}

async function rejectsWithStatus(promise, status) {
    await assert.rejects(promise, (error) => {
        assert.ok(error instanceof ToxiproxyError, `a ToxiproxyError, not ${error}`);
        assert.equal(error.message, `Request failed with status code ${status}`);
        return true;
    });
}

function portOf(listen) {
    return Number(listen.slice(listen.lastIndexOf(":") + 1));
}

/** A loopback port nothing listens on now (the client's suite uses fixed ones, 9987 and 9988). */
function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer().listen(0, "127.0.0.1", () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        }).on("error", reject);
    });
}

/** A client connection through a proxy: what arrived, in which pieces, and how it ended. */
class Conn {
    static open(port) {
        return new Promise((resolve, reject) => {
            const socket = net.connect({ host: "127.0.0.1", port });
            socket.once("connect", () => resolve(new Conn(socket)));
            socket.once("error", reject);
        });
    }

    constructor(socket) {
        this.socket = socket;
        this.received = Buffer.alloc(0);
        this.pieces = [];
        this.ended = false;
        this.error = null;
        this.waiters = [];
        socket.setNoDelay(true);
        socket.on("data", (data) => {
            this.received = Buffer.concat([this.received, data]);
            this.pieces.push(data.length);
            this.wake();
        });
        socket.on("end", () => { this.ended = true; this.wake(); });
        socket.on("error", (error) => { this.error = error; this.wake(); });
        socket.on("close", () => { this.ended = true; this.wake(); });
    }

    wake() {
        for (const waiter of [...this.waiters]) {
            waiter();
        }
    }

    /** Resolves when done() holds, or rejects after timeoutMs. */
    until(done, what, timeoutMs = 5000) {
        return new Promise((resolve, reject) => {
            const check = () => {
                if (done()) {
                    clearTimeout(timer);
                    this.waiters.splice(this.waiters.indexOf(check), 1);
                    resolve();
                }
            };
            const timer = setTimeout(() => {
                this.waiters.splice(this.waiters.indexOf(check), 1);
                reject(new Error(`no ${what} within ${timeoutMs} ms; got "${this.received}"`));
            }, timeoutMs);
            this.waiters.push(check);
            check();
        });
    }

    send(text) {
        this.socket.write(text);
    }

    /** Sends text and waits for its echo; the milliseconds it took. */
    async roundTrip(text) {
        const start = performance.now();
        const expected = this.received.length + text.length;
        this.send(text);
        await this.until(() => this.received.length >= expected || this.ended, `echo of ${text.length} bytes`);
        assert.equal(this.received.subarray(expected - text.length).toString(), text);
        return performance.now() - start;
    }

    /** Waits for the end of the stream; the milliseconds it took, and whether it was a reset. */
    async end(timeoutMs = 5000) {
        const start = performance.now();
        await this.until(() => this.ended, "end of stream", timeoutMs);
        return { ms: performance.now() - start, reset: this.error !== null && this.error.code === "ECONNRESET" };
    }

    /** Whether nothing (no byte, no end) arrives within ms. */
    async silentFor(ms) {
        const before = this.received.length;
        await new Promise((resolve) => setTimeout(resolve, ms));
        return this.received.length === before && !this.ended;
    }

    close() {
        this.socket.destroy();
    }
}

async function withConn(port, body) {
    const conn = await Conn.open(port);
    try {
        return await body(conn);
    } finally {
        conn.close();
    }
}

beforeEach(removeAllProxies);

after(removeAllProxies);

// ---- the client's own suite (src/tests/*.spec.ts), assertions kept; `.catch` checks made strict

test("Toxiproxy Should create a proxy", async () => {
    const proxy = await createProxy("create-test");
    await proxy.remove();
});

test("Toxiproxy Should get a proxy", async () => {
    const created = await createProxy("get-test");
    const fetched = await toxiproxy.get(created.name);
    assert.equal(fetched.name, created.name);
    await created.remove();
});

test("Toxiproxy Should get version", async () => {
    const version = await toxiproxy.getVersion();
    assert.equal(JSON.parse(version).version, "2.12.0");
});

test("Toxiproxy Should reset", async () => {
    await toxiproxy.reset();
});

test("Toxiproxy Should populate", async () => {
    const proxies = await toxiproxy.populate([{ listen: "localhost:0", name: "get-all-test", upstream: "localhost:6379" }]);
    assert.deepEqual(Object.keys(proxies), ["get-all-test"]);
    await Promise.all(Object.keys(proxies).map((name) => proxies[name].remove()));
});

test("Toxiproxy Should get all proxies", async () => {
    const proxy1 = { listen: `127.0.0.1:${await freePort()}`, name: "get-all-test1", upstream: "localhost:6379" };
    const proxy2 = { listen: `127.0.0.1:${await freePort()}`, name: "get-all-test2", upstream: "localhost:12345" };
    await toxiproxy.populate([proxy1, proxy2]);
    await toxiproxy.getAll();
    const proxies = await toxiproxy.getAll();
    assert.equal(Object.keys(proxies).length, 2);
    for (const given of [proxy1, proxy2]) {
        assert.equal(proxies[given.name].name, given.name);
        assert.equal(proxies[given.name].listen, given.listen);
        assert.equal(proxies[given.name].upstream, given.upstream);
    }
});

test("Proxy Should update a proxy", async () => {
    const proxy = await createProxy("update-proxy-test");
    const disabled = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    assert.equal(disabled.enabled, false);
    const body = { enabled: true, listen: proxy.listen, upstream: "somehost:12345" };
    const updated = await proxy.update(body);
    assert.equal(updated.enabled, true);
    assert.equal(updated.upstream, body.upstream);
    await proxy.remove();
});

test("Proxy Should remove a proxy", async () => {
    const proxy = await createProxy("remove-test");
    await proxy.remove();
    await rejectsWithStatus(toxiproxy.get("remove-test"), 404);
});

test("Creating the same proxy twice should result in an error", async () => {
    const proxy = await createProxy("duplicate");
    await rejectsWithStatus(createProxy("duplicate"), 409);
    await proxy.remove();
});

test("CRUD for Toxics", async () => {
    const proxy = await createProxy("remove-toxic-test");
    const toxic = await createToxic(proxy, "latency", { latency: 1000, jitter: 100 });
    assert.equal(toxic.name, "latency_downstream");
    assert.equal(toxic.toxicity, 1);
    assert.equal(toxic.attributes.latency, 1000);
    assert.equal(toxic.attributes.jitter, 100);

    const fromServer = await proxy.getToxic(toxic.name);
    assert.equal(fromServer.name, toxic.name);
    assert.equal(fromServer.type, toxic.type);
    assert.equal(fromServer.stream, toxic.stream);
    assert.equal(fromServer.toxicity, toxic.toxicity);

    const updated = await toxic.update({ attributes: { latency: 12345, jitter: 42 } });
    assert.equal(updated.attributes.latency, 12345);
    assert.equal(updated.attributes.jitter, 42);

    await toxic.remove();
    await rejectsWithStatus(proxy.getToxic("latency"), 404);
    await rejectsWithStatus(proxy.getToxic(toxic.name), 404);
    await proxy.remove();
});

test("Creating the same Toxic twice should result in an error", async () => {
    const proxy = await createProxy("duplicate-toxic-test");
    await createToxic(proxy, "latency", { latency: 1000, jitter: 100 });
    await rejectsWithStatus(createToxic(proxy, "latency", { latency: 1000, jitter: 100 }), 409);
    await proxy.remove();
});

for (const [type, attributes] of [
    ["latency", { latency: 1000, jitter: 100 }],
    ["bandwidth", { rate: 1000 }],
    ["slow_close", { delay: 1000 }],
    ["timeout", { timeout: 5 * 1000 }],
    ["slicer", { average_size: 1000, delay: 1000, size_variation: 1000 }],
    ["reset_peer", { timeout: 1000 }],
    ["limit_data", { bytes: 42 }],
]) {
    test(`Proxy Should add a ${type} toxic`, async () => {
        const proxy = await createProxy(`add-${type}-toxic-test`);
        const toxic = await createToxic(proxy, type, attributes);
        for (const [name, value] of Object.entries(attributes)) {
            assert.equal(toxic.attributes[name], value, name);
        }
        await proxy.remove();
    });
}

// ---- every call and toxic type through sockets, in front of the echo server

async function echoProxy(name = "echo") {
    const proxy = await createProxy(name, echo);
    return { proxy, port: portOf(proxy.listen) };
}

test("the proxy and toxic objects describe what the server holds", async () => {
    const { proxy, port } = await echoProxy();
    assert.equal(proxy.getToxiproxy(), toxiproxy);
    assert.equal(proxy.getHost(), url);
    assert.equal(proxy.getPath(), `${url}/proxies/echo`);
    assert.deepEqual(proxy.toJson(), { enabled: true, listen: `127.0.0.1:${port}`, name: "echo", upstream: echo });
    const toxic = await createToxic(proxy, "latency", { latency: 10, jitter: 0 }, { name: "l", stream: "upstream", toxicity: 0.5 });
    assert.equal(toxic.getPath(), `${url}/proxies/echo/toxics/l`);
    assert.deepEqual(toxic.toJson(), { attributes: { latency: 10, jitter: 0 }, name: "l", stream: "upstream", toxicity: 0.5, type: "latency" });
    const raw = await toxiproxy.getApi().get(`${url}/proxies/echo/toxics`);
    assert.deepEqual(raw.data.map((t) => t.name), ["l"]);
    await withConn(port, async (conn) => assert.ok(await conn.roundTrip("hello") < 1000));
});

test("latency is measured, updated in place, switched off by toxicity and works upstream", async () => {
    const { proxy, port } = await echoProxy();
    const toxic = await createToxic(proxy, "latency", { latency: 300, jitter: 0 });
    await withConn(port, async (conn) => {
        const slow = await conn.roundTrip("a");
        assert.ok(slow >= 280 && slow < 2000, `${slow} ms`);
        // The body TypeScript asks for: the whole toxic, as toJson() gives it, with new attributes.
        const updated = await toxic.update({ ...toxic.toJson(), attributes: { latency: 0, jitter: 0 } });
        assert.equal(updated.attributes.latency, 0);
        assert.ok(await conn.roundTrip("b") < 250);
        await toxic.update({ attributes: { latency: 300 }, toxicity: 0 });
        assert.ok(await conn.roundTrip("c") < 250, "toxicity 0 picks no connection");
    });
    await toxic.remove();
    await createToxic(proxy, "latency", { latency: 300, jitter: 0 }, { stream: "upstream" });
    await withConn(port, async (conn) => assert.ok(await conn.roundTrip("d") >= 280));
});

test("bandwidth is measured and its new rate takes over", async () => {
    const { proxy, port } = await echoProxy();
    const toxic = await createToxic(proxy, "bandwidth", { rate: 20 });   // KB/s
    const payload = "b".repeat(10000);   // half a second at 20 KB/s
    await withConn(port, async (conn) => {
        const slow = await conn.roundTrip(payload);
        assert.ok(slow >= 350 && slow < 2500, `${slow} ms`);
        await toxic.update({ attributes: { rate: 1000 } });
        const fast = await conn.roundTrip(payload);
        assert.ok(fast < slow / 2, `${fast} ms at 1000 KB/s, ${slow} ms at 20 KB/s`);
    });
});

test("slow_close delays the end of the stream", async () => {
    const { proxy, port } = await echoProxy();
    await createToxic(proxy, "slow_close", { delay: 400 });
    await withConn(port, async (conn) => {
        await conn.roundTrip("x");
        conn.socket.end();   // the echo server closes in turn
        const { ms } = await conn.end();
        assert.ok(ms >= 350, `${ms} ms`);
    });
});

test("timeout holds the data then cuts the connection", async () => {
    const { proxy, port } = await echoProxy();
    await createToxic(proxy, "timeout", { timeout: 300 });
    await withConn(port, async (conn) => {
        const start = performance.now();
        conn.send("lost");
        await conn.end();
        const ms = performance.now() - start;
        assert.ok(ms >= 250 && ms < 3000, `${ms} ms`);
        assert.equal(conn.received.length, 0);
    });
});

test("timeout 0 stalls until the toxic is removed", async () => {
    const { proxy, port } = await echoProxy();
    const toxic = await createToxic(proxy, "timeout", { timeout: 0 });
    await withConn(port, async (conn) => {
        conn.send("held");
        assert.ok(await conn.silentFor(300));
        await toxic.remove();
        await conn.until(() => conn.received.length >= 4, "held bytes");
        assert.equal(conn.received.toString(), "held");
    });
});

test("slicer cuts the data, and takes a variation as large as its average", async () => {
    const { proxy, port } = await echoProxy();
    const toxic = await createToxic(proxy, "slicer", { average_size: 2, size_variation: 0, delay: 30000 });
    await withConn(port, async (conn) => {
        conn.pieces = [];
        await conn.roundTrip("0123456789");
        assert.ok(conn.pieces.length > 2 && conn.pieces.every((n) => n % 2 === 0), `pieces ${conn.pieces}`);
        await toxic.update({ attributes: { average_size: 1000, size_variation: 1000, delay: 1000 } });
        const large = "s".repeat(20000);
        await conn.roundTrip(large);   // intact, whatever the slices
    });
});

test("reset_peer resets the connection", async () => {
    const { proxy, port } = await echoProxy();
    await createToxic(proxy, "reset_peer", { timeout: 200 });
    await withConn(port, async (conn) => {
        const { ms, reset } = await conn.end();
        assert.ok(reset, `an RST, got ${conn.error}`);
        assert.ok(ms >= 150, `${ms} ms`);
    });
});

test("limit_data closes after the limit", async () => {
    const { proxy, port } = await echoProxy();
    const toxic = await createToxic(proxy, "limit_data", { bytes: 5 });
    await withConn(port, async (conn) => {
        conn.send("0123456789");
        await conn.end();
        assert.equal(conn.received.toString(), "01234");
    });
    await toxic.update({ attributes: { bytes: 8 } });
    await withConn(port, async (conn) => {
        conn.send("0123456789");
        await conn.end();
        assert.equal(conn.received.toString(), "01234567");
    });
});

test("down: a disabled proxy refuses connections, an enabled one takes them on the same port", async () => {
    const { proxy, port } = await echoProxy();
    const down = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    assert.equal(down.enabled, false);
    await assert.rejects(Conn.open(port), (error) => error.code === "ECONNREFUSED");
    const up = await down.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    assert.equal(up.listen, proxy.listen);
    await withConn(port, async (conn) => assert.ok(await conn.roundTrip("up") < 1000));
});

test("a new upstream and listen move the proxy", async () => {
    const { proxy, port } = await echoProxy();
    const moved = await proxy.update({ enabled: true, listen: "127.0.0.1:0", upstream: "localhost:6379" });
    assert.notEqual(portOf(moved.listen), port);
    assert.equal(moved.upstream, "localhost:6379");
    const back = await moved.update({ enabled: true, listen: moved.listen, upstream: echo });
    await withConn(portOf(back.listen), async (conn) => assert.ok(await conn.roundTrip("moved") < 1000));
});

test("reset enables every proxy and removes every toxic", async () => {
    const { proxy, port } = await echoProxy();
    await createToxic(proxy, "latency", { latency: 300, jitter: 0 });
    const other = await createProxy("other", echo);
    await other.update({ enabled: false, listen: other.listen, upstream: other.upstream });
    await toxiproxy.reset();
    assert.equal((await toxiproxy.get("other")).enabled, true);
    await rejectsWithStatus(proxy.getToxic("latency_downstream"), 404);
    await withConn(port, async (conn) => assert.ok(await conn.roundTrip("fast") < 250));
    await withConn(portOf(other.listen), async (conn) => assert.ok(await conn.roundTrip("on") < 250));
});

test("Toxiproxy's newest toxics, which the client's types do not name: packet_loss and noop", async () => {
    const { proxy, port } = await echoProxy();
    const noop = await createToxic(proxy, "noop", {});
    assert.equal(noop.name, "noop_downstream");
    await withConn(port, async (conn) => assert.ok(await conn.roundTrip("through") < 1000));
    const loss = await createToxic(proxy, "packet_loss", { loss_rate: 1, correlation: 0 });
    assert.equal(loss.attributes.loss_rate, 1);
    await withConn(port, async (conn) => {
        conn.send("dropped");
        conn.socket.end();
        await conn.end();
        assert.equal(conn.received.length, 0);
    });
});

test("every call of the client was made and every toxic type added", () => {
    const offered = [Toxiproxy, Proxy, Toxic].flatMap((type) => Object.getOwnPropertyNames(type.prototype)
        .filter((n) => n !== "constructor").map((n) => `${type.name}.${n}`));
    assert.deepEqual(offered.filter((call) => !called.has(call)), []);
    const types = ["latency", "bandwidth", "slow_close", "timeout", "slicer", "reset_peer", "limit_data"];
    assert.deepEqual(types.filter((type) => !toxicTypes.has(type)), []);
    console.log(`covered: ${offered.length} calls (${offered.join(", ")}), ${types.length} toxic types and "down",`
        + ` and packet_loss, noop`);
});
