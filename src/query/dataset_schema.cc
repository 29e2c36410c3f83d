#include "query/dataset_schema.h"

namespace frocket {

const char* ColumnKindName(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kInt: return "INT";
    case ColumnKind::kFloat: return "FLOAT";
    case ColumnKind::kString: return "STRING";
    case ColumnKind::kBool: return "BOOL";
    case ColumnKind::kUnsupported: return "UNSUPPORTED";
  }
  return "UNSUPPORTED";
}

const char* TimestampUnitName(TimestampUnit unit) {
  switch (unit) {
    case TimestampUnit::kSeconds: return "s";
    case TimestampUnit::kMillis: return "ms";
    case TimestampUnit::kMicros: return "us";
    case TimestampUnit::kNanos: return "ns";
  }
  return "ms";
}

}  // namespace frocket
