// DuckDB's answers to the queries of engine_duckdb_test.cc, computed in SQL over the same
// Parquet files that frocket queries.
//
//   node engine_duckdb.mjs DATA_DIR OUT.json
//
// DATA_DIR holds a `frocket datagen` dataset (columns user_id, ts, event_type, url, browser,
// country, device, product_sku, price, session_id, is_returning). OUT.json receives
//   {"duckdb": VERSION, "rows": N, "cases": [{"name", "query", "expected"}, ...]}
// where `query` is the frocket query document and `expected` is the part of its result
// document (QUERY_LANGUAGE.md section 8) that DuckDB computed:
//   {"query": {"totalGroups", "totalRows", "matchingGroups", "matchingGroupRows",
//              "aggregations": [A...]},
//    "funnel": {"sequence": [{"matchingGroups", "matchingGroupRows", "aggregations": [A...]}],
//               "endAggregations": [A...]}}
// An aggregation A is {"column", "type", "name"?, "value"} for single numbers, and for per-value
// maps {"column", "type", "name"?, "perValue": [[key, number], ...] (the top entries in the
// order the result must list them), "otherCount"?, "baselinePerValue"?, "lift"?}.
//
// Each case states the query in frocket's JSON and, next to it, the same question in SQL: the
// condition(s) as a HAVING clause over one row per user, and the funnel or sequence steps as SQL
// predicates. The SQL for funnel levels (levelsSql below) follows section 6 of the spec
// literally, trying every start row where the spec says "every possible entry counts"; it is
// slow in general but the test data is small. Aggregations, totals and funnel step counts are
// derived from the query's own aggregation list by generic SQL (aggregationExpected).
import { writeFileSync } from 'node:fs';

import { openDuckDb, sqlIdent, sqlString } from './duckdb_session.mjs';

const [dataDir, outPath] = process.argv.slice(2);
if (!dataDir || !outPath) {
  console.error('usage: node engine_duckdb.mjs DATA_DIR OUT.json');
  process.exit(2);
}

const MINUTE = 60000;
const DAY = 86400000;
const JAN_15 = Date.UTC(2024, 0, 15);
const FEB_01 = Date.UTC(2024, 1, 1);

