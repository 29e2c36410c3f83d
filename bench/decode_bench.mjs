// Compares frocket's and DuckDB's single-threaded decode speed on the files written by
// make_decode_data.mjs, one column kind at a time, and prints a table of rows/s and ratios.
//
//   node bench/decode_bench.mjs DATADIR [--frocket PATH_TO_frocket_decode_bench] [--runs N]
//                               [--json OUT.json] [--retain-memory]
//
// For every case DuckDB runs `SELECT <aggregate> FROM read_parquet(file)` with threads = 1, then
// frocket_decode_bench scans the same column with frocket's reader and computes the same
// aggregate (and must get the same value, or the run fails). Each side reports the best of N
// runs. Without --frocket only DuckDB is measured. --retain-memory passes the same flag to
// frocket_decode_bench (glibc malloc keeps freed memory; see decode_bench.cc), to show what
// reusing buffers between column chunks would gain.
//
// The aggregates force a decode of every value of the column and cost little next to it; none
// can be answered from Parquet statistics (as min, max or count(*) could be):
//   INT64:      sum(col)                 (a 128-bit sum, as DuckDB's HUGEINT sum)
//   TIMESTAMP:  sum(epoch_us(col))       (the raw INT64 microseconds)
//   VARCHAR:    sum(strlen(col))         (byte lengths; DuckDB's length() counts characters)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { openDuckDb, sqlIdent, sqlString } from './duckdb_connection.mjs';

// One row of the table per case and, for dictionary strings, per frocket read mode.
const CASES = [
  { kind: 'int64', encoding: 'PLAIN', file: 'decode_v1.parquet', column: 'id_plain', aggregate: 'sum' },
  { kind: 'int64', encoding: 'DELTA_BINARY_PACKED', file: 'decode_v2.parquet', column: 'id_delta', aggregate: 'sum' },
  { kind: 'timestamp', encoding: 'PLAIN', file: 'decode_v1.parquet', column: 'ts', aggregate: 'sum_epoch_us' },
  { kind: 'timestamp', encoding: 'DELTA_BINARY_PACKED', file: 'decode_v2.parquet', column: 'ts', aggregate: 'sum_epoch_us' },
  { kind: 'string, 12 distinct', encoding: 'dictionary', file: 'decode_v1.parquet', column: 'event_type', aggregate: 'sum_strlen', dictionary: true },
  { kind: 'string, ~2000 distinct', encoding: 'dictionary', file: 'decode_v1.parquet', column: 'url', aggregate: 'sum_strlen', dictionary: true },
];

function duckDbExpression(c) {
  const col = sqlIdent(c.column);
  switch (c.aggregate) {
    case 'sum': return `sum(${col})`;
    case 'sum_epoch_us': return `sum(epoch_us(${col}))`;
    case 'sum_strlen': return `sum(strlen(${col}))`;
    default: throw new Error(`unknown aggregate ${c.aggregate}`);
  }
}

// frocket_decode_bench sums the raw INT64 of a timestamp, which is epoch_us for micros.
function frocketAggregate(c) { return c.aggregate === 'sum_strlen' ? 'sum_strlen' : 'sum'; }

async function timeDuckDb(db, file, c, runs) {
  const sql = `SELECT ${duckDbExpression(c)}::VARCHAR FROM read_parquet(${sqlString(file)})`;
  let bestWall = Infinity;
  let bestCpu = Infinity;
  let result;
  for (let r = 0; r < runs; ++r) {
    const cpuStart = process.cpuUsage();
    const start = process.hrtime.bigint();
    const rows = await db.rows(sql);
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    bestWall = Math.min(bestWall, wall);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1e6);
    result = String(rows[0][0]);
  }
  const count = Number((await db.rows(`SELECT count(*) FROM read_parquet(${sqlString(file)})`))[0][0]);
  return { wallSeconds: bestWall, cpuSeconds: bestCpu, rows: count,
    rowsPerWallSecond: count / bestWall, rowsPerCpuSecond: count / bestCpu, result, sql };
}

