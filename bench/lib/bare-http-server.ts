/**
 * The floor of HTTP on this machine: a bare node:http server in its own process, answering every
 * request with a small JSON body (the size of GET /session's). Started by `npm run bench` on PORT.
 */
import { createServer } from 'node:http';

const body = JSON.stringify({
  userId: '7d3f2f4e-0a43-4d43-9a4e-5d2c7e0b7a11',
  organisationId: '0b9f4a52-5c1e-4b8e-8a37-3f1f0f6e2c10',
  roles: ['caseworker'],
});

createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');

process.on('SIGTERM', () => process.exit(0));
