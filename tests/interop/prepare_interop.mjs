// Inputs and checks for tests/interop/prepare_interop_test.cc (`frocket prepare` against DuckDB).
//
//   node prepare_interop.mjs make DIR
//     Writes a deterministic, unbucketed event table in three formats: DIR/events.csv,
//     DIR/events.jsonl, DIR/events.parquet (int64 user_id, epoch-ms ts, string / double / bool
//     columns with nulls, repeated (user_id, ts) pairs, seq = the row's input position), plus
//     DIR/events_iso.csv (string user ids, ISO-8601 ts) and the ground truth of each as
//     DIR/truth.parquet and DIR/truth_iso.parquet (ts as epoch ms). Users repeat every 211 rows
//     and timestamps every 7, so each (user_id, ts) pair appears about 4 times.
//
//   node prepare_interop.mjs check TRUTH.parquet DATASET_DIR
//     Prints one JSON object: the dataset's DuckDB types, its row count and the truth's, how
//     many rows differ as multisets (both ways), how many rows are out of the order (user_id,
//     ts, seq) within their file, how many users appear in more than one file, and every
//     user with its file name (the caller checks the bucket).
import { openDuckDb, sqlString } from './duckdb_session.mjs';

const [command, ...args] = process.argv.slice(2);
const db = await openDuckDb();

if (command === 'make') {
  const dir = args[0];
  // Values come from integer arithmetic on the row number i, so the table is the same on every
  // run and machine. Input order is i; users and timestamps are scrambled and repeat.
  await db.run(`CREATE TABLE truth AS
    SELECT
      ((i * 7919) % 211 - 50)::BIGINT AS user_id,
      (1700000000000 + ((i * 104729) % 7) * 1000)::BIGINT AS ts,
      CASE WHEN i % 7 = 0 THEN NULL
           WHEN i % 11 = 0 THEN 'n' || (i % 13) || ', "quoted"'
           WHEN i % 17 = 0 THEN 'two' || chr(10) || 'lines'
           ELSE 'n' || (i % 13) END AS name,
      CASE WHEN i % 5 = 0 THEN NULL ELSE (i % 1000) / 4.0 + 0.25 END::DOUBLE AS amount,
      CASE WHEN i % 6 = 0 THEN NULL ELSE i % 4 < 2 END AS flag,
      i::BIGINT AS seq
    FROM range(0, 6000) t(i) ORDER BY i`);
  await db.run(`COPY truth TO ${sqlString(`${dir}/truth.parquet`)} (FORMAT PARQUET)`);
  await db.run(`COPY truth TO ${sqlString(`${dir}/events.parquet`)} (FORMAT PARQUET, ROW_GROUP_SIZE 1000)`);
  await db.run(`COPY truth TO ${sqlString(`${dir}/events.csv`)} (FORMAT CSV, HEADER)`);
  await db.run(`COPY truth TO ${sqlString(`${dir}/events.jsonl`)} (FORMAT JSON)`);
  await db.run(`CREATE TABLE truth_iso AS
    SELECT 'u' || (user_id * 3)::VARCHAR AS user_id, ts, name, amount, flag, seq FROM truth ORDER BY seq`);
  await db.run(`COPY truth_iso TO ${sqlString(`${dir}/truth_iso.parquet`)} (FORMAT PARQUET)`);
  await db.run(`COPY (SELECT user_id,
      strftime(make_timestamp(ts * 1000), '%Y-%m-%dT%H:%M:%S.%g') || 'Z' AS ts,
      name, amount, flag, seq FROM truth_iso ORDER BY seq)
    TO ${sqlString(`${dir}/events_iso.csv`)} (FORMAT CSV, HEADER)`);
  console.log(JSON.stringify({ ok: true }));
} else if (command === 'check') {
  const [truth, datasetDir] = args;
  await db.run(`CREATE VIEW truth AS SELECT * FROM read_parquet(${sqlString(truth)})`);
  await db.run(`CREATE VIEW raw AS SELECT * FROM read_parquet(${sqlString(`${datasetDir}/part-*.parquet`)},
      filename = true, file_row_number = true)`);
  const types = Object.fromEntries((await db.rows('DESCRIBE SELECT * FROM raw')).map((r) => [String(r[0]), String(r[1])]));
  // Timestamps of the dataset compare as epoch milliseconds.
  const tsExpr = types.ts.startsWith('TIMESTAMP') ? 'epoch_ms(ts)' : 'ts';
  await db.run(`CREATE VIEW ds AS SELECT user_id, ${tsExpr} AS ts, name, amount, flag, seq,
      filename, file_row_number FROM raw`);
  const cols = 'user_id, ts, name, amount, flag, seq';
  const one = async (sql) => Number((await db.rows(sql))[0][0]);
  const result = {
    types,
    truth_rows: await one('SELECT count(*) FROM truth'),
    dataset_rows: await one('SELECT count(*) FROM ds'),
    missing: await one(`SELECT count(*) FROM (SELECT ${cols} FROM truth EXCEPT ALL SELECT ${cols} FROM ds)`),
    extra: await one(`SELECT count(*) FROM (SELECT ${cols} FROM ds EXCEPT ALL SELECT ${cols} FROM truth)`),
    // seq is the input position, so (user_id, ts, seq) is the stable sort order.
    out_of_order: await one(`SELECT count(*) FROM (
        SELECT row_number() OVER (PARTITION BY filename ORDER BY file_row_number) AS actual,
               row_number() OVER (PARTITION BY filename ORDER BY user_id, ts, seq) AS wanted
        FROM ds) WHERE actual <> wanted`),
    users_in_several_files: await one(`SELECT count(*) FROM (
        SELECT user_id FROM ds GROUP BY user_id HAVING count(DISTINCT filename) > 1)`),
    users: (await db.rows(`SELECT DISTINCT user_id::VARCHAR, parse_filename(filename) FROM ds ORDER BY 1`))
      .map((r) => [String(r[0]), String(r[1])]),
  };
  console.log(JSON.stringify(result));
} else {
  console.error('usage: prepare_interop.mjs make DIR | check TRUTH.parquet DATASET_DIR');
  process.exit(2);
}
