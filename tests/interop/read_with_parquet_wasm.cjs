// Prints the rows of a Parquet file as arrow-rs (through parquet-wasm) reads them, for
// writer_interop_test.cc. Output format: see read_with_duckdb.mjs.
//   node read_with_parquet_wasm.cjs FILE
// The table is read with parquet-wasm's readParquet, exported through the Arrow C data
// interface, and the Arrow arrays are read straight from the WebAssembly memory (32-bit
// pointers), so no Arrow JS library is needed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const nodeModules = process.env.FROCKET_TEST_NODE_MODULES
  ? path.resolve(process.env.FROCKET_TEST_NODE_MODULES)
  : path.join(__dirname, 'node_modules');
const wasm = require(path.join(nodeModules, 'parquet-wasm', 'node', 'parquet_wasm.js'));

const file = process.argv[2];
if (!file) {
  console.error('usage: node read_with_parquet_wasm.cjs FILE');
  process.exit(2);
}

function cString(mem, ptr) {
  const bytes = new Uint8Array(mem.buffer);
  let end = ptr;
  while (bytes[end] !== 0) end++;
  return Buffer.from(bytes.subarray(ptr, end)).toString('utf8');
}

// struct ArrowSchema on wasm32: format, name, metadata (4 bytes each), flags and n_children
// (int64 at 16 and 24), children at 32, dictionary at 36.
function readSchema(mem, ptr) {
  const view = new DataView(mem.buffer);
  const n = Number(view.getBigInt64(ptr + 24, true));
  const childrenPtr = view.getUint32(ptr + 32, true);
  const children = [];
  for (let i = 0; i < n; i++) children.push(readSchema(mem, view.getUint32(childrenPtr + 4 * i, true)));
  return { format: cString(mem, view.getUint32(ptr, true)), name: cString(mem, view.getUint32(ptr + 4, true)), children };
}

// struct ArrowArray on wasm32: length, null_count, offset, n_buffers, n_children (int64 at 0,
// 8, 16, 24, 32), buffers at 40, children at 44.
function readArray(mem, ptr) {
  const view = new DataView(mem.buffer);
  const nBuffers = Number(view.getBigInt64(ptr + 24, true));
  const nChildren = Number(view.getBigInt64(ptr + 32, true));
  const buffersPtr = view.getUint32(ptr + 40, true);
  const childrenPtr = view.getUint32(ptr + 44, true);
  const buffers = [];
  for (let i = 0; i < nBuffers; i++) buffers.push(view.getUint32(buffersPtr + 4 * i, true));
  const children = [];
  for (let i = 0; i < nChildren; i++) children.push(readArray(mem, view.getUint32(childrenPtr + 4 * i, true)));
  return {
    length: Number(view.getBigInt64(ptr, true)),
    offset: Number(view.getBigInt64(ptr + 16, true)),
    buffers,
    children,
  };
}

function cells(mem, schema, array) {
  const view = new DataView(mem.buffer);
  const bytes = new Uint8Array(mem.buffer);
  const out = [];
  const valid = (i) => {
    const bitmap = array.buffers[0];
    if (bitmap === 0) return true;
    const bit = array.offset + i;
    return ((bytes[bitmap + (bit >> 3)] >> (bit & 7)) & 1) === 1;
  };
  const data = array.buffers[1];
  for (let i = 0; i < array.length; i++) {
    if (!valid(i)) {
      out.push(null);
      continue;
    }
    const k = array.offset + i;
    const f = schema.format;
    if (f === 'b') {
      out.push(((bytes[data + (k >> 3)] >> (k & 7)) & 1) === 1 ? 'true' : 'false');
    } else if (f === 'i') {
      out.push(String(view.getInt32(data + 4 * k, true)));
    } else if (f === 'l') {
      out.push(String(view.getBigInt64(data + 8 * k, true)));
    } else if (f === 'f') {
      out.push('bits:' + view.getUint32(data + 4 * k, true).toString(16));
    } else if (f === 'g') {
      out.push('bits:' + view.getBigUint64(data + 8 * k, true).toString(16));
    } else if (f === 'u') {
      const start = view.getInt32(data + 4 * k, true);
      const end = view.getInt32(data + 4 * k + 4, true);
      out.push(Buffer.from(bytes.subarray(array.buffers[2] + start, array.buffers[2] + end)).toString('utf8'));
    } else if (f.startsWith('ts')) {
      const unit = f[2];
      const v = view.getBigInt64(data + 8 * k, true);
      const scale = { s: 1000000n, m: 1000n, u: 1n }[unit];
      if (scale === undefined) throw new Error(`unexpected timestamp unit in ${f}`);
      out.push(String(v * scale));
    } else {
      throw new Error(`unexpected Arrow format ${f} for column ${schema.name}`);
    }
  }
  return out;
}

const table = wasm.readParquet(new Uint8Array(fs.readFileSync(file)));
const mem = wasm.wasmMemory();
let columns = null;
const rows = [];
for (const batch of table.recordBatches()) {
  const ffi = batch.toFFI();
  const schema = readSchema(mem, ffi.schemaAddr());
  const array = readArray(mem, ffi.arrayAddr());
  if (columns === null) columns = schema.children.map((c) => [c.name, c.format]);
  const perColumn = schema.children.map((c, j) => cells(mem, c, array.children[j]));
  for (let i = 0; i < array.length; i++) rows.push(perColumn.map((col) => col[i]));
  ffi.free();
}
if (columns === null) columns = [];
const out = [JSON.stringify({ reader: 'parquet-wasm', num_rows: rows.length, columns })];
for (const row of rows) out.push(JSON.stringify(row));
process.stdout.write(out.join('\n') + '\n');
