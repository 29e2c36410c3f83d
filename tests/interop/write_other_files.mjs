// Writes Parquet files with writers other than DuckDB, for what DuckDB cannot write: DataPageV2
// pages, the legacy LZ4 codec, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT on integers and decimals,
// dictionary fallback inside one column chunk, many pages per chunk, row groups of odd sizes.
// Writers: arrow-rs (through parquet-wasm) and hyparquet-writer.
//
// Expected values are ground truth, not a reading of the written file: each file is written from
// a DuckDB source table and its `<file>.expected.jsonl` holds DuckDB's text rendering of that
// table, CAST(CAST(column AS <the file's DuckDB type>) AS VARCHAR), in the format described in
// duckdb_session.mjs. So the same comparator checks these files and DuckDB's own.
//
// Before a file is kept the script checks it: its column names and DuckDB types must equal the
// source table's; its page headers must show the feature the file is named after; and where
// DuckDB can decode it (not LZ4, not BYTE_STREAM_SPLIT on non-float columns) DuckDB's reading
// must equal the ground truth. A failed check exits non-zero: a generator problem, not a reader
// bug.
//
// Usage: node write_other_files.mjs OUTDIR
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

import { describe, openDuckDb, sqlIdent, sqlString, writeExpected } from './duckdb_session.mjs';
import { loadPackage, packageVersion } from './node_packages.mjs';
import { pageCensus } from './page_census.mjs';
import { createRandomMacros, createTestTable } from './source_table.mjs';

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node write_other_files.mjs OUTDIR');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const pw = await loadPackage('parquet-wasm');
const hw = await loadPackage('hyparquet-writer');

const db = await openDuckDb();
const files = [];
const failures = [];

// Types DuckDB's reading of a file may legitimately differ in from the source table's without a
// change of values (a TIMESTAMP_MS column reads back as TIMESTAMP, with the same text).
const EQUIVALENT_TYPES = new Map([['TIMESTAMP_MS', 'TIMESTAMP'], ['TIMESTAMP_S', 'TIMESTAMP']]);

// Checks `file` against source table `table` and writes its expected values. `features` lists
// "PAGE_TYPE:ENCODING" strings (or, with a column name first, "column=PAGE_TYPE:ENCODING") that
// the page census must contain; `codec` the codec every chunk must use.
async function finish(name, table, { writer, codec, features = [], duckdbReadable = true, notes }) {
  const file = path.join(outDir, name);
  const relation = `read_parquet(${sqlString(file)})`;
  const sourceColumns = await describe(db, table);
  const fileColumns = await describe(db, relation);
  const problems = [];
  const expectedColumns = sourceColumns.map(([n, t]) => `${n} ${EQUIVALENT_TYPES.get(t) ?? t}`);
  const actualColumns = fileColumns.map(([n, t]) => `${n} ${t}`);
  const missing = expectedColumns.filter((c) => !actualColumns.includes(c));
  const extra = actualColumns.filter((c) => !expectedColumns.includes(c));
  if (missing.length || extra.length || expectedColumns.length !== actualColumns.length) {
    problems.push(`columns differ from the source table: source has [${missing.join(', ')}], file has [${extra.join(', ')}]`);
  }
  const census = pageCensus(readFileSync(file));
  if (codec && (census.codecs.size !== 1 || !census.codecs.has(codec))) {
    problems.push(`expected codec ${codec} everywhere, found ${[...census.codecs].join(', ')}`);
  }
  for (const feature of features) {
    const [column, page] = feature.includes('=') ? feature.split('=') : [null, feature];
    const found = column ? census.perColumn.get(column)?.has(page) : census.pages.has(page);
    if (!found) {
      const seen = column ? [...(census.perColumn.get(column) ?? [])] : [...census.pages];
      problems.push(`expected ${feature} in the page headers, found ${seen.join(', ')}`);
    }
  }
  // Ground truth: the source table in DuckDB's text form, as the file's types.
  const truth = `(SELECT ${fileColumns.map(([n, t]) => `CAST(${sqlIdent(n)} AS ${t}) AS ${sqlIdent(n)}`).join(', ')}
                  FROM ${table} ORDER BY id)`;
  const rows = await writeExpected(db, truth, `${file}.expected.jsonl`, {
    writer,
    expected_from: `ground truth: DuckDB table ${table} (the data given to the writer), CAST to the file's types, then to VARCHAR`,
    notes,
  }, fileColumns);
  if (duckdbReadable && problems.length === 0) {
    const cols = fileColumns.map(([n]) => sqlIdent(n)).join(', ');
    const diff = await db.rows(`SELECT count(*) FROM (
        (SELECT ${cols} FROM ${truth} EXCEPT ALL SELECT ${cols} FROM ${relation})
        UNION ALL
        (SELECT ${cols} FROM ${relation} EXCEPT ALL SELECT ${cols} FROM ${truth}))`);
    if (Number(diff[0][0]) !== 0) problems.push(`DuckDB's reading differs from the ground truth in ${diff[0][0]} rows`);
  }
  if (problems.length) {
    failures.push(`${name}:\n    ${problems.join('\n    ')}`);
  } else {
    files.push(`${name} (${rows} rows)`);
  }
}

