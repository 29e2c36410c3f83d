// Query benchmark: frocket (`frocket query`) against DuckDB (SQL through @duckdb/node-api) on
// the same Parquet files. See bench/README.md, "Query benchmark".
//
//   node bench/query_bench.mjs copy SRC_DIR DST_DIR
//     Writes a DuckDB copy of every SRC_DIR/part-*.parquet into DST_DIR under the same name:
//     `COPY (SELECT * FROM file ORDER BY user_id, ts) TO ... (FORMAT parquet, COMPRESSION zstd)`
//     with DuckDB's default row groups. One output file per input file keeps the bucketing, so
//     frocket can register the copy as a dataset and both engines see the same partitioning.
//
//   node bench/query_bench.mjs run --frocket BIN --catalog DIR --dataset NAME=DATA_DIR ...
//        [--threads N] [--runs R] [--json OUT.json]
//     For each dataset (a name registered in the catalog and the directory of its files) and
//     each query below: times `frocket query NAME --file Q --format json --threads N` (the whole
//     process, wall time), the same with `--scan-only` (the floor: read and decode the query's
//     columns, nothing else; "n/a" when the binary has no such flag), and DuckDB's SQL with
//     `SET threads = N` (wall time around the call). One warm-up run, then the best of R (3).
//     Both engines' answers are compared; any difference prints MISMATCH and the exit status is 1.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { openDuckDb, sqlString } from './duckdb_connection.mjs';

const HOUR = 3600000;
const DAY = 86400000;

// ---------------------------------------------------------------------------------------------
// The queries. Each has the frocket query, the DuckDB SQL (over `t`, the dataset's files), and
// two functions turning each engine's output into the same plain answer for comparison.
//
// SQL notes. The datasets hold every row of a user in one file, sorted by ts, with ts strictly
// increasing per user; the SQL does not rely on either. Funnel semantics (QUERY_LANGUAGE.md
// section 6): without maxDuration, the earliest pageview, then the earliest later addToCart,
// then the earliest later purchase. With maxDuration every start counts; for three steps a
// group reaches step 2 exactly when some middle-step row m has
//   (earliest step-2 row after m) - (latest step-0 row before m) <= maxDuration,
// because for a fixed middle row the latest earlier start and the earliest later end are the
// best choices. DuckDB's ASOF joins find those rows. (Per-user lists with lambdas and window
// functions over all rows gave the same answers and were 1.5 to 10 times slower here.)

const funnelSteps = (answer) => answer.map(([groups, rows]) => ({ groups, rows }));

function frocketFunnel(result) {
  return funnelSteps(result.funnel.sequence.map((s) => [s.matchingGroups, s.matchingGroupRows]));
}

function duckFunnel(row) {
  return funnelSteps([[row[0], row[1]], [row[2], row[3]], [row[4], row[5]]]);
}

// A DuckDB LIST value (node-api's DuckDBListValue keeps its elements in `items`) as an array.
function listOf(value) {
  if (value === null || value === undefined) return [];
  return (value.items ?? value).map((e) => (e !== null && typeof e === 'object' ? listOf(e) : e));
}

// The top `top` entries of a DuckDB list of [key, number] pairs in result order, and the sum of
// the rest.
function topOf(list, top) {
  const pairs = listOf(list);
  return {
    top: pairs.slice(0, top).map(([k, v]) => [String(k), Number(v)]),
    otherCount: pairs.slice(top).reduce((a, [, v]) => a + Number(v), 0),
  };
}

const ev = (type) => ({ filter: ['event_type', '==', type] });