const db = await openDuckDb();
const files = `read_parquet(${sqlString(`${dataDir}/*.parquet`)}, file_row_number = true)`;

// BIGINT arrives as BigInt; counts and sums here fit a double exactly.
function num(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new Error(`integer ${v} does not fit a double exactly`);
    }
    return Number(v);
  }
  return Number(v);
}

async function scalar(sql) {
  const rows = await db.rows(sql);
  return num(rows[0][0]);
}

// ---------------------------------------------------------------------------------------------
// Funnel levels.
//
// levelsSql(table, audience, preds, sequence) creates TEMP TABLE `table` (user_id, level): for
// every group of `audience` (a table of user_id) that reaches positive step 0, the furthest
// positive step k it reaches. `preds` are SQL predicates over one row of `ev`, one per step;
// `sequence` is the JSON object holding "maxDuration" and "order".
function levelsSql(table, audience, preds, sequence) {
  const maxDuration = sequence.maxDuration;
  const order = sequence.order ?? 'ordered';
  const k = preds.length;
  const within = (later, first) => (maxDuration === undefined ? 'TRUE' : `${later} - ${first} <= ${maxDuration}`);
  const flags = preds.map((p, i) => `coalesce(${p}, FALSE) AS m${i}`).join(', ');
  const rows = `r AS (SELECT user_id, ts, file_row_number, ${flags} FROM ev
                      WHERE user_id IN (SELECT user_id FROM ${audience}))`;
  const levels = (name) => Array.from({ length: k }, (_, i) => `SELECT user_id, ${i} AS level FROM ${name}${i}`)
    .join(' UNION ALL ');
  let ctes;
  if (order === 'strict') {
    // Step i is the row i places after the start in the group's row order (ts, then file
    // order), so the chosen rows are adjacent; each must also be strictly later in ts.
    const leads = [];
    for (let i = 1; i < k; ++i) {
      leads.push(`lead(m${i}, ${i}) OVER u AS n${i}`, `lead(ts, ${i}) OVER u AS t${i}`);
    }
    const ok = (i) => `coalesce(n${i} AND t${i} > t${i - 1} AND ${within(`t${i}`, 't0')}, FALSE)`;
    const cases = [];
    for (let i = k - 1; i >= 1; --i) {
      cases.push(`WHEN ${Array.from({ length: i }, (_, j) => ok(j + 1)).join(' AND ')} THEN ${i}`);
    }
    const levelOfStart = cases.length === 0 ? '0' : `CASE ${cases.join(' ')} ELSE 0 END`;
    return `CREATE OR REPLACE TEMP TABLE ${table} AS
      WITH ${rows},
      w AS (SELECT user_id, m0, ts AS t0${leads.length ? ', ' + leads.join(', ') : ''} FROM r
            WINDOW u AS (PARTITION BY user_id ORDER BY ts, file_row_number))
      SELECT user_id, max(${levelOfStart}) AS level FROM w WHERE m0 GROUP BY user_id`;
  }
  if (order !== 'ordered') throw new Error(`order ${order} has no SQL here`);
  if (maxDuration === undefined) {
    // Funnel Rocket's greedy rule: the earliest step-0 row, then for each next step the
    // earliest row strictly later in ts than the previous step's row.
    ctes = [`s0 AS (SELECT user_id, min(ts) AS t FROM r WHERE m0 GROUP BY user_id)`];
    for (let i = 1; i < k; ++i) {
      ctes.push(`s${i} AS (SELECT r.user_id, min(r.ts) AS t FROM r JOIN s${i - 1} p
                            ON r.user_id = p.user_id AND r.ts > p.t
                          WHERE r.m${i} GROUP BY r.user_id)`);
    }
    return `CREATE OR REPLACE TEMP TABLE ${table} AS
      WITH ${rows}, ${ctes.join(', ')}
      SELECT user_id, max(level) AS level FROM (${levels('s')}) GROUP BY user_id`;
  }
  // Every step-0 row is a start. From a start t0, the chain that reaches furthest within
  // maxDuration takes, at each step, the earliest matching row strictly after the previous one
  // (an earlier row never leaves less room for the next steps). A group reaches step i when
  // some start's chain does, with ts(ri) - t0 <= maxDuration.
  ctes = [`c0 AS (SELECT user_id, ts AS t0, ts AS t FROM r WHERE m0)`];
  for (let i = 1; i < k; ++i) {
    ctes.push(`c${i} AS (SELECT p.user_id, p.t0, min(r.ts) AS t FROM c${i - 1} p JOIN r
                          ON r.user_id = p.user_id AND r.ts > p.t AND ${within('r.ts', 'p.t0')}
                        WHERE r.m${i} GROUP BY p.user_id, p.t0)`);
  }
  return `CREATE OR REPLACE TEMP TABLE ${table} AS
    WITH ${rows}, ${ctes.join(', ')}
    SELECT user_id, max(level) AS level FROM (${levels('c')}) GROUP BY user_id`;
}

// An independent formulation of the ordered levels, to check levelsSql against: a_i(r), on a
// row r matching step i, is the latest start t0 of any chain r0 < ... < r_i = r (strictly
// increasing ts); a_0(r) = ts(r), and a_i(r) is the largest a_{i-1} over the rows strictly
// earlier than r. A group reaches step i when some row has ts(r) - a_i(r) <= maxDuration.
function latestStartLevelsSql(table, audience, preds, sequence) {
  const maxDuration = sequence.maxDuration;
  const flags = preds.map((p, i) => `coalesce(${p}, FALSE) AS m${i}`).join(', ');
  const ctes = [`r AS (SELECT user_id, ts, ${flags} FROM ev WHERE user_id IN (SELECT user_id FROM ${audience}))`,
    'a0 AS (SELECT *, CASE WHEN m0 THEN ts END AS a0 FROM r)'];
  for (let i = 1; i < preds.length; ++i) {
    ctes.push(`a${i} AS (SELECT *, CASE WHEN m${i} THEN max(a${i - 1}) OVER (PARTITION BY user_id ORDER BY ts
                 RANGE BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) END AS a${i} FROM a${i - 1})`);
  }
  const reached = (i) => `a${i} IS NOT NULL${maxDuration === undefined ? '' : ` AND ts - a${i} <= ${maxDuration}`}`;
  const levels = preds.map((_, i) => `CASE WHEN ${reached(i)} THEN ${i} END`);
  return `CREATE OR REPLACE TEMP TABLE ${table} AS
    WITH ${ctes.join(', ')}
    SELECT user_id, max(greatest(${levels.join(', ')})) AS level FROM a${preds.length - 1}
    GROUP BY user_id HAVING level IS NOT NULL`;
}

// Throws unless both formulations give the same level to every group (ordered funnels only).
async function checkLevels(table, audience, preds, sequence) {
  if ((sequence.order ?? 'ordered') !== 'ordered') return;
  await db.run(latestStartLevelsSql('lvl_check', audience, preds, sequence));
  const differ = await scalar(`SELECT count(*) FROM ${table} FULL OUTER JOIN lvl_check USING (user_id)
                               WHERE ${table}.level IS DISTINCT FROM lvl_check.level`);
  if (differ !== 0) throw new Error(`the two SQL formulations of the funnel disagree on ${differ} groups`);
}

// ---------------------------------------------------------------------------------------------
// Aggregations over the rows (of `ev`) of the groups in `scope`, a SQL query of user_id.

const rowsOf = (scope) => `(SELECT * FROM ev WHERE user_id IN (${scope}))`;

// All entries of a per-value map in result order (number descending, ties by value ascending),
// as [{key, n, sum, count}]; `n` is the map's number.
async function perValueEntries(type, column, otherColumn, scope) {
  const c = sqlIdent(column);
  const from = rowsOf(scope);
  let select;
  let where = `${c} IS NOT NULL`;
  if (type === 'countPerValue') {
    select = 'count(*) AS n, NULL AS s, NULL AS cnt';
  } else if (type === 'groupsPerValue') {
    select = 'count(DISTINCT user_id) AS n, NULL AS s, NULL AS cnt';
  } else {
    const o = sqlIdent(otherColumn);
    where += ` AND ${o} IS NOT NULL AND NOT isnan(${o})`;
    select = type === 'sumPerValue'
      ? `sum(${o}) AS n, sum(${o}) AS s, count(*) AS cnt`
      : `avg(${o}) AS n, sum(${o}) AS s, count(*) AS cnt`;
  }
  const rows = await db.rows(`SELECT CAST(${c} AS VARCHAR) AS k, ${select} FROM ${from}
                              WHERE ${where} GROUP BY ${c} ORDER BY n DESC, ${c} ASC`);
  return rows.map(([k, n, s, cnt]) => ({ key: String(k), n: num(n), sum: num(s), count: num(cnt) }));
}

// The number of groups in scope (the denominator of groupsPerValue shares).
async function groupCount(scope) {
  return scalar(`SELECT count(*) FROM (${scope})`);
}

async function perValueExpected(agg, type, scope, baselineScope) {
  const top = agg.top ?? 10;
  const entries = await perValueEntries(type, agg.column, agg.otherColumn, scope);
  const kept = entries.slice(0, top);
  const rest = entries.slice(top);
  const out = { perValue: kept.map((e) => [e.key, e.n]) };
  if (type === 'meanPerValue') {
    // The mean over the rows whose value is outside the top; left unchecked when there are none.
    if (rest.length > 0) {
      out.otherCount = rest.reduce((a, e) => a + e.sum, 0) / rest.reduce((a, e) => a + e.count, 0);
    }
  } else {
    out.otherCount = rest.reduce((a, e) => a + e.n, 0);
  }
  if (agg.baseline) {
    const base = await perValueEntries(type, agg.column, agg.otherColumn, baselineScope);
    const baseOf = new Map(base.map((e) => [e.key, e.n]));
    out.baselinePerValue = kept.map((e) => [e.key, baseOf.get(e.key) ?? 0]);
    if (type !== 'meanPerValue') {
      const total = (list) => list.reduce((a, e) => a + e.n, 0);
      const audTotal = type === 'groupsPerValue' ? await groupCount(scope) : total(entries);
      const baseTotal = type === 'groupsPerValue' ? await groupCount(baselineScope) : total(base);
      out.lift = kept.map((e) => [e.key, (e.n / audTotal) / (baseOf.get(e.key) / baseTotal)]);
    }
  }
  return out;
}

async function scalarExpected(type, column, scope) {
  const c = sqlIdent(column);
  const from = rowsOf(scope);
  // Numeric aggregations skip nulls (and NaN, which the test data does not have).
  const sql = {
    count: `SELECT count(${c}) FROM ${from}`,
    sum: `SELECT coalesce(sum(${c}), 0) FROM ${from}`,
    min: `SELECT min(${c}) FROM ${from}`,
    max: `SELECT max(${c}) FROM ${from}`,
    mean: `SELECT avg(${c}) FROM ${from}`,
    countDistinct: `SELECT count(DISTINCT ${c}) FROM ${from}`,
  }[type];
  if (!sql) throw new Error(`aggregation type ${type} has no SQL here`);
  return scalar(sql);
}

// The expected result entries of one aggregation of the query (three for one without a type).
async function aggregationExpected(agg, scope, baselineScope) {
  const types = agg.type ? [agg.type] : ['count', 'countPerValue', 'groupsPerValue'];
  const out = [];
  for (const type of types) {
    const entry = { column: agg.column, type };
    if (agg.name) entry.name = agg.name;
    if (['countPerValue', 'groupsPerValue', 'sumPerValue', 'meanPerValue'].includes(type)) {
      Object.assign(entry, await perValueExpected(agg, type, scope, baselineScope));
    } else {
      entry.value = await scalarExpected(type, agg.column, scope);
      if (agg.baseline) entry.baselineValue = await scalarExpected(type, agg.column, baselineScope);
    }
    out.push(entry);
  }
  return out;
}

async function aggregationsExpected(list, scope, baselineScope) {
  const out = [];
  for (const agg of list ?? []) out.push(...(await aggregationExpected(agg, scope, baselineScope)));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The cases.
//
// Each case has the frocket `query`, and in SQL:
// - `setup`: levels of sequence conditions over all groups, [{table, preds, sequence}], made
//   into tables of (user_id, level) before `audience` runs;
// - `audience`: a query of user_id, the groups that match query.conditions (default: all);
// - `funnel`: the funnel's step predicates, one per step (maxDuration and order come from
//   query.funnel).
const F = (column, op, value) => [column, op, value];
const ev = (type) => ({ filter: F('event_type', '==', type) });

const cases = [
  {
    name: 'totals_empty_query',
    query: {},
  },
  {
    name: 'funnel_ordered_2_steps',
    query: { funnel: { sequence: [ev('pageview'), ev('addToCart')] } },
    funnel: ["event_type = 'pageview'", "event_type = 'addToCart'"],
  },
  {
    name: 'funnel_ordered_3_steps',
    query: {
      funnel: {
        sequence: [ev('pageview'), ev('addToCart'), ev('purchase')],
        stepAggregations: [{ column: 'country', type: 'countPerValue', top: 5 }],
        endAggregations: [{ column: 'price', type: 'sum' }, { column: 'browser', type: 'groupsPerValue', top: 3 }],
      },
    },
    funnel: ["event_type = 'pageview'", "event_type = 'addToCart'", "event_type = 'purchase'"],
  },
  {
    name: 'funnel_ordered_4_steps',
    query: { funnel: { sequence: [ev('pageview'), ev('addToCart'), ev('checkout'), ev('purchase')] } },
    funnel: ["event_type = 'pageview'", "event_type = 'addToCart'", "event_type = 'checkout'",
      "event_type = 'purchase'"],
  },
  {
    // Sessions are short: within an hour would change nothing, three minutes cuts.
    name: 'funnel_ordered_3_steps_within_3min',
    query: { funnel: { sequence: [ev('pageview'), ev('addToCart'), ev('purchase')], maxDuration: 3 * MINUTE } },
    funnel: ["event_type = 'pageview'", "event_type = 'addToCart'", "event_type = 'purchase'"],
  },
  {
    name: 'funnel_ordered_4_steps_within_10min',
    query: {
      funnel: {
        sequence: [ev('search'), ev('addToCart'), ev('checkout'), ev('purchase')],
        maxDuration: 10 * MINUTE,
      },
    },
    funnel: ["event_type = 'search'", "event_type = 'addToCart'", "event_type = 'checkout'",
      "event_type = 'purchase'"],
  },
  {
    // Across sessions: the window holds several sessions, and many login rows are starts.
    name: 'funnel_ordered_2_steps_within_1d',
    query: {
      funnel: {
        sequence: [ev('login'), { filters: [{ column: 'event_type', op: '==', value: 'purchase' },
          { column: 'price', op: '>', value: 100 }] }],
        maxDuration: DAY,
      },
    },
    funnel: ["event_type = 'login'", "event_type = 'purchase' AND price > 100"],
  },
  {
    // Strict order needs the three rows to be adjacent.
    name: 'funnel_strict_3_steps',
    query: {
      funnel: { sequence: [ev('pageview'), ev('addToCart'), ev('checkout')], order: 'strict' },
    },
    funnel: ["event_type = 'pageview'", "event_type = 'addToCart'", "event_type = 'checkout'"],
  },
  {
    // funnel_ordered_3_steps in strict order. A purchase follows a checkout, never directly an
    // addToCart, so few groups (if any) reach the last step.
    name: 'funnel_strict_same_as_ordered_3_steps',
    query: {
      funnel: { sequence: [ev('pageview'), ev('addToCart'), ev('purchase')], order: 'strict' },
    },
    funnel: ["event_type = 'pageview'", "event_type = 'addToCart'", "event_type = 'purchase'"],
  },
  {
    name: 'funnel_strict_2_steps_within_1min',
    query: {
      funnel: { sequence: [ev('pageview'), ev('addToCart')], order: 'strict', maxDuration: MINUTE },
    },
    funnel: ["event_type = 'pageview'", "event_type = 'addToCart'"],
  },
  {
    name: 'funnel_over_audience_within_1d',
    query: {
      query: { conditions: [{ filter: F('is_returning', '==', true) }] },
      funnel: {
        sequence: [ev('pageview'), ev('purchase')],
        maxDuration: DAY,
        stepAggregations: [{ column: 'device', type: 'groupsPerValue' }],
      },
    },
    audience: 'SELECT user_id FROM ev GROUP BY user_id HAVING count(*) FILTER (is_returning) >= 1',
    funnel: ["event_type = 'pageview'", "event_type = 'purchase'"],
  },
  {
    // The spec's first example without its timeframe; count == 0 implies includeZero.
    name: 'condition_counts_with_baseline',
    query: {
      query: {
        conditions: [
          { filter: F('event_type', '==', 'pageview'), target: ['count', '>=', 3] },
          { filter: F('event_type', '==', 'purchase'), target: ['count', '==', 0] },
          { filter: F('country', 'in', ['DE', 'FR']) },
        ],
        aggregations: [{ column: 'browser', type: 'groupsPerValue', baseline: true }],
      },
    },
    audience: `SELECT user_id FROM ev GROUP BY user_id
               HAVING count(*) FILTER (event_type = 'pageview') >= 3
                  AND count(*) FILTER (event_type = 'purchase') = 0
                  AND count(*) FILTER (country IN ('DE', 'FR')) >= 1`,
  },
  {
    // Without includeZero a group needs a matching row: 1 or 2 addToCart rows.
    name: 'condition_count_below_without_zero',
    query: {
      query: {
        conditions: [{ filter: F('event_type', '==', 'addToCart'), target: ['count', '<', 3] }],
        aggregations: [{ column: 'device', type: 'countPerValue' }],
      },
    },
    audience: `SELECT user_id FROM ev GROUP BY user_id
               HAVING count(*) FILTER (event_type = 'addToCart') BETWEEN 1 AND 2`,
  },
  {
    name: 'condition_count_below_with_zero',
    query: {
      query: {
        conditions: [{ filter: F('event_type', '==', 'addToCart'), target: ['count', '<', 3], includeZero: true }],
        aggregations: [{ column: 'device', type: 'countPerValue' }],
      },
    },
    audience: `SELECT user_id FROM ev GROUP BY user_id
               HAVING count(*) FILTER (event_type = 'addToCart') < 3`,
  },
  {
    // Sums of prices ending in .99 never equal the threshold to within rounding.
    name: 'condition_sum_target',
    query: {
      query: {
        conditions: [{
          filters: [{ column: 'event_type', op: '==', value: 'purchase' }],
          target: { type: 'sum', column: 'price', op: '>', value: 1000.005 },
        }],
        aggregations: [{ column: 'price', type: 'mean' }, { column: 'device', type: 'countPerValue' }],
      },
    },
    audience: `SELECT user_id FROM ev GROUP BY user_id
               HAVING count(*) FILTER (event_type = 'purchase') >= 1
                  AND coalesce(sum(price) FILTER (event_type = 'purchase'), 0) > 1000.005`,
  },
  {
    name: 'condition_relation_or_not',
    query: {
      query: {
        conditions: [
          { name: 'eu', filter: F('country', 'in', ['DE', 'FR', 'GB']) },
          { filter: F('event_type', '==', 'purchase'), target: ['count', '>=', 2] },
          { name: 'mobile', filter: F('device', '==', 'mobile') },
        ],
        relation: '($eu or $1) and not $mobile',
        aggregations: [{ column: 'country', type: 'countPerValue', top: 5 }],
      },
    },
    audience: `SELECT user_id FROM ev GROUP BY user_id
               HAVING (count(*) FILTER (country IN ('DE', 'FR', 'GB')) >= 1
                       OR count(*) FILTER (event_type = 'purchase') >= 2)
                  AND NOT (count(*) FILTER (device = 'mobile') >= 1)`,
  },
  {
    name: 'aggregations_all_types',
    query: {
      query: {
        aggregations: [
          { column: 'country', type: 'countPerValue', name: 'countries', top: 5 },
          { column: 'browser', type: 'groupsPerValue', top: 3 },
          { column: 'product_sku', type: 'sumPerValue', otherColumn: 'price' },
          { column: 'country', type: 'meanPerValue', otherColumn: 'price', top: 5 },
          { column: 'is_returning', type: 'groupsPerValue' },
          { column: 'price', type: 'sum' },
          { column: 'price', type: 'min' },
          { column: 'price', type: 'max' },
          { column: 'price', type: 'mean' },
          { column: 'product_sku', type: 'count' },
          { column: 'product_sku', type: 'countDistinct' },
          { column: 'user_id', type: 'countDistinct' },
          { column: 'url', type: 'countDistinct' },
          { column: 'event_type' },
        ],
      },
    },
  },
  {
    name: 'timeframe_with_condition_and_funnel',
    query: {
      timeframe: { from: JAN_15, to: FEB_01 },
      query: {
        conditions: [{ filter: F('event_type', '==', 'pageview'), target: ['count', '>=', 2] }],
        aggregations: [{ column: 'event_type', type: 'countPerValue' }, { column: 'price', type: 'max' }],
      },
      funnel: { sequence: [ev('pageview'), ev('addToCart'), ev('purchase')] },
    },
    audience: `SELECT user_id FROM ev GROUP BY user_id
               HAVING count(*) FILTER (event_type = 'pageview') >= 2`,
    funnel: ["event_type = 'pageview'", "event_type = 'addToCart'", "event_type = 'purchase'"],
  },
  {
    name: 'sequence_condition_within_2min',
    query: {
      query: {
        conditions: [{
          name: 'cart_checkout_buy',
          sequence: [ev('addToCart'), ev('checkout'), ev('purchase')],
          maxDuration: 2 * MINUTE,
        }],
        aggregations: [{ column: 'country', type: 'countPerValue', top: 5 }, { column: 'price', type: 'sum' }],
      },
    },
    setup: [{
      table: 'seq0',
      preds: ["event_type = 'addToCart'", "event_type = 'checkout'", "event_type = 'purchase'"],
      sequence: { maxDuration: 2 * MINUTE },
    }],
    audience: 'SELECT user_id FROM seq0 WHERE level = 2',
  },
  {
    name: 'sequence_condition_or_count',
    query: {
      query: {
        conditions: [
          { sequence: [ev('search'), ev('purchase')] },
          { filter: F('event_type', '==', 'addToCart'), target: ['count', '>=', 5] },
        ],
        relation: 'or',
        aggregations: [{ column: 'browser', type: 'countPerValue' }],
      },
    },
    setup: [{ table: 'seq0', preds: ["event_type = 'search'", "event_type = 'purchase'"], sequence: {} }],
    audience: `SELECT user_id FROM seq0 WHERE level = 1
               UNION
               SELECT user_id FROM ev GROUP BY user_id
               HAVING count(*) FILTER (event_type = 'addToCart') >= 5`,
  },
];

// ---------------------------------------------------------------------------------------------

async function expectedOf(c) {
  const tf = c.query.timeframe ?? {};
  const where = [];
  if (tf.from !== undefined) where.push(`ts >= ${tf.from}`);
  if (tf.to !== undefined) where.push(`ts < ${tf.to}`);
  await db.run(`CREATE OR REPLACE TEMP TABLE ev AS SELECT * FROM ${files}
                ${where.length ? 'WHERE ' + where.join(' AND ') : ''}`);
  await db.run('CREATE OR REPLACE TEMP TABLE all_users AS SELECT DISTINCT user_id FROM ev');
  for (const step of c.setup ?? []) {
    await db.run(levelsSql(step.table, 'all_users', step.preds, step.sequence));
    await checkLevels(step.table, 'all_users', step.preds, step.sequence);
  }
  await db.run(`CREATE OR REPLACE TEMP TABLE aud AS ${c.audience ?? 'SELECT user_id FROM all_users'}`);

  const q = c.query.query ?? {};
  const expected = {
    query: {
      totalGroups: await scalar('SELECT count(*) FROM all_users'),
      totalRows: await scalar('SELECT count(*) FROM ev'),
      matchingGroups: await scalar('SELECT count(DISTINCT user_id) FROM aud'),
      matchingGroupRows: await scalar('SELECT count(*) FROM ev WHERE user_id IN (SELECT user_id FROM aud)'),
      aggregations: await aggregationsExpected(q.aggregations, 'SELECT user_id FROM aud',
        'SELECT user_id FROM all_users'),
    },
  };
  if (c.query.funnel) {
    const funnel = c.query.funnel;
    if (!c.funnel || c.funnel.length !== funnel.sequence.length) {
      throw new Error(`case ${c.name}: one SQL predicate per funnel step is needed`);
    }
    await db.run(levelsSql('lvl', 'aud', c.funnel, funnel));
    await checkLevels('lvl', 'aud', c.funnel, funnel);
    const steps = [];
    for (let k = 0; k < c.funnel.length; ++k) {
      const scope = `SELECT user_id FROM lvl WHERE level >= ${k}`;
      steps.push({
        matchingGroups: await scalar(`SELECT count(*) FROM (${scope})`),
        matchingGroupRows: await scalar(`SELECT count(*) FROM ev WHERE user_id IN (${scope})`),
        aggregations: await aggregationsExpected(funnel.stepAggregations, scope, 'SELECT user_id FROM all_users'),
      });
    }
    expected.funnel = {
      sequence: steps,
      endAggregations: await aggregationsExpected(funnel.endAggregations,
        `SELECT user_id FROM lvl WHERE level >= ${c.funnel.length - 1}`, 'SELECT user_id FROM all_users'),
    };
  }
  return expected;
}

const out = {
  duckdb: String((await db.rows('SELECT version()'))[0][0]),
  rows: await scalar(`SELECT count(*) FROM ${files}`),
  cases: [],
};
for (const c of cases) {
  try {
    out.cases.push({ name: c.name, query: c.query, expected: await expectedOf(c) });
  } catch (e) {
    throw new Error(`case ${c.name}: ${e.message}`);
  }
}
writeFileSync(outPath, JSON.stringify(out, null, 1) + '\n');