// ---------------------------------------------------------------------------------------------
// arrow-rs (parquet-wasm). The source table travels DuckDB -> uncompressed Parquet -> arrow-rs
// reader -> Arrow table -> arrow-rs writer. Columns whose type arrow-rs does not carry through
// (UUID and JSON become plain binary/string, TIMETZ loses its UTC flag) are left out; HUGEINT
// and ENUM are given as the DOUBLE and VARCHAR that DuckDB writes for them; arrow-rs reads
// INTERVAL as days and milliseconds only, so the source intervals have no months.
const ARROW_ROWS = 3000;
await createTestTable(db, 'src_all', ARROW_ROWS, ['uid', 'js', 'tm_tz']);
await db.run(`CREATE TABLE src AS
  SELECT * REPLACE (huge::DOUBLE AS huge, en::VARCHAR AS en,
                    iv - to_months(datepart('year', iv) * 12 + datepart('month', iv)) AS iv)
  FROM src_all ORDER BY id`);
const stagingFile = path.join(outDir, 'staging.parquet.tmp');
await db.run(`COPY (SELECT * FROM src ORDER BY id) TO ${sqlString(stagingFile)} (FORMAT parquet, COMPRESSION 'uncompressed')`);
const stagingBytes = readFileSync(stagingFile);
rmSync(stagingFile);
const arrowWriter = `arrow-rs via parquet-wasm ${packageVersion('parquet-wasm')}`;

const INT_COLUMNS = ['id', 'i8', 'i16', 'i32', 'i64', 'u8', 'u16', 'u32', 'u64', 'dec_4_2', 'dec_18_3', 'd', 'tm', 'tm_ns',
  'ts', 'ts_ms', 'ts_ns', 'ts_s', 'ts_tz', 'all_null_i'];
const FLOAT_COLUMNS = ['f32', 'f64', 'f32_dense', 'huge'];

function writeArrow(name, configure) {
  const table = pw.readParquet(stagingBytes);
  let builder = new pw.WriterPropertiesBuilder()
    .setCreatedBy(`frocket interop test (${arrowWriter})`)
    .setMaxRowGroupSize(1200)
    .setStatisticsEnabled(pw.EnabledStatistics.Page);
  builder = configure(builder);
  const bytes = pw.writeParquet(table, builder.build());
  writeFileSync(path.join(outDir, name), bytes);
}

// DataPageV2 with every codec arrow-rs writes. A 4 KiB dictionary page limit makes the
// high-cardinality columns fall back from RLE_DICTIONARY to DELTA_* pages inside a chunk; small
// data pages give many pages per chunk.
const CODECS = [
  ['uncompressed', pw.Compression.UNCOMPRESSED, 'UNCOMPRESSED'],
  ['snappy', pw.Compression.SNAPPY, 'SNAPPY'],
  ['gzip', pw.Compression.GZIP, 'GZIP'],
  ['brotli', pw.Compression.BROTLI, 'BROTLI'],
  ['lz4', pw.Compression.LZ4, 'LZ4'],
  ['zstd', pw.Compression.ZSTD, 'ZSTD'],
  ['lz4_raw', pw.Compression.LZ4_RAW, 'LZ4_RAW'],
];
for (const [label, compression, codecName] of CODECS) {
  const name = `arrowrs_v2_${label}.parquet`;
  writeArrow(name, (b) => b.setWriterVersion(pw.WriterVersion.V2).setCompression(compression)
    .setDictionaryPageSizeLimit(4096).setDataPageSizeLimit(8192));
  await finish(name, 'src', {
    writer: arrowWriter,
    codec: codecName,
    features: ['DATA_PAGE_V2:RLE_DICTIONARY', 'DATA_PAGE_V2:DELTA_BINARY_PACKED', 'DATA_PAGE_V2:DELTA_BYTE_ARRAY',
      'i64=DATA_PAGE_V2:RLE_DICTIONARY', 'i64=DATA_PAGE_V2:DELTA_BINARY_PACKED'],
    duckdbReadable: codecName !== 'LZ4',
    notes: 'DataPageV2; dictionary falling back to DELTA_* within chunks; many pages per chunk',
  });
}

