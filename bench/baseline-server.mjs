// The physical limit the benchmark compares Leasehold with: a bare node:http server answering
// every request with one constant JSON body of the given size, as the same kind of process
// (one Node.js process, keep-alive, the same headers a JSON reply carries). It does nothing per
// request but read the request and write the prepared bytes.
// Usage: node bench/baseline-server.mjs <body bytes> [port]
import { createServer } from 'node:http';

const size = Math.max(16, Number(process.argv[2] ?? 200));
const body = Buffer.from(JSON.stringify({ pad: 'x'.repeat(size - '{"pad":""}'.length) }));
const headers = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(body.length) };

const server = createServer((request, response) => {
  request.resume();
  response.writeHead(200, headers);
  response.end(body);
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.argv[3] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