export const QUERIES = [
  {
    name: 'funnel_3_steps',
    what: 'pageview -> addToCart -> purchase',
    query: { funnel: { sequence: [ev('pageview'), ev('addToCart'), ev('purchase')] } },
    sql: (t) => `
      WITH u AS (
        SELECT count(*) AS n,
               min(ts) FILTER (event_type = 'pageview') AS t0,
               list(ts) FILTER (event_type = 'addToCart') AS carts,
               list(ts) FILTER (event_type = 'purchase') AS purchases
        FROM ${t} GROUP BY user_id),
      s1 AS (SELECT n, t0, list_min(list_filter(carts, x -> x > t0)) AS t1, purchases FROM u),
      s2 AS (SELECT n, t0, t1, list_min(list_filter(purchases, x -> x > t1)) AS t2 FROM s1)
      SELECT count(t0), coalesce(sum(n) FILTER (t0 IS NOT NULL), 0),
             count(t1), coalesce(sum(n) FILTER (t1 IS NOT NULL), 0),
             count(t2), coalesce(sum(n) FILTER (t2 IS NOT NULL), 0)
      FROM s2`,
    frocket: frocketFunnel,
    duckdb: duckFunnel,
  },
  {
    name: 'funnel_3_steps_1h',
    what: 'the same within one hour (maxDuration 3600000)',
    query: {
      funnel: { sequence: [ev('pageview'), ev('addToCart'), ev('purchase')], maxDuration: HOUR },
    },
    sql: (t) => `
      WITH e AS (SELECT user_id, ts, event_type FROM ${t}),
      n AS (SELECT user_id, count(*) AS n, bool_or(event_type = 'pageview') AS r0
            FROM e GROUP BY user_id),
      pv AS (SELECT user_id, ts FROM e WHERE event_type = 'pageview'),
      cart AS (SELECT user_id, ts FROM e WHERE event_type = 'addToCart'),
      buy AS (SELECT user_id, ts FROM e WHERE event_type = 'purchase'),
      -- each addToCart with the latest pageview strictly before it ...
      c AS (SELECT cart.user_id, cart.ts, pv.ts AS start
            FROM cart ASOF JOIN pv ON cart.user_id = pv.user_id AND cart.ts > pv.ts),
      -- ... and the earliest purchase strictly after it
      cb AS (SELECT c.user_id, c.ts, c.start, buy.ts AS done
             FROM c ASOF LEFT JOIN buy ON c.user_id = buy.user_id AND c.ts < buy.ts),
      r AS (SELECT user_id, bool_or(ts - start <= ${HOUR}) AS r1,
                   coalesce(bool_or(done - start <= ${HOUR}), false) AS r2
            FROM cb GROUP BY user_id)
      SELECT count(*) FILTER (r0), coalesce(sum(n) FILTER (r0), 0),
             count(*) FILTER (r1), coalesce(sum(n) FILTER (r1), 0),
             count(*) FILTER (r2), coalesce(sum(n) FILTER (r2), 0)
      FROM n LEFT JOIN r USING (user_id)`,
    frocket: frocketFunnel,
    duckdb: duckFunnel,
  },
  {
    name: 'audience',
    what: 'count targets, relation, countPerValue + groupsPerValue',
    query: {
      query: {
        conditions: [
          { name: 'engaged', filter: ['event_type', '==', 'pageview'], target: ['count', '>=', 5] },
          { name: 'carts', filter: ['event_type', '==', 'addToCart'], target: ['count', '>=', 2] },
          { name: 'buyer', filter: ['event_type', '==', 'purchase'] },
        ],
        relation: '$engaged and ($carts or not $buyer)',
        aggregations: [
          { column: 'country', type: 'countPerValue' },
          { column: 'browser', type: 'groupsPerValue' },
        ],
      },
    },
    sql: (t) => `
      WITH u AS (
        SELECT user_id, count(*) AS n FROM ${t} GROUP BY user_id
        HAVING count(*) FILTER (event_type = 'pageview') >= 5
           AND (count(*) FILTER (event_type = 'addToCart') >= 2
                OR NOT count(*) FILTER (event_type = 'purchase') >= 1)),
      r AS (SELECT user_id, country, browser FROM ${t} SEMI JOIN u USING (user_id)),
      countries AS (SELECT country AS k, count(*) AS v FROM r WHERE country IS NOT NULL GROUP BY 1),
      browsers AS (SELECT browser AS k, count(DISTINCT user_id) AS v FROM r
                   WHERE browser IS NOT NULL GROUP BY 1)
      SELECT (SELECT count(*) FROM u), (SELECT coalesce(sum(n), 0) FROM u),
             (SELECT list([k, v::VARCHAR] ORDER BY v DESC, k) FROM countries),
             (SELECT list([k, v::VARCHAR] ORDER BY v DESC, k) FROM browsers)`,
    frocket: (r) => ({
      groups: r.query.matchingGroups,
      rows: r.query.matchingGroupRows,
      countries: { top: Object.entries(r.query.aggregations[0].value), otherCount: r.query.aggregations[0].otherCount },
      browsers: { top: Object.entries(r.query.aggregations[1].value), otherCount: r.query.aggregations[1].otherCount },
    }),
    duckdb: (row) => ({
      groups: row[0],
      rows: row[1],
      countries: topOf(row[2], 10),
      browsers: topOf(row[3], 10),
    }),
  },
  {
    name: 'sequence_sum',
    what: 'sequence search -> addToCart -> purchase within a day, and purchases summing over 200',
    query: {
      query: {
        conditions: [
          {
            name: 'search_cart_buy',
            sequence: [ev('search'), ev('addToCart'), ev('purchase')],
            maxDuration: DAY,
          },
          // Prices end in .99, so no sum lies within rounding error of the threshold.
          {
            name: 'spender',
            filter: ['event_type', '==', 'purchase'],
            target: ['sum', 'price', '>', 200.005],
          },
        ],
      },
    },
    sql: (t) => `
      WITH e AS (SELECT user_id, ts, event_type, price FROM ${t}),
      n AS (SELECT user_id, count(*) AS n,
                   count(*) FILTER (event_type = 'purchase') AS purchases,
                   coalesce(sum(price) FILTER (event_type = 'purchase'), 0) AS spent
            FROM e GROUP BY user_id),
      search AS (SELECT user_id, ts FROM e WHERE event_type = 'search'),
      cart AS (SELECT user_id, ts FROM e WHERE event_type = 'addToCart'),
      buy AS (SELECT user_id, ts FROM e WHERE event_type = 'purchase'),
      c AS (SELECT cart.user_id, cart.ts, search.ts AS start
            FROM cart ASOF JOIN search ON cart.user_id = search.user_id AND cart.ts > search.ts),
      cb AS (SELECT c.user_id, c.start, buy.ts AS done
             FROM c ASOF JOIN buy ON c.user_id = buy.user_id AND c.ts < buy.ts),
      seq AS (SELECT DISTINCT user_id FROM cb WHERE done - start <= ${DAY})
      SELECT count(*), coalesce(sum(n), 0) FROM n SEMI JOIN seq USING (user_id)
      WHERE purchases >= 1 AND spent > 200.005`,
    frocket: (r) => ({ groups: r.query.matchingGroups, rows: r.query.matchingGroupRows }),
    duckdb: (row) => ({ groups: row[0], rows: row[1] }),
  },
];

