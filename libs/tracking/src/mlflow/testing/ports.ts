/** Test helper: the URL of a loopback port that nothing listens on (for connection-refused tests). */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

export async function freePortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
