#include "storage/data_file.h"

#include "common/error.h"
#include "storage/s3_client.h"
#include "storage/s3_file.h"

namespace frocket {

std::shared_ptr<RandomAccessFile> OpenDataFile(const std::string& location, FileCache* cache,
                                               bool* cache_hit,
                                               std::optional<uint64_t> known_size) {
  if (cache_hit != nullptr) *cache_hit = false;
  if (IsS3Url(location)) {
    S3Location where = ParseS3Url(location);
    auto client = std::make_shared<const S3Client>(S3Config::FromEnvironment());
    if (cache == nullptr) return OpenS3File(std::move(client), where, known_size);
    std::string version;
    if (known_size) {
      version = "size=" + std::to_string(*known_size);
    } else {
      S3Object head = client->HeadObject(where.bucket, where.key);
      version = "etag=" + head.etag + ";size=" + std::to_string(head.size);
    }
    return cache->Open(location, cache_hit, version);
  }
  if (location.rfind("file://", 0) == 0) return OpenLocalFile(location.substr(7));
  if (location.find("://") != std::string::npos) {
    ThrowInvalid("unsupported storage location (expected a local path, file:// or s3://): " +
                 location);
  }
  return OpenLocalFile(location);
}

}  // namespace frocket