// ---------------------------------------------------------------------------------------------

function plain(v) {
  return JSON.parse(JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? Number(x) : x)));
}

// Differences between two plain answers, as "path: a vs b" lines. Numbers must be equal.
function differences(a, b, where = '') {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return a === b ? [] : [`${where || '.'}: frocket ${JSON.stringify(a)}, DuckDB ${JSON.stringify(b)}`];
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const out = [];
  for (const k of keys) out.push(...differences(a[k], b[k], `${where}.${k}`));
  return out;
}

function parseArgs(argv) {
  const opts = { datasets: [], runs: 3, threads: os.availableParallelism?.() ?? os.cpus().length };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--frocket') opts.frocket = next();
    else if (a === '--catalog') opts.catalog = next();
    else if (a === '--dataset') {
      const [name, dir] = next().split('=');
      opts.datasets.push({ name, dir });
    } else if (a === '--threads') opts.threads = Number(next());
    else if (a === '--runs') opts.runs = Number(next());
    else if (a === '--json') opts.json = next();
    else if (a === '--queries') opts.only = next().split(',');
    else throw new Error(`unknown argument ${a}`);
  }
  if (!opts.frocket || !opts.catalog || opts.datasets.length === 0) {
    throw new Error('run needs --frocket BIN --catalog DIR --dataset NAME=DIR');
  }
  return opts;
}

