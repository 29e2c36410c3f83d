#include "cli/output_buffer.h"

#include <cerrno>
#include <cstring>

#include "common/error.h"

namespace frocket::cli {

void OutputBuffer::Flush() {
  if (!text_.empty()) {
    errno = 0;
    size_t written = std::fwrite(text_.data(), 1, text_.size(), stream_);
    if (written != text_.size()) {
      ThrowIo(std::string("cannot write output: ") +
              (errno != 0 ? std::strerror(errno) : "short write"));
    }
    text_.clear();
  }
  if (std::fflush(stream_) != 0)
    ThrowIo(std::string("cannot write output: ") + std::strerror(errno));
}

}  // namespace frocket::cli
