// Prints the rows of a Parquet file as DuckDB reads them, for writer_interop_test.cc.
//   node read_with_duckdb.mjs FILE
// Output (the same as read_with_parquet_wasm.cjs prints):
//   line 1: {"reader": "duckdb", "num_rows": N, "columns": [[name, reader's type name], ...]}
//   then one JSON array per row, one cell per column: null for null, else a string:
//     booleans "true" / "false"; integers in decimal; FLOAT and DOUBLE as "bits:" and the
//     IEEE bit pattern in hex (so -0.0 and every digit compare exactly); strings as they are;
//     timestamps as microseconds since the epoch in decimal.
import { hexBits, loadPackage } from './node_packages.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node read_with_duckdb.mjs FILE');
  process.exit(2);
}
const { DuckDBInstance } = await loadPackage('@duckdb/node-api');
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run("SET TimeZone = 'UTC'");
await conn.run('SET threads = 1');
const source = `read_parquet('${file.replaceAll("'", "''")}')`;
const quote = (name) => `"${name.replaceAll('"', '""')}"`;
const columns = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`))
  .getRows()
  .map((r) => [String(r[0]), String(r[1])]);
// Timestamps come out as microseconds; everything else as DuckDB's own value.
const select = columns
  .map(([name, type]) => (type.startsWith('TIMESTAMP') ? `epoch_us(${quote(name)})` : quote(name)))
  .join(', ');
const rows = (await conn.runAndReadAll(`SELECT ${select} FROM ${source}`)).getRows();
const out = [JSON.stringify({ reader: 'duckdb', num_rows: rows.length, columns })];
for (const row of rows) {
  out.push(JSON.stringify(row.map((v, i) => {
    if (v === null || v === undefined) return null;
    const type = columns[i][1];
    if (type === 'BOOLEAN') return v ? 'true' : 'false';
    if (type === 'FLOAT') return hexBits(v, true);
    if (type === 'DOUBLE') return hexBits(v, false);
    return String(v);
  })));
}
process.stdout.write(out.join('\n') + '\n');