function timeFrocket(binary, file, c, keepDictionary, expect, runs, retainMemory) {
  const args = ['--file', file, '--column', c.column, '--aggregate', frocketAggregate(c),
    '--runs', String(runs), '--expect', expect];
  if (keepDictionary) args.push('--keep-dictionary');
  if (retainMemory) args.push('--retain-memory');
  const p = spawnSync(binary, args, { encoding: 'utf8' });
  if (p.status !== 0) {
    process.stderr.write(p.stderr);
    throw new Error(`${binary} ${args.join(' ')} exited with status ${p.status}`);
  }
  const report = JSON.parse(p.stdout.trim().split('\n').pop());
  return { wallSeconds: report.best_wall_seconds, cpuSeconds: report.best_cpu_seconds,
    rows: report.rows, rowsPerWallSecond: report.rows_per_wall_second,
    rowsPerCpuSecond: report.rows_per_cpu_second, result: report.result, dictionaryChunks: report.dictionary_chunks,
    materializedChunks: report.materialized_chunks };
}

function parseArgs(argv) {
  const opts = { runs: 5 };
  const rest = [];
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--frocket') opts.frocket = argv[++i];
    else if (a === '--runs') opts.runs = Number(argv[++i]);
    else if (a === '--json') opts.json = argv[++i];
    else if (a === '--retain-memory') opts.retainMemory = true;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else rest.push(a);
  }
  if (rest.length !== 1 || !Number.isInteger(opts.runs) || opts.runs < 1) {
    console.error('usage: node decode_bench.mjs DATADIR [--frocket BINARY] [--runs N] [--json OUT] [--retain-memory]');
    process.exit(2);
  }
  opts.dataDir = rest[0];
  return opts;
}

function millions(x) { return x === undefined ? '-' : (x / 1e6).toFixed(1); }
function ratio(a, b) { return a === undefined ? '-' : (a / b).toFixed(2); }

// Rows/s are per CPU second (process CPU time, best of N), which other processes on a shared
// machine disturb far less than wall time; the last column gives the wall-time ratio.
function printTable(rows) {
  const header = ['column kind', 'encoding', 'frocket read', 'frocket Mrows/s', 'DuckDB Mrows/s',
    'ratio', 'ratio (wall)'];
  const body = rows.map((r) => [r.kind, r.encoding, r.mode ?? '-',
    millions(r.frocket?.rowsPerCpuSecond), millions(r.duckdb.rowsPerCpuSecond),
    ratio(r.frocket?.rowsPerCpuSecond, r.duckdb.rowsPerCpuSecond),
    ratio(r.frocket?.rowsPerWallSecond, r.duckdb.rowsPerWallSecond)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const numeric = (i) => i >= 3;
  const line = (cells) => '| ' + cells.map((c, i) => (numeric(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w, i) => (numeric(i) ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|') + '|');
  for (const b of body) console.log(line(b));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.frocket && !existsSync(opts.frocket)) throw new Error(`no benchmark binary at ${opts.frocket}`);
  const db = await openDuckDb({ threads: 1 });
  const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? os.arch();
  const machine = `${cpu}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(2)} at start`;
  console.log(`DuckDB ${db.version} (threads = 1); ${machine}; best of ${opts.runs} runs` +
    (opts.retainMemory ? '; frocket with --retain-memory' : ''));

  const results = [];
  let mismatch = false;
  for (const c of CASES) {
    const file = path.resolve(opts.dataDir, c.file);
    if (!existsSync(file)) throw new Error(`${file} is missing: run make_decode_data.mjs first`);
    const duckdb = await timeDuckDb(db, file, c, opts.runs);
    const modes = !opts.frocket ? [null] : c.dictionary ? ['dictionary', 'materialized'] : ['values'];
    for (const mode of modes) {
      const row = { ...c, mode, duckdb };
      if (mode !== null) {
        try {
          row.frocket = timeFrocket(opts.frocket, file, c, mode === 'dictionary', duckdb.result, opts.runs,
            opts.retainMemory);
        } catch (e) {
          console.error(String(e.message));
          mismatch = true;
        }
      }
      results.push(row);
    }
  }
  console.log();
  printTable(results);
  if (opts.json) {
    writeFileSync(opts.json, JSON.stringify({ date: new Date().toISOString(), machine,
      duckdb: db.version, runs: opts.runs, retainMemory: Boolean(opts.retainMemory), results }, null, 2) + '\n');
  }
  if (mismatch) process.exit(1);
}

await main();
