// OutputBuffer: collects command output in memory and writes it to a stdio stream in large
// chunks. Printing a million rows through iostreams or one fwrite per cell costs more than
// decoding them; appending to a std::string and writing a megabyte at a time does not.
//
// Callers append whole records and call MaybeFlush() between records, so what reaches the
// stream always ends at a record boundary, also when a later error stops the command. The
// destructor does not flush: output not flushed explicitly is dropped.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace frocket::cli {

class OutputBuffer {
 public:
  static constexpr size_t kFlushThreshold = size_t{1} << 20;

  explicit OutputBuffer(std::FILE* stream) : stream_(stream) {
    text_.reserve(kFlushThreshold + 4096);
  }
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;

  // The pending text, for appending to directly.
  std::string& text() { return text_; }
  void Append(std::string_view s) { text_.append(s); }

  void MaybeFlush() {
    if (text_.size() >= kFlushThreshold) Flush();
  }
  // Writes everything pending and flushes the stream. Throws Error(kIo) when the write fails.
  void Flush();

 private:
  std::FILE* stream_;
  std::string text_;
};

}  // namespace frocket::cli
