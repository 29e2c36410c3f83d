// Writes the decode benchmark's input files with DuckDB:
//
//   node bench/make_decode_data.mjs OUTDIR [ROWS]     (ROWS defaults to 5,000,000)
//
// One synthetic event table (ROWS rows, zstd, DuckDB's default row groups of 122,880 rows) is
// written twice, because DuckDB picks its encodings by format version:
//   decode_v1.parquet  PARQUET_VERSION V1: int64 and timestamps PLAIN, strings PLAIN_DICTIONARY
//   decode_v2.parquet  PARQUET_VERSION V2: int64 and timestamps DELTA_BINARY_PACKED, strings
//                      RLE_DICTIONARY
// Columns:
//   id_plain    BIGINT     hashed, so no two are close: PLAIN in V1 (DELTA in V2)
//   id_delta    BIGINT     ascending with small random gaps, like sorted user ids
//   ts          TIMESTAMP  ascending microseconds with random gaps (about 0.5 s apart)
//   event_type  VARCHAR    12 values (low cardinality): dictionary
//   url         VARCHAR    about 2,000 values (medium cardinality): dictionary
// After writing, the script reads parquet_metadata() back and fails unless every column chunk
// uses the encoding the benchmark means to measure (ENCODINGS below), so a change in DuckDB's
// heuristics cannot silently turn a "PLAIN" measurement into a dictionary one.
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { openDuckDb, sqlString } from './duckdb_connection.mjs';

// Encodings expected per file and column, as parquet_metadata() lists them. DuckDB marks a
// dictionary-encoded chunk PLAIN_DICTIONARY in V1 files (the name V1 readers expect for the
// same encoding) and RLE_DICTIONARY in V2 files.
const ENCODINGS = {
  'decode_v1.parquet': {
    id_plain: 'PLAIN', id_delta: 'PLAIN', ts: 'PLAIN',
    event_type: 'PLAIN_DICTIONARY', url: 'PLAIN_DICTIONARY',
  },
  'decode_v2.parquet': {
    id_plain: 'DELTA_BINARY_PACKED', id_delta: 'DELTA_BINARY_PACKED', ts: 'DELTA_BINARY_PACKED',
    event_type: 'RLE_DICTIONARY', url: 'RLE_DICTIONARY',
  },
};

const EVENT_TYPES = [
  'page_view', 'click', 'scroll', 'search', 'add_to_cart', 'remove_from_cart',
  'checkout_start', 'purchase', 'login', 'logout', 'signup', 'share',
];
const URL_SECTIONS = ['products', 'blog', 'search', 'cart', 'account', 'help', 'category', 'deals'];

function tableSql(rows) {
  const events = `[${EVENT_TYPES.map(sqlString).join(', ')}]`;
  const sections = `[${URL_SECTIONS.map(sqlString).join(', ')}]`;
  // hash() is deterministic, so every run writes the same values. Skewed picks (min of two
  // hashes) make some event types and URLs more frequent than others, as in real traffic.
  return `CREATE OR REPLACE TABLE events AS
    SELECT
      (hash(i) >> 1)::BIGINT AS id_plain,
      (i * 4 + hash(i * 3 + 1) % 4)::BIGINT AS id_delta,
      TIMESTAMP '2024-03-01 00:00:00' + to_microseconds((i * 500000 + hash(i * 5 + 2) % 500000)::BIGINT) AS ts,
      ${events}[1 + (least(hash(i * 7 + 3) % 12, hash(i * 11 + 4) % 12))::INTEGER] AS event_type,
      'https://shop.example.com/' || ${sections}[1 + (hash(i * 13 + 5) % 8)::INTEGER] || '/' ||
        least(hash(i * 17 + 6) % 250, hash(i * 19 + 7) % 250)::VARCHAR AS url
    FROM range(${rows}) t(i)`;
}

// Returns the problems found (chunks whose encoding or codec differs from `expected`) and, per
// column, the set of encodings seen across row groups.
async function checkEncodings(db, file, expected) {
  const rows = await db.rows(`SELECT row_group_id, path_in_schema, encodings, compression
      FROM parquet_metadata(${sqlString(file)}) ORDER BY path_in_schema, row_group_id`);
  const problems = [];
  const seen = {};
  for (const [rowGroup, column, encodings, compression] of rows) {
    const name = String(column);
    const want = expected[name];
    if (String(encodings) !== want || String(compression) !== 'ZSTD') {
      problems.push(`${path.basename(file)} row group ${rowGroup} column ${name}: expected ` +
        `${want} and ZSTD, got ${encodings} and ${compression}`);
    }
    (seen[name] ??= new Set()).add(String(encodings));
  }
  return { problems, seen: Object.fromEntries(Object.entries(seen).map(([k, v]) => [k, [...v].join('|')])) };
}

async function main() {
  const [outDir, rowsArg] = process.argv.slice(2);
  if (!outDir) {
    console.error('usage: node make_decode_data.mjs OUTDIR [ROWS]');
    process.exit(2);
  }
  const rows = rowsArg ? Number(rowsArg) : 5_000_000;
  if (!Number.isInteger(rows) || rows <= 0) throw new Error(`ROWS must be a positive integer, got ${rowsArg}`);
  mkdirSync(outDir, { recursive: true });
  const db = await openDuckDb();
  await db.run(tableSql(rows));
  let failed = false;
  for (const [name, version] of [['decode_v1.parquet', 'V1'], ['decode_v2.parquet', 'V2']]) {
    const file = path.resolve(outDir, name);
    await db.run(`COPY events TO ${sqlString(file)}
        (FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION ${version})`);
    const { problems, seen } = await checkEncodings(db, file, ENCODINGS[name]);
    console.log(`${file}: ${rows} rows, DuckDB ${db.version}; encodings ${JSON.stringify(seen)}`);
    for (const p of problems) console.error(`ENCODING MISMATCH: ${p}`);
    failed ||= problems.length > 0;
  }
  if (failed) process.exit(1);
}

await main();
