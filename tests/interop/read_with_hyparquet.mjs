// Prints the rows of a Parquet file as hyparquet reads them, for writer_interop_test.cc.
// Output format: see read_with_duckdb.mjs (the column type printed is the Parquet physical
// type from the footer). hyparquet decompresses only SNAPPY and UNCOMPRESSED pages by itself,
// so the test runs it on files with those codecs.
//   node read_with_hyparquet.mjs FILE
import fs from 'node:fs';
import { hexBits, loadPackage } from './node_packages.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node read_with_hyparquet.mjs FILE');
  process.exit(2);
}
const { parquetMetadata, parquetReadObjects } = await loadPackage('hyparquet');
const bytes = fs.readFileSync(file);
const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const metadata = parquetMetadata(buffer);
const leaves = metadata.schema.slice(1);
const columns = leaves.map((e) => [e.name, e.type]);
// Timestamps stay exact: microseconds since the epoch as text, not JS Dates.
const parsers = {
  timestampFromMilliseconds: (v) => (BigInt(v) * 1000n).toString(),
  timestampFromMicroseconds: (v) => BigInt(v).toString(),
  timestampFromNanoseconds: (v) => (BigInt(v) / 1000n).toString(),
  dateFromDays: (v) => String(v),
  stringFromBytes: (v) => (v === undefined || v === null ? v : new TextDecoder().decode(v)),
};
const rows = await parquetReadObjects({ file: buffer, metadata, parsers });
const out = [JSON.stringify({ reader: 'hyparquet', num_rows: rows.length, columns })];
for (const row of rows) {
  out.push(JSON.stringify(columns.map(([name, type]) => {
    const v = row[name];
    if (v === null || v === undefined) return null;
    if (type === 'BOOLEAN') return v ? 'true' : 'false';
    if (type === 'FLOAT') return hexBits(v, true);
    if (type === 'DOUBLE') return hexBits(v, false);
    return String(v);
  })));
}
process.stdout.write(out.join('\n') + '\n');
