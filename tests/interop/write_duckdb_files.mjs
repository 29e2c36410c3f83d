// Writes Parquet files with DuckDB (every column type it can write, every codec, v1/v2
// encodings, several row group sizes, plus a few special shapes) into OUTDIR, each with a
// `<file>.expected.jsonl` holding DuckDB's own reading of the file (see duckdb_session.mjs for
// the format). frocket's reader must read every cell the way DuckDB does.
//
// Usage: node write_duckdb_files.mjs OUTDIR
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { openDuckDb, sqlString, writeExpected } from './duckdb_session.mjs';
import { packageVersion } from './node_packages.mjs';
import { createTestTable } from './source_table.mjs';

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node write_duckdb_files.mjs OUTDIR');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const db = await openDuckDb();
const version = String((await db.rows('SELECT version()'))[0][0]);

await createTestTable(db, 't', 5000);

const files = [];
const header = {
  writer: `DuckDB ${version} (@duckdb/node-api ${packageVersion('@duckdb/node-api')})`,
  expected_from: 'DuckDB reading the file back, CAST(column AS VARCHAR)',
};

async function copyTo(query, name, options) {
  const file = path.join(outDir, name);
  await db.run(`COPY (${query}) TO ${sqlString(file)} (FORMAT parquet, ${options})`);
  const rows = await writeExpected(db, `read_parquet(${sqlString(file)})`, `${file}.expected.jsonl`, {
    ...header,
    copy_options: options,
  });
  files.push(`${name} (${rows} rows)`);
}

// Every codec DuckDB writes, with v1 (PLAIN/dictionary) and v2 (DELTA_*, BYTE_STREAM_SPLIT)
// encodings. DuckDB rounds ROW_GROUP_SIZE up to a multiple of 2048: 2048 gives several row
// groups, 1000000 one. All 5000 rows go to the zstd and snappy files; the other codecs get the
// first 2500 rows (two row groups), which exercise the same pages for less test time. ('lz4' and
// 'lz4_raw' both mean LZ4_RAW in DuckDB.)
const codecs = ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4_raw', 'brotli'];
for (const codec of codecs) {
  for (const version of ['V1', 'V2']) {
    const full = codec === 'zstd' || codec === 'snappy';
    const rowGroups = full ? [2048, 1000000] : [2048];
    for (const rg of rowGroups) {
      const query = full && rg === 2048 ? 'SELECT * FROM t' : 'SELECT * FROM t WHERE id < 2500';
      await copyTo(query, `duckdb_${codec}_${version.toLowerCase()}_rg${rg}.parquet`,
        `COMPRESSION '${codec}', PARQUET_VERSION ${version}, ROW_GROUP_SIZE ${rg}`);
    }
  }
}

// Event data sorted by (user_id, ts), the shape frocket is built for: long runs of one user,
// increasing timestamps within a user, low-cardinality event types.
await db.run(`
CREATE TABLE events AS
SELECT user_id, ts, event_type, page, amount
FROM (
  SELECT
    (r(i, 100) % 1500)::BIGINT * 7919 AS user_id,
    TIMESTAMP '2024-01-01 00:00:00' + to_microseconds((r(i, 101) % 2592000000000)::BIGINT) AS ts,
    (['pageview', 'pageview', 'pageview', 'search', 'addToCart', 'checkout', 'purchase'])[1 + (r(i, 102) % 7)::INTEGER] AS event_type,
    CASE WHEN pick(i, 103, 30) THEN NULL ELSE '/p/' || (r(i, 104) % 300)::VARCHAR END AS page,
    CASE WHEN pick(i, 105, 80) THEN NULL ELSE ((r(i, 106) % 100000)::INTEGER * 0.01)::DECIMAL(9,2) END AS amount
  FROM range(0, 20000) AS rows(i))
ORDER BY user_id, ts, event_type, page, amount
`);
for (const version of ['V1', 'V2']) {
  await copyTo('SELECT * FROM events', `duckdb_events_sorted_${version.toLowerCase()}.parquet`,
    `COMPRESSION 'zstd', PARQUET_VERSION ${version}, ROW_GROUP_SIZE 8192`);
}

// A string column whose dictionary DuckDB gives up on: DuckDB decides per row group, so the
// first row group (few distinct values) is dictionary encoded and the later ones (every value
// distinct, far past DuckDB's dictionary size limit) are PLAIN (v1) or DELTA_LENGTH_BYTE_ARRAY
// (v2). The same holds for the UBIGINT column.
await db.run(`
CREATE TABLE wide_dict AS
SELECT i::INTEGER AS id,
       CASE WHEN i < 10240 THEN 'few_' || (r(i, 200) % 50)::VARCHAR
            ELSE 'distinct_' || printf('%016x', r(i, 201)) || repeat('-', (r(i, 202) % 40)::INTEGER) END AS s,
       'low_' || (r(i, 203) % 20)::VARCHAR AS low_s,
       CASE WHEN pick(i, 204, 5) THEN NULL WHEN i < 10240 THEN r(i, 205) % 100 ELSE r(i, 206) END::UBIGINT AS u64
FROM range(0, 30720) AS rows(i)
`);
for (const version of ['V1', 'V2']) {
  await copyTo('SELECT * FROM wide_dict', `duckdb_dict_overflow_${version.toLowerCase()}.parquet`,
    `COMPRESSION 'snappy', PARQUET_VERSION ${version}, ROW_GROUP_SIZE 10240`);
}

// No rows at all: a footer with a schema and no (or empty) row groups.
await copyTo('SELECT * FROM t WHERE false', 'duckdb_empty.parquet', "COMPRESSION 'zstd'");

console.log(`write_duckdb_files: wrote ${files.length} files to ${outDir}`);
for (const f of files) console.log(`  ${f}`);
