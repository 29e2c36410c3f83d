// Walks the page headers of every column chunk of a Parquet file (with hyparquet's thrift
// decoder, independently of the writer) and reports what the file really contains, so the
// generator scripts can check that a file exercises the feature it is named after.
import { loadPackage } from './node_packages.mjs';

const { parquetMetadata } = await loadPackage('hyparquet');
const { parquetHeader } = await loadPackage('hyparquet/src/column.js');

// Returns { codecs: Set, pages: Set of "PAGE_TYPE:ENCODING" strings, perColumn: Map name ->
// Set of the same strings }.
export function pageCensus(bytes) {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const metadata = parquetMetadata(buffer);
  const view = new DataView(buffer);
  const codecs = new Set();
  const pages = new Set();
  const perColumn = new Map();
  for (const rowGroup of metadata.row_groups) {
    for (const chunk of rowGroup.columns) {
      const meta = chunk.meta_data;
      const name = meta.path_in_schema.join('.');
      if (!perColumn.has(name)) perColumn.set(name, new Set());
      codecs.add(meta.codec);
      let offset = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      if (meta.dictionary_page_offset !== undefined && Number(meta.dictionary_page_offset) === 0) {
        offset = Number(meta.data_page_offset);
      }
      const end = offset + Number(meta.total_compressed_size);
      while (offset < end) {
        const reader = { view, offset };
        const header = parquetHeader(reader);
        const pageHeader = header.data_page_header ?? header.data_page_header_v2 ?? header.dictionary_page_header;
        const key = `${header.type}:${pageHeader?.encoding ?? '?'}`;
        pages.add(key);
        perColumn.get(name).add(key);
        offset = reader.offset + header.compressed_page_size;
      }
    }
  }
  return { codecs, pages, perColumn };
}