// Legacy LZ4 (Hadoop framing) in v1 pages, next to dictionary fallback to PLAIN.
writeArrow('arrowrs_v1_lz4.parquet', (b) => b.setWriterVersion(pw.WriterVersion.V1).setCompression(pw.Compression.LZ4)
  .setDictionaryPageSizeLimit(4096).setDataPageSizeLimit(8192));
await finish('arrowrs_v1_lz4.parquet', 'src', {
  writer: arrowWriter, codec: 'LZ4', duckdbReadable: false,
  features: ['DATA_PAGE:RLE_DICTIONARY', 'i64=DATA_PAGE:PLAIN'],
  notes: 'legacy LZ4 codec (Hadoop framing); v1 pages; dictionary fallback to PLAIN',
});

// Dictionary overflow inside a chunk with v1 pages: RLE_DICTIONARY pages then PLAIN pages.
writeArrow('arrowrs_v1_dict_fallback.parquet', (b) => b.setWriterVersion(pw.WriterVersion.V1)
  .setCompression(pw.Compression.ZSTD).setDictionaryPageSizeLimit(2048).setDataPageSizeLimit(4096));
await finish('arrowrs_v1_dict_fallback.parquet', 'src', {
  writer: arrowWriter, codec: 'ZSTD',
  features: ['i64=DICTIONARY_PAGE:PLAIN', 'i64=DATA_PAGE:RLE_DICTIONARY', 'i64=DATA_PAGE:PLAIN',
    's=DATA_PAGE:RLE_DICTIONARY', 's=DATA_PAGE:PLAIN'],
  notes: 'v1 pages; dictionary falling back to PLAIN within chunks',
});

// DELTA encodings in v1 pages (arrow-rs's v1 writer only uses them when asked), including
// DELTA_BYTE_ARRAY on strings, binary and FIXED_LEN_BYTE_ARRAY.
writeArrow('arrowrs_v1_delta.parquet', (b) => {
  b = b.setWriterVersion(pw.WriterVersion.V1).setCompression(pw.Compression.SNAPPY).setDictionaryEnabled(false);
  for (const c of INT_COLUMNS) b = b.setColumnEncoding(c, pw.Encoding.DELTA_BINARY_PACKED);
  for (const c of ['s', 'bin', 'dec_38_10', 'iv', 'all_null_s']) b = b.setColumnEncoding(c, pw.Encoding.DELTA_BYTE_ARRAY);
  for (const c of ['cat', 'en']) b = b.setColumnEncoding(c, pw.Encoding.DELTA_LENGTH_BYTE_ARRAY);
  return b;
});
await finish('arrowrs_v1_delta.parquet', 'src', {
  writer: arrowWriter, codec: 'SNAPPY',
  features: ['i64=DATA_PAGE:DELTA_BINARY_PACKED', 's=DATA_PAGE:DELTA_BYTE_ARRAY', 'dec_38_10=DATA_PAGE:DELTA_BYTE_ARRAY',
    'cat=DATA_PAGE:DELTA_LENGTH_BYTE_ARRAY'],
  notes: 'v1 pages; DELTA_BINARY_PACKED, DELTA_BYTE_ARRAY (incl. FIXED_LEN_BYTE_ARRAY), DELTA_LENGTH_BYTE_ARRAY',
});