// Runs `frocket query` once; returns {seconds, result} or {error}.
function runFrocket(opts, dataset, queryFile, extra = []) {
  const args = ['query', dataset, '--file', queryFile, '--format', 'json', '--threads',
    String(opts.threads), '--catalog', opts.catalog, ...extra];
  const start = performance.now();
  const p = spawnSync(opts.frocket, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - start) / 1000;
  if (p.status !== 0) {
    return { error: `frocket ${args.join(' ')} exited with ${p.status}: ${p.stderr.trim()} ${p.stdout.slice(0, 2000)}` };
  }
  return { seconds, stdout: p.stdout };
}

// Best wall time of `runs` runs after one warm-up; `once` returns seconds or throws.
async function best(runs, once) {
  await once();
  let min = Infinity;
  for (let i = 0; i < runs; ++i) min = Math.min(min, await once());
  return min;
}

function frocketHasScanOnly(binary) {
  const p = spawnSync(binary, ['query', '--help'], { encoding: 'utf8' });
  return `${p.stdout}${p.stderr}`.includes('--scan-only');
}

async function run(argv) {
  const opts = parseArgs(argv);
  const db = await openDuckDb({ threads: opts.threads });
  const scanOnly = frocketHasScanOnly(opts.frocket);
  const queryDir = mkdtempSync(path.join(os.tmpdir(), 'frocket-query-bench-'));
  process.on('exit', () => rmSync(queryDir, { recursive: true, force: true }));
  const queries = QUERIES.filter((q) => !opts.only || opts.only.includes(q.name));
  const results = [];
  let mismatches = 0;

  console.log(`query benchmark: threads ${opts.threads}, ${db.version}, best of ${opts.runs} after a warm-up, wall time`);
  for (const ds of opts.datasets) {
    const t = `read_parquet(${sqlString(path.join(ds.dir, '*.parquet'))})`;
    const rows = Number((await db.rows(`SELECT count(*) FROM ${t}`))[0][0]);
    const files = readdirSync(ds.dir).filter((f) => f.endsWith('.parquet')).length;
    console.log(`\ndataset ${ds.name}: ${rows.toLocaleString('en-US')} rows in ${files} files (${ds.dir})`);
    console.log(`${'query'.padEnd(20)} ${'frocket s'.padStart(10)} ${'DuckDB s'.padStart(10)} ${'DuckDB/frocket'.padStart(15)} ${'floor s'.padStart(9)}` +
      ` ${'in-proc s'.padStart(10)} ${'ratio'.padStart(6)} ${'floor'.padStart(6)}  agree`);
    for (const q of queries) {
      const queryFile = path.join(queryDir, `${q.name}.json`);
      writeFileSync(queryFile, JSON.stringify(q.query, null, 1) + '\n');

      let frocketAnswer;
      let frocketInner = null;
      const frocketSeconds = await best(opts.runs, async () => {
        const r = runFrocket(opts, ds.name, queryFile);
        if (r.error) throw new Error(r.error);
        const doc = JSON.parse(r.stdout);
        if (!doc.success) throw new Error(`frocket query ${q.name} failed: ${r.stdout}`);
        frocketAnswer = plain(q.frocket(doc));
        frocketInner = frocketInner === null ? doc.stats?.totalTime : Math.min(frocketInner, doc.stats?.totalTime);
        return r.seconds;
      });

      let floor = null;
      let floorInner = null;
      if (scanOnly) {
        floor = await best(opts.runs, async () => {
          const r = runFrocket(opts, ds.name, queryFile, ['--scan-only']);
          if (r.error) throw new Error(r.error);
          const inner = JSON.parse(r.stdout).totalTime;
          if (typeof inner === 'number') floorInner = floorInner === null ? inner : Math.min(floorInner, inner);
          return r.seconds;
        });
      }

      let duckAnswer;
      const sql = q.sql(t);
      const duckSeconds = await best(opts.runs, async () => {
        const start = performance.now();
        const out = await db.rows(sql);
        const seconds = (performance.now() - start) / 1000;
        duckAnswer = plain(q.duckdb(out[0]));
        return seconds;
      });

      const diff = differences(frocketAnswer, duckAnswer);
      if (diff.length > 0) {
        ++mismatches;
        console.log(`MISMATCH ${ds.name} ${q.name}:\n  ${diff.join('\n  ')}`);
      }
      const ratio = duckSeconds / frocketSeconds;
      // In-process figures: frocket's own stats.totalTime (no process start, catalog or JSON
      // output), comparable with DuckDB's call in a warm process; floor = in-process query time
      // over in-process scan-only time.
      const innerRatio = frocketInner ? duckSeconds / frocketInner : null;
      const innerFloor = frocketInner && floorInner ? frocketInner / floorInner : null;
      const fmt = (v, digits, width) => (v === null ? 'n/a' : v.toFixed(digits)).padStart(width);
      console.log(`${q.name.padEnd(20)} ${frocketSeconds.toFixed(3).padStart(10)} ${duckSeconds.toFixed(3).padStart(10)} ` +
        `${ratio.toFixed(2).padStart(15)} ${fmt(floor, 3, 9)} ${fmt(frocketInner ?? null, 3, 10)} ` +
        `${fmt(innerRatio, 2, 6)} ${fmt(innerFloor, 2, 6)}  ${diff.length ? 'NO' : 'yes'}`);
      results.push({
        dataset: ds.name, rows, files, query: q.name, what: q.what, threads: opts.threads,
        frocket_seconds: frocketSeconds, frocket_total_time: frocketInner ?? null,
        duckdb_seconds: duckSeconds, ratio_duckdb_over_frocket: ratio, floor_seconds: floor,
        floor_total_time: floorInner, ratio_in_process: innerRatio, floor_ratio_in_process: innerFloor,
        agree: diff.length === 0, frocket_answer: frocketAnswer, duckdb_answer: duckAnswer,
      });
    }
  }
  if (!scanOnly) console.log('\nfloor: n/a (this frocket has no `query --scan-only`)');
  else console.log('\nfloor: `frocket query --scan-only`, which reads and decodes the query\'s columns and does nothing else');
  console.log('frocket s: the whole `frocket query` process (start, catalog, query, JSON output); DuckDB s: the SQL call in a warm process');
  console.log('in-proc s: frocket\'s own stats.totalTime (query only, like DuckDB s); ratio: DuckDB s / in-proc s; floor: in-proc s / scan-only in-proc s');
  if (opts.json) writeFileSync(opts.json, JSON.stringify({ duckdb: db.version, results }, null, 1) + '\n');
  if (mismatches > 0) {
    console.log(`${mismatches} MISMATCH(ES) between frocket and DuckDB`);
    process.exit(1);
  }
}

