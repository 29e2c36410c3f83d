// Opens a DuckDB connection for the benchmark scripts.
//
// The npm package @duckdb/node-api is resolved from the folder named by FROCKET_NODE_MODULES,
// or from tests/interop/node_modules (which `npm ci` in tests/interop installs) when it is unset.
// ES modules ignore NODE_PATH, hence the explicit resolution.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export const nodeModulesDir = process.env.FROCKET_NODE_MODULES
  ? path.resolve(process.env.FROCKET_NODE_MODULES)
  : path.resolve(here, '..', 'tests', 'interop', 'node_modules');

async function loadDuckDb() {
  if (!existsSync(nodeModulesDir)) {
    throw new Error(
      `node_modules not found at ${nodeModulesDir}: run npm ci in tests/interop, ` +
        'or set FROCKET_NODE_MODULES to a folder holding @duckdb/node-api');
  }
  // createRequire needs a file inside the folder whose node_modules it should search; the file
  // itself need not exist.
  const require = createRequire(path.join(path.dirname(nodeModulesDir), 'package.json'));
  const resolved = require.resolve('@duckdb/node-api', { paths: [path.dirname(nodeModulesDir)] });
  return import(pathToFileURL(resolved).href);
}

// Returns {run(sql), rows(sql), version} on a fresh in-memory database limited to `threads`.
export async function openDuckDb({ threads } = {}) {
  const { DuckDBInstance } = await loadDuckDb();
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");
  if (threads !== undefined) await conn.run(`SET threads = ${Number(threads)}`);
  const rows = async (sql) => (await conn.runAndReadAll(sql)).getRows();
  const version = String((await rows('SELECT version()'))[0][0]);
  return { conn, version, run: async (sql) => { await conn.run(sql); }, rows };
}

export function sqlString(s) { return `'${String(s).replaceAll("'", "''")}'`; }
export function sqlIdent(s) { return `"${String(s).replaceAll('"', '""')}"`; }
