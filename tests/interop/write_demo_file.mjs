// Writes a small events file with DuckDB for scripts/run-demo.sh: 10,000 events of 500 users,
// sorted by (user_id, ts), zstd-compressed, two row groups.
//
// Usage: node write_demo_file.mjs OUT.parquet
import { openDuckDb, sqlString } from './duckdb_session.mjs';
import { createRandomMacros } from './source_table.mjs';

const out = process.argv[2];
if (!out) {
  console.error('usage: node write_demo_file.mjs OUT.parquet');
  process.exit(2);
}
const db = await openDuckDb();
await createRandomMacros(db);
await db.run(`
COPY (
  SELECT (r(i, 1) % 500)::BIGINT AS user_id,
         TIMESTAMP '2024-03-01 00:00:00' + to_microseconds((r(i, 2) % 604800000000)::BIGINT) AS ts,
         (['pageview', 'pageview', 'search', 'addToCart', 'purchase'])[1 + (r(i, 3) % 5)::INTEGER] AS event_type,
         CASE WHEN r(i, 4) % 4 = 0 THEN NULL ELSE '/product/' || (r(i, 5) % 50)::VARCHAR END AS page,
         CASE WHEN r(i, 6) % 5 = 0 THEN ((r(i, 7) % 50000)::INTEGER * 0.01)::DECIMAL(9,2) END AS amount
  FROM range(0, 10000) AS rows(i)
  ORDER BY user_id, ts
) TO ${sqlString(out)} (FORMAT parquet, COMPRESSION 'zstd', ROW_GROUP_SIZE 6144)`);
console.log(`wrote ${out}`);
