#include "common/error.h"

namespace frocket {

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument: return "invalid argument";
    case ErrorKind::kCorruptFile: return "corrupt file";
    case ErrorKind::kNotSupported: return "not supported";
    case ErrorKind::kIo: return "I/O error";
    case ErrorKind::kUnavailable: return "unavailable";
    case ErrorKind::kTimeout: return "timeout";
    case ErrorKind::kInternal: return "internal error";
  }
  return "error";
}

void ThrowCorrupt(const std::string& message) { throw Error(ErrorKind::kCorruptFile, message); }
void ThrowNotSupported(const std::string& message) { throw Error(ErrorKind::kNotSupported, message); }
void ThrowInvalid(const std::string& message) { throw Error(ErrorKind::kInvalidArgument, message); }
void ThrowIo(const std::string& message) { throw Error(ErrorKind::kIo, message); }

}  // namespace frocket
