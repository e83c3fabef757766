/**
 * The physical limit of reading events into Node: a bare keyset-paged SELECT of the events table
 * in global order through `pg` (rows parsed, jsonb included), with no event store code. Instants
 * as epoch milliseconds, as the store reads them (the cheapest form for the driver): the limit,
 * not a slower strawman.
 */
import { Client } from 'pg';

export interface BareSelectResult {
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

export async function bareOrderedSelect(url: string, page = 1_000): Promise<BareSelectResult> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const started = performance.now();
    let rows = 0;
    let after: [string, string] = ['0', '0'];
    for (;;) {
      const res = await client.query({
        name: 'bench_bare_select',
        text: `SELECT global_position, transaction_id, stream_id, stream_revision, event_id, event_type,
                      schema_version, data, metadata,
                      floor(extract(epoch FROM occurred_at) * 1000)::float8 AS occurred_ms,
                      floor(extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_ms
                 FROM events
                WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
                ORDER BY transaction_id, global_position
                LIMIT $3`,
        values: [after[0], after[1], page],
      });
      rows += res.rows.length;
      if (res.rows.length < page) break;
      const last = res.rows[res.rows.length - 1] as {
        transaction_id: string;
        global_position: string;
      };
      after = [last.transaction_id, last.global_position];
    }
    const seconds = (performance.now() - started) / 1000;
    return { rows, seconds, rowsPerSecond: rows / seconds };
  } finally {
    await client.end();
  }
}
