// The pseudo-random test table every interop script starts from: one column per value type
// DuckDB writes to Parquet, deterministic, with edge values and several null patterns.
//
// r(i, k) is a pseudo-random UBIGINT per row i and stream k. DuckDB's multi-argument hash()
// gives correlated streams, so each stream hashes a distinct scalar instead.

export async function createRandomMacros(db) {
  await db.run('CREATE MACRO IF NOT EXISTS r(i, k) AS hash(i * 1009 + k)');
  // A pseudo-random signed BIGINT over the whole range.
  await db.run('CREATE MACRO IF NOT EXISTS sr(i, k) AS (r(i, k)::HUGEINT - 9223372036854775808)::BIGINT');
  // True for about pct percent of rows, independently per stream.
  await db.run('CREATE MACRO IF NOT EXISTS pick(i, k, pct) AS r(i, k) % 100 < pct');
}

// Creates table `name` with `numRows` rows (column id = 0 .. numRows-1, in that order).
//
// Rows 0-7 hold edge values (type minimum and maximum, NaN, infinities, -0.0, the epoch, the
// first and last representable dates); the rest is pseudo-random. Null patterns: none (id, u*,
// f32_dense, cat), about 10% (most columns), a run of 700 rows crossing row-group boundaries
// (i32), 99% (f32), and all null (all_null_*). Parquet's INTERVAL holds three unsigned 32-bit
// counts (months, days, milliseconds), so intervals are non-negative whole milliseconds.
// `exclude` drops columns by name (for writers that cannot carry some types faithfully).
export async function createTestTable(db, name, numRows, exclude = []) {
  await createRandomMacros(db);
  await db.run("CREATE TYPE IF NOT EXISTS mood AS ENUM ('sad', 'ok', 'happy', 'ecstatic')");
  await db.run(`
CREATE TABLE ${name} AS
SELECT
  i::INTEGER AS id,
  CASE WHEN pick(i, 1, 10) THEN NULL ELSE r(i, 2) % 2 = 0 END AS b,
  CASE WHEN i = 0 THEN -128 WHEN i = 1 THEN 127 WHEN pick(i, 3, 10) THEN NULL
       ELSE (r(i, 4) % 256)::INTEGER - 128 END::TINYINT AS i8,
  CASE WHEN i = 0 THEN -32768 WHEN i = 1 THEN 32767 WHEN pick(i, 5, 10) THEN NULL
       ELSE (r(i, 6) % 65536)::INTEGER - 32768 END::SMALLINT AS i16,
  CASE WHEN i = 0 THEN -2147483648 WHEN i = 1 THEN 2147483647 WHEN i BETWEEN 1800 AND 2499 THEN NULL
       WHEN pick(i, 7, 10) THEN NULL ELSE (r(i, 8) % 4294967296)::BIGINT - 2147483648 END::INTEGER AS i32,
  CASE WHEN i = 0 THEN -9223372036854775808 WHEN i = 1 THEN 9223372036854775807 WHEN pick(i, 9, 10) THEN NULL
       ELSE sr(i, 10) END::BIGINT AS i64,
  CASE WHEN i = 1 THEN 255 ELSE r(i, 11) % 256 END::UTINYINT AS u8,
  CASE WHEN i = 1 THEN 65535 ELSE r(i, 12) % 65536 END::USMALLINT AS u16,
  CASE WHEN i = 1 THEN 4294967295 ELSE r(i, 13) % 4294967296 END::UINTEGER AS u32,
  CASE WHEN i = 1 THEN 18446744073709551615 ELSE r(i, 14) END::UBIGINT AS u64,
  CASE WHEN i = 2 THEN 'nan'::FLOAT WHEN i = 3 THEN 'inf'::FLOAT WHEN i = 4 THEN '-inf'::FLOAT
       WHEN i = 5 THEN '-0.0'::FLOAT WHEN i % 100 = 7 THEN ((r(i, 15) % 2000001)::INTEGER - 1000000)::FLOAT / 64
       ELSE NULL END AS f32,
  CASE WHEN i = 2 THEN 'nan'::DOUBLE WHEN i = 3 THEN 'inf'::DOUBLE WHEN i = 4 THEN '-inf'::DOUBLE
       WHEN i = 5 THEN '-0.0'::DOUBLE WHEN i = 6 THEN 5e-324 WHEN i = 7 THEN 1.7976931348623157e308
       WHEN pick(i, 16, 10) THEN NULL
       WHEN i % 3 = 0 THEN ((r(i, 17) % 2000001)::INTEGER - 1000000)::DOUBLE / 1024
       ELSE sr(i, 18)::DOUBLE / (r(i, 19) % 1000000 + 1)::DOUBLE END AS f64,
  CASE WHEN i % 4 = 0 THEN ((r(i, 20) % 2000001)::INTEGER - 1000000)::FLOAT / 3
       ELSE (sr(i, 21)::DOUBLE / 1e12)::FLOAT END AS f32_dense,
  CASE WHEN pick(i, 22, 10) THEN NULL ELSE sr(i, 23)::HUGEINT * 100003 END AS huge,
  CASE WHEN i = 0 THEN -99.99 WHEN i = 1 THEN 99.99 WHEN pick(i, 24, 10) THEN NULL
       ELSE ((r(i, 25) % 19999)::INTEGER - 9999) * 0.01 END::DECIMAL(4,2) AS dec_4_2,
  CASE WHEN i = 0 THEN -999999999999999.999 WHEN i = 1 THEN 999999999999999.999 WHEN pick(i, 26, 10) THEN NULL
       ELSE ((r(i, 27) % 1999999999999999999)::HUGEINT - 999999999999999999) * 0.001 END::DECIMAL(18,3) AS dec_18_3,
  CASE WHEN i = 0 THEN -9999999999999999999999999999.9999999999
       WHEN i = 1 THEN 9999999999999999999999999999.9999999999 WHEN pick(i, 28, 10) THEN NULL
       ELSE ((((r(i, 29) % 10000000000000000000)::HUGEINT * 10000000000000000000 + r(i, 30) % 10000000000000000000)
              % 99999999999999999999999999999999999999)
             * CASE WHEN r(i, 31) % 2 = 0 THEN 1 ELSE -1 END) * 0.0000000001 END::DECIMAL(38,10) AS dec_38_10,
  CASE WHEN i = 0 THEN DATE '0001-01-01' WHEN i = 1 THEN DATE '9999-12-31' WHEN i = 2 THEN DATE '1970-01-01'
       WHEN i = 3 THEN DATE '1969-12-31' WHEN i = 4 THEN DATE '0044-03-15 (BC)' WHEN pick(i, 32, 10) THEN NULL
       ELSE DATE '1970-01-01' + ((r(i, 33) % 200000)::INTEGER - 100000) END AS d,
  CASE WHEN i = 0 THEN TIME '00:00:00' WHEN i = 1 THEN TIME '23:59:59.999999' WHEN pick(i, 34, 10) THEN NULL
       ELSE TIME '00:00:00' + to_microseconds((r(i, 35) % 86400000000)::BIGINT) END AS tm,
  CASE WHEN i = 0 THEN '00:00:00'::TIME_NS WHEN i = 1 THEN '23:59:59.999999999'::TIME_NS WHEN pick(i, 36, 10) THEN NULL
       ELSE printf('%02d:%02d:%02d.%09d', r(i, 37) % 24, r(i, 38) % 60, r(i, 39) % 60, r(i, 40) % 1000000000)::TIME_NS
       END AS tm_ns,
  CASE WHEN pick(i, 41, 10) THEN NULL
       ELSE (TIME '00:00:00' + to_microseconds((r(i, 42) % 86400000000)::BIGINT))::TIMETZ END AS tm_tz,
  CASE WHEN i = 0 THEN TIMESTAMP '0001-01-01 00:00:00' WHEN i = 1 THEN TIMESTAMP '9999-12-31 23:59:59.999999'
       WHEN i = 2 THEN TIMESTAMP '1970-01-01 00:00:00' WHEN i = 3 THEN TIMESTAMP '1969-12-31 23:59:59.999999'
       WHEN pick(i, 43, 10) THEN NULL
       ELSE make_timestamp((r(i, 44) % 8000000000000000)::BIGINT - 3000000000000000) END AS ts,
  CASE WHEN i = 0 THEN TIMESTAMP '0001-01-01 00:00:00' WHEN i = 1 THEN TIMESTAMP '9999-12-31 23:59:59.999'
       WHEN i = 3 THEN TIMESTAMP '1969-12-31 23:59:59.999' WHEN pick(i, 45, 10) THEN NULL
       ELSE make_timestamp(((r(i, 46) % 8000000000000000)::BIGINT - 3000000000000000) // 1000 * 1000) END::TIMESTAMP_MS AS ts_ms,
  CASE WHEN i = 0 THEN make_timestamp_ns(-9223286400000000000) WHEN i = 1 THEN make_timestamp_ns(9223286399999999999)
       WHEN i = 3 THEN make_timestamp_ns(-1) WHEN pick(i, 47, 10) THEN NULL
       ELSE make_timestamp_ns(sr(i, 48) // 2) END AS ts_ns,
  CASE WHEN pick(i, 49, 10) THEN NULL
       ELSE make_timestamp(((r(i, 50) % 6000000000000000)::BIGINT - 2000000000000000) // 1000000 * 1000000) END::TIMESTAMP_S AS ts_s,
  CASE WHEN i = 3 THEN TIMESTAMPTZ '1969-12-31 23:59:59.999999+00' WHEN pick(i, 51, 10) THEN NULL
       ELSE make_timestamp((r(i, 52) % 8000000000000000)::BIGINT - 3000000000000000)::TIMESTAMPTZ END AS ts_tz,
  CASE WHEN pick(i, 53, 10) THEN NULL
       WHEN i % 10 = 1 THEN ''
       WHEN i % 10 = 2 THEN 'héllo wörld ✓ 日本語 🚀 ' || i
       WHEN i % 10 = 3 THEN 'quote " backslash \\ tab' || chr(9) || 'newline' || chr(10) || 'end ' || i
       WHEN i % 100 = 4 THEN 'long ' || i || ' ' || repeat('abcdefghij', 100 + (r(i, 54) % 400)::INTEGER)
       ELSE 'str_' || lpad(i::VARCHAR, 6, '0') || '_' || (r(i, 55) % 1000000)::VARCHAR END AS s,
  (['red', 'green', 'blue', 'cyan', 'magenta', 'yellow', 'black'])[1 + (r(i, 56) % 7)::INTEGER] AS cat,
  CASE WHEN pick(i, 57, 20) THEN NULL
       ELSE (['sad', 'ok', 'happy', 'ecstatic'])[1 + (r(i, 58) % 4)::INTEGER]::mood END AS en,
  CASE WHEN pick(i, 59, 10) THEN NULL
       ELSE ('{"id": ' || i || ', "tag": "t' || (r(i, 60) % 50) || '"}')::JSON END AS js,
  CASE WHEN i = 0 THEN ''::BLOB WHEN pick(i, 61, 10) THEN NULL
       ELSE unhex(printf('%016x', r(i, 62)) || repeat('00ff', (r(i, 63) % 5)::INTEGER)) END AS bin,
  CASE WHEN i = 0 THEN '00000000-0000-0000-0000-000000000000'::UUID
       WHEN i = 1 THEN 'ffffffff-ffff-ffff-ffff-ffffffffffff'::UUID WHEN pick(i, 64, 10) THEN NULL
       ELSE (SELECT (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-' ||
                     substr(h, 17, 4) || '-' || substr(h, 21, 12))::UUID
             FROM (SELECT printf('%016x%016x', r(i, 65), r(i, 66)) AS h)) END AS uid,
  CASE WHEN i = 0 THEN INTERVAL 0 SECONDS WHEN pick(i, 67, 10) THEN NULL
       ELSE to_months((r(i, 68) % 2001)::INTEGER) + to_days((r(i, 69) % 20001)::INTEGER)
            + to_milliseconds((r(i, 70) % 4294967296)::BIGINT) END AS iv,
  NULL::INTEGER AS all_null_i,
  NULL::VARCHAR AS all_null_s
FROM range(0, ${numRows}) AS rows(i)
ORDER BY i`);
  for (const column of exclude) await db.run(`ALTER TABLE ${name} DROP COLUMN ${column}`);
}