async function copy([src, dst]) {
  if (!src || !dst) throw new Error('usage: node bench/query_bench.mjs copy SRC_DIR DST_DIR');
  mkdirSync(dst, { recursive: true });
  const db = await openDuckDb({ threads: os.availableParallelism?.() ?? os.cpus().length });
  const parts = readdirSync(src).filter((f) => /^part-\d+\.parquet$/.test(f)).sort();
  if (parts.length === 0) throw new Error(`no part-*.parquet files in ${src}`);
  const start = performance.now();
  for (const f of parts) {
    // A temporary name first, so an interrupted copy never leaves a complete-looking file.
    const tmp = path.join(dst, `.${f}.tmp`);
    await db.run(`COPY (SELECT * FROM read_parquet(${sqlString(path.join(src, f))}) ORDER BY user_id, ts)
                  TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
    renameSync(tmp, path.join(dst, f));
  }
  console.log(`DuckDB copied ${parts.length} files to ${dst} in ${((performance.now() - start) / 1000).toFixed(1)} s`);
}

// Run as a script (importing the module only gives QUERIES).
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [command, ...rest] = process.argv.slice(2);
  try {
    if (command === 'run') await run(rest);
    else if (command === 'copy') await copy(rest);
    else throw new Error('usage: node bench/query_bench.mjs run|copy ...');
  } catch (e) {
    console.error(`query_bench: ${e.message}`);
    process.exit(2);
  }
}
