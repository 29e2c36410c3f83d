// A DuckDB connection for the interop scripts, and the writer of `.expected.jsonl` files.
//
// Expected-file format (the same as the shared corpus's expected/duckdb/*.jsonl):
//   line 1: {"file": NAME, "writer": ..., "expected_from": ..., "num_rows": N,
//            "columns": [[column name, DuckDB type], ...]}
//   then one JSON array per row, one element per column: DuckDB's CAST(value AS VARCHAR) text,
//   or null for a null value.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { loadPackage } from './node_packages.mjs';

export async function openDuckDb() {
  const { DuckDBInstance } = await loadPackage('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  // TIMESTAMPTZ renders in the session time zone; UTC makes it "+00" everywhere. Two threads
  // match the machines this runs on; row order is preserved regardless.
  await conn.run("SET TimeZone = 'UTC'");
  await conn.run('SET threads = 2');
  await conn.run('SET preserve_insertion_order = true');
  return {
    conn,
    async run(sql) { await conn.run(sql); },
    async rows(sql) { return (await conn.runAndReadAll(sql)).getRows(); },
  };
}

export function sqlString(s) { return `'${String(s).replaceAll("'", "''")}'`; }
export function sqlIdent(s) { return `"${String(s).replaceAll('"', '""')}"`; }

// Column names and DuckDB types of a relation (a table name or a read_parquet(...) call).
export async function describe(db, relation) {
  const rows = await db.rows(`DESCRIBE SELECT * FROM ${relation}`);
  return rows.map((r) => [String(r[0]), String(r[1])]);
}

// Writes `<jsonlPath>`: the header, then every row of `relation` rendered as VARCHAR by DuckDB.
// `columns` defaults to the relation's own names and types.
export async function writeExpected(db, relation, jsonlPath, header, columns = null) {
  const cols = columns ?? (await describe(db, relation));
  const select = cols.length === 0
    ? 'SELECT 1'
    : 'SELECT ' + cols.map(([name]) => `CAST(${sqlIdent(name)} AS VARCHAR)`).join(', ');
  const rows = await db.rows(`${select} FROM ${relation}`);
  const lines = [JSON.stringify({
    file: path.basename(jsonlPath).replace(/\.expected\.jsonl$/, ''),
    ...header,
    num_rows: rows.length,
    columns: cols,
  })];
  for (const row of rows) {
    lines.push(JSON.stringify(cols.length === 0 ? [] : row.map((v) => (v === null ? null : String(v)))));
  }
  writeFileSync(jsonlPath, lines.join('\n') + '\n');
  return rows.length;
}
