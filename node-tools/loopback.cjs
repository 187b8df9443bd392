'use strict';
// Preload (node --require ./loopback.cjs ...) that keeps every TCP server on the loopback interface.
// Third-party MCP servers used in tests (server-everything, supergateway) listen on all interfaces and
// have no host option; this rewrites the host of every net.Server#listen call to 127.0.0.1.
// Handles listen(), listen(port[, host][, backlog][, cb]), listen(cb) and listen(options[, cb]);
// pipes / unix sockets / handles are left alone.
const net = require('net');

const LOOPBACK = '127.0.0.1';
const originalListen = net.Server.prototype.listen;

function isPipeName(value) {
  return typeof value === 'string' && value !== '' && !/^\d+$/.test(value);
}

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object') {
    // listen(options[, cb]) or listen(handle[, backlog][, cb])
    if (first.path !== undefined || first.fd !== undefined || first.handle !== undefined || first._handle) {
      return originalListen.apply(this, args);
    }
    if (!('port' in first) && !('host' in first)) {
      return originalListen.apply(this, args); // a server handle object
    }
    args[0] = Object.assign({}, first, { host: LOOPBACK, ipv6Only: false });
    return originalListen.apply(this, args);
  }
  if (isPipeName(first)) {
    return originalListen.apply(this, args);
  }
  // listen(), listen(cb), listen(port[, host][, backlog][, cb])
  const port = typeof first === 'function' || first === undefined || first === null ? 0 : first;
  const rest = typeof first === 'function' ? args : args.slice(1);
  if (rest.length > 0 && typeof rest[0] !== 'function' && typeof rest[0] !== 'number') {
    rest.shift(); // the caller's host (string, null or undefined): replaced below
  }
  return originalListen.call(this, port, LOOPBACK, ...rest);
};
