// Loads the npm packages the interop scripts use. They are resolved from the directory named by
// FROCKET_TEST_NODE_MODULES when it is set (so the C++ test can point at any installed copy),
// and from this folder's node_modules otherwise. ES modules ignore NODE_PATH, hence this.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeModules = process.env.FROCKET_TEST_NODE_MODULES
  ? path.resolve(process.env.FROCKET_TEST_NODE_MODULES)
  : path.join(here, 'node_modules');
// createRequire needs a file inside the folder whose node_modules it should search; the file
// itself need not exist.
const require = createRequire(path.join(path.dirname(nodeModules), 'package.json'));

export async function loadPackage(name) {
  let resolved;
  try {
    resolved = require.resolve(name, { paths: [path.dirname(nodeModules)] });
  } catch (e) {
    throw new Error(`npm package ${name} not found under ${nodeModules}: run npm ci in tests/interop`);
  }
  return import(pathToFileURL(resolved).href);
}

// The installed version of an npm package, for the headers of expected files.
export function packageVersion(name) {
  const manifest = path.join(nodeModules, ...name.split('/'), 'package.json');
  try {
    return JSON.parse(readFileSync(manifest, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

// A float's IEEE bit pattern as "bits:" + hex (binary32 when `single`, else binary64), so that
// readers' outputs compare exactly, -0.0 and NaN payloads included.
export function hexBits(value, single) {
  const view = new DataView(new ArrayBuffer(8));
  if (single) {
    view.setFloat32(0, value, true);
    return 'bits:' + view.getUint32(0, true).toString(16);
  }
  view.setFloat64(0, value, true);
  return 'bits:' + view.getBigUint64(0, true).toString(16);
}
