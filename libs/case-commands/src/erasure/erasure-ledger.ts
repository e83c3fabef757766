import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * One erasure as the ledger records it: opaque ids and a time, never personal data.
 * `organisationId`/`userId` are the supervisor who recorded the person's request.
 */
export interface ErasureLedgerEntry {
  readonly caseId: string;
  readonly erasureRequestId: string;
  readonly userId: string;
  readonly organisationId: string;
  /** ISO 8601 time the erasure was recorded. */
  readonly erasedAt: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The entry parsed from one ledger line, or undefined when the line is not a whole entry. */
export function parseLedgerLine(line: string): ErasureLedgerEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined; // a torn last line (crash mid-write): its erasure is appended again on retry
  }
  const v = value as Record<string, unknown>;
  if (typeof v !== 'object' || v === null) return undefined;
  const ids = [v.caseId, v.erasureRequestId, v.userId, v.organisationId];
  if (!ids.every((id) => typeof id === 'string' && UUID.test(id))) return undefined;
  if (typeof v.erasedAt !== 'string' || Number.isNaN(Date.parse(v.erasedAt))) return undefined;
  return {
    caseId: (v.caseId as string).toLowerCase(),
    erasureRequestId: v.erasureRequestId as string,
    userId: v.userId as string,
    organisationId: v.organisationId as string,
    erasedAt: v.erasedAt,
  };
}

/**
 * The erasure ledger: an append-only file (JSON lines) of every erasure, kept OUTSIDE the
 * database and its backups (default `<REMEDY_DATA_DIR>/erasure-ledger.jsonl`, setting
 * ERASURE_LEDGER_PATH). After a database backup is restored, every erasure made since the backup
 * is in the ledger but not in the database: `reapplyErasures` erases those cases again.
 *
 * Each append is one `write` of one line to a file opened with O_APPEND, then `fsync` (and, when
 * the file is new, an fsync of its directory), so an erasure the API has acknowledged survives a
 * crash. Appends from several processes interleave whole lines (O_APPEND; lines are far below
 * PIPE_BUF). Written by hand: a few lines of node:fs, no library covers "fsynced JSON lines".
 */
export class ErasureLedger {
  constructor(readonly path: string) {}

  async append(entry: ErasureLedgerEntry): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const line = `${JSON.stringify({
      caseId: entry.caseId.toLowerCase(),
      erasureRequestId: entry.erasureRequestId,
      userId: entry.userId,
      organisationId: entry.organisationId,
      erasedAt: entry.erasedAt,
    })}\n`;
    const existed = await this.exists();
    const file = await open(this.path, 'a+', 0o600);
    try {
      // A line torn by a crash mid-write is left as it is (skipped on reading); the new entry
      // starts on a line of its own.
      const { size } = await file.stat();
      let torn = false;
      if (size > 0) {
        const last = Buffer.alloc(1);
        await file.read(last, 0, 1, size - 1);
        torn = last[0] !== 0x0a;
      }
      await file.write(torn ? `\n${line}` : line);
      await file.sync();
    } finally {
      await file.close();
    }
    if (!existed) await syncDirectory(dirname(this.path));
  }

  /** Every entry, in order (unparseable lines are skipped). Empty when the file does not exist. */
  async entries(): Promise<ErasureLedgerEntry[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(parseLedgerLine)
      .filter((e): e is ErasureLedgerEntry => e !== undefined);
  }

  async has(caseId: string): Promise<boolean> {
    const id = caseId.toLowerCase();
    return (await this.entries()).some((e) => e.caseId === id);
  }

  private async exists(): Promise<boolean> {
    try {
      await (await open(this.path, 'r')).close();
      return true;
    } catch {
      return false;
    }
  }
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the file itself is synced.
  }
}