// BYTE_STREAM_SPLIT on every fixed-width column: integers, decimals, dates, times, timestamps,
// floats, FIXED_LEN_BYTE_ARRAY; in v1 and in v2 pages.
for (const [label, version, pageType] of [['v1', pw.WriterVersion.V1, 'DATA_PAGE'], ['v2', pw.WriterVersion.V2, 'DATA_PAGE_V2']]) {
  const name = `arrowrs_${label}_byte_stream_split.parquet`;
  writeArrow(name, (b) => {
    b = b.setWriterVersion(version).setCompression(pw.Compression.ZSTD).setDictionaryEnabled(false);
    for (const c of [...INT_COLUMNS, ...FLOAT_COLUMNS, 'dec_38_10', 'iv']) b = b.setColumnEncoding(c, pw.Encoding.BYTE_STREAM_SPLIT);
    return b;
  });
  await finish(name, 'src', {
    writer: arrowWriter, codec: 'ZSTD', duckdbReadable: false,
    features: [`i32=${pageType}:BYTE_STREAM_SPLIT`, `i64=${pageType}:BYTE_STREAM_SPLIT`, `f64=${pageType}:BYTE_STREAM_SPLIT`,
      `dec_38_10=${pageType}:BYTE_STREAM_SPLIT`, `u8=${pageType}:BYTE_STREAM_SPLIT`],
    notes: `${pageType} pages; BYTE_STREAM_SPLIT on INT32, INT64, FLOAT, DOUBLE and FIXED_LEN_BYTE_ARRAY`,
  });
}

// ---------------------------------------------------------------------------------------------
// hyparquet-writer: v2 pages from a JavaScript writer, with its own choice of encodings and
// explicitly requested ones. The source table is read into JavaScript arrays.
const HYP_ROWS = 3000;
await createRandomMacros(db);
await db.run(`
CREATE TABLE hsrc AS
SELECT i::INTEGER AS id,
       CASE WHEN pick(i, 300, 10) THEN NULL ELSE (sr(i, 301) // 4294967296)::INTEGER END AS i32,
       CASE WHEN pick(i, 302, 10) THEN NULL ELSE sr(i, 303) END AS i64,
       CASE WHEN pick(i, 304, 10) THEN NULL ELSE (i // 7)::INTEGER END AS i32_runs,
       CASE WHEN pick(i, 305, 10) THEN NULL ELSE ((r(i, 306) % 2000001)::INTEGER - 1000000)::FLOAT / 8 END AS f32,
       CASE WHEN i = 1 THEN 'nan'::DOUBLE WHEN i = 2 THEN 'inf'::DOUBLE WHEN i = 3 THEN '-inf'::DOUBLE
            WHEN pick(i, 307, 10) THEN NULL ELSE sr(i, 308)::DOUBLE / (r(i, 309) % 999 + 1)::DOUBLE END AS f64,
       CASE WHEN pick(i, 310, 10) THEN NULL ELSE r(i, 311) % 3 = 0 END AS b,
       CASE WHEN pick(i, 312, 10) THEN NULL WHEN i % 50 = 0 THEN ''
            WHEN i % 10 = 1 THEN 'ünïcödé ✓ ' || i
            ELSE 'user/' || lpad((i // 3)::VARCHAR, 6, '0') || '/event/' || (r(i, 313) % 100)::VARCHAR END AS s,
       (['pageview', 'search', 'addToCart', 'purchase'])[1 + (r(i, 314) % 4)::INTEGER] AS cat,
       CASE WHEN pick(i, 315, 10) THEN NULL
            ELSE epoch_ms(1700000000000 + (r(i, 316) % 100000000000)::BIGINT) END AS ts
FROM range(0, ${HYP_ROWS}) AS rows(i)
ORDER BY i`);
const hsrcRows = await db.rows(`SELECT id, i32, i64, i32_runs, f32, f64, b, s, cat, epoch_ms(ts) FROM hsrc ORDER BY id`);
const column = (k, convert = (v) => v) => hsrcRows.map((row) => (row[k] === null ? null : convert(row[k])));
const hypWriter = `hyparquet-writer ${packageVersion('hyparquet-writer')}`;

// hyparquet-writer compresses SNAPPY itself; other codecs come from node's zlib.
const compressors = {
  GZIP: (input) => new Uint8Array(zlib.gzipSync(input)),
  BROTLI: (input) => new Uint8Array(zlib.brotliCompressSync(input)),
};

