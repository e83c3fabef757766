import { rmSync } from 'node:fs';

export default async function globalTeardown() {
  const embedded = globalThis.__REMEDY_EMBEDDED_PG__;
  if (embedded) {
    await embedded.pg.stop().catch(() => {});
    rmSync(embedded.dir, { recursive: true, force: true });
  }
}
