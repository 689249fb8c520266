// Preloaded (`node --require`) into a tool that must work offline: every outgoing connection
// other than to a loopback address, and every DNS lookup of a name other than localhost, fails
// at once and is recorded (one line each) in the file named by NO_NETWORK_LOG.
const dns = require("node:dns");
const fs = require("node:fs");
const net = require("node:net");

const logFile = process.env.NO_NETWORK_LOG;
const record = (what) => {
  if (logFile) fs.appendFileSync(logFile, `${what}\n`);
};
const LOOPBACK = /^(127\.|::1$|::ffff:127\.|localhost$)/;

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const opts = typeof args[0] === "object" && args[0] !== null ? (Array.isArray(args[0]) ? args[0][0] : args[0]) : { port: args[0], host: args[1] };
  const host = opts && (opts.host ?? (opts.path ? "unix" : "localhost"));
  if (host !== "unix" && !LOOPBACK.test(String(host))) {
    record(`connect ${host}:${opts.port}`);
    const err = Object.assign(new Error(`no network in this test: connect ${host}`), { code: "ENETUNREACH" });
    process.nextTick(() => this.destroy(err));
    return this;
  }
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function (hostname, ...rest) {
  if (!LOOPBACK.test(String(hostname))) {
    record(`lookup ${hostname}`);
    const cb = rest[rest.length - 1];
    const err = Object.assign(new Error(`no network in this test: lookup ${hostname}`), { code: "ENOTFOUND" });
    if (typeof cb === "function") process.nextTick(() => cb(err));
    return {};
  }
  return lookup.call(this, hostname, ...rest);
};
dns.promises.lookup = async (hostname, ...rest) => {
  if (!LOOPBACK.test(String(hostname))) {
    record(`lookup ${hostname}`);
    throw Object.assign(new Error(`no network in this test: lookup ${hostname}`), { code: "ENOTFOUND" });
  }
  return lookup.__promisify__ ? lookup.__promisify__(hostname, ...rest) : require("node:util").promisify(lookup)(hostname, ...rest);
};