function writeHyparquet(name, codec, encodings) {
  const columnData = [
    { name: 'id', data: column(0), type: 'INT32', nullable: false },
    { name: 'i32', data: column(1), type: 'INT32' },
    { name: 'i64', data: column(2, BigInt), type: 'INT64' },
    { name: 'i32_runs', data: column(3), type: 'INT32' },
    { name: 'f32', data: column(4), type: 'FLOAT' },
    { name: 'f64', data: column(5), type: 'DOUBLE' },
    { name: 'b', data: column(6), type: 'BOOLEAN' },
    { name: 's', data: column(7), type: 'STRING' },
    { name: 'cat', data: column(8), type: 'STRING' },
    { name: 'ts', data: column(9, (ms) => new Date(Number(ms))), type: 'TIMESTAMP' },
  ].map((c) => (encodings[c.name] ? { ...c, encoding: encodings[c.name] } : c));
  const writer = new hw.ByteWriter();
  hw.parquetWrite({ writer, columnData, codec, compressors, rowGroupSize: 1300, pageSize: 4096,
    createdBy: `frocket interop test (${hypWriter})` });
  writeFileSync(path.join(outDir, name), new Uint8Array(writer.getBuffer()));
}

writeHyparquet('hyparquet_v2_snappy.parquet', 'SNAPPY', {});
await finish('hyparquet_v2_snappy.parquet', 'hsrc', {
  writer: hypWriter, codec: 'SNAPPY', features: ['DATA_PAGE_V2:RLE_DICTIONARY', 'DATA_PAGE_V2:PLAIN'],
  notes: "DataPageV2 with hyparquet-writer's default encodings",
});
writeHyparquet('hyparquet_v2_delta_gzip.parquet', 'GZIP', {
  i32: 'DELTA_BINARY_PACKED', i64: 'DELTA_BINARY_PACKED', i32_runs: 'DELTA_BINARY_PACKED', id: 'DELTA_BINARY_PACKED',
  s: 'DELTA_BYTE_ARRAY', cat: 'DELTA_LENGTH_BYTE_ARRAY', b: 'RLE', ts: 'DELTA_BINARY_PACKED',
});
await finish('hyparquet_v2_delta_gzip.parquet', 'hsrc', {
  writer: hypWriter, codec: 'GZIP',
  features: ['i64=DATA_PAGE_V2:DELTA_BINARY_PACKED', 's=DATA_PAGE_V2:DELTA_BYTE_ARRAY', 'cat=DATA_PAGE_V2:DELTA_LENGTH_BYTE_ARRAY',
    'b=DATA_PAGE_V2:RLE'],
  notes: 'DataPageV2; DELTA_BINARY_PACKED, DELTA_BYTE_ARRAY, DELTA_LENGTH_BYTE_ARRAY, RLE booleans',
});
writeHyparquet('hyparquet_v2_byte_stream_split_brotli.parquet', 'BROTLI', {
  i32: 'BYTE_STREAM_SPLIT', i64: 'BYTE_STREAM_SPLIT', i32_runs: 'BYTE_STREAM_SPLIT', f32: 'BYTE_STREAM_SPLIT',
  f64: 'BYTE_STREAM_SPLIT', ts: 'BYTE_STREAM_SPLIT',
});
await finish('hyparquet_v2_byte_stream_split_brotli.parquet', 'hsrc', {
  writer: hypWriter, codec: 'BROTLI', duckdbReadable: false,
  features: ['i32=DATA_PAGE_V2:BYTE_STREAM_SPLIT', 'i64=DATA_PAGE_V2:BYTE_STREAM_SPLIT', 'f64=DATA_PAGE_V2:BYTE_STREAM_SPLIT'],
  notes: 'DataPageV2; BYTE_STREAM_SPLIT on INT32, INT64, FLOAT, DOUBLE',
});

console.log(`write_other_files: wrote ${files.length} files to ${outDir}`);
for (const f of files) console.log(`  ${f}`);
if (failures.length) {
  console.error(`write_other_files: ${failures.length} generated files failed their checks (generator problem):`);
  for (const f of failures) console.error(`  ${f}`);
  process.exit(1);
}
