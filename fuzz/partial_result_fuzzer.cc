// Fuzzes DeserializePartialResult: partial results travel between processes (work queue,
// Lambda), so any bytes must either decode or throw Error, never crash or allocate from a
// bogus length. What decodes must serialize back to bytes that decode to the same thing.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/error.h"
#include "engine/partial_result.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  frocket::PartialResult partial;
  try {
    partial = frocket::DeserializePartialResult(bytes);
  } catch (const frocket::Error&) {
    return 0;
  }
  const std::string again = frocket::SerializePartialResult(partial);
  const frocket::PartialResult reread = frocket::DeserializePartialResult(again);
  if (frocket::SerializePartialResult(reread) != again) __builtin_trap();
  return 0;
}
