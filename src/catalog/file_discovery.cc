#include "catalog/file_discovery.h"

#include <dirent.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>

#include "common/error.h"
#include "storage/s3_client.h"
#include "storage/s3_file.h"

namespace frocket {
namespace {

class LocalFileLister final : public FileLister {
 public:
  std::vector<ListedFile> List(const std::string& base_path) const override {
    struct stat st;
    if (::stat(base_path.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) {
        ThrowInvalid("the dataset base path does not exist: " + base_path);
      }
      ThrowIo(std::string("cannot stat the dataset base path: ") + std::strerror(errno) + ": " +
              base_path);
    }
    if (!S_ISDIR(st.st_mode))
      ThrowInvalid("the dataset base path is not a directory: " + base_path);
    DIR* d = ::opendir(base_path.c_str());
    if (d == nullptr) {
      ThrowIo(std::string("cannot list the dataset base path: ") + std::strerror(errno) + ": " +
              base_path);
    }
    std::vector<ListedFile> files;
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      std::string path = base_path + "/" + name;
      struct stat fst;
      // stat follows symbolic links; a dangling one is skipped like any non-file.
      if (::stat(path.c_str(), &fst) != 0 || !S_ISREG(fst.st_mode)) continue;
      files.push_back({name, static_cast<uint64_t>(fst.st_size)});
    }
    ::closedir(d);
    return files;
  }

  std::shared_ptr<RandomAccessFile> Open(const std::string& base_path,
                                         const std::string& name) const override {
    return OpenLocalFile(base_path + "/" + name);
  }
};

// Lists the objects directly under s3://bucket/prefix (delimiter "/": deeper keys roll up into
// common prefixes and are skipped, like subdirectories). Sizes seen in the listing are kept,
// so opening a listed file needs no HEAD request.
class S3FileLister final : public FileLister {
 public:
  std::vector<ListedFile> List(const std::string& base_path) const override {
    S3Location where = ParseS3Url(base_path);
    std::string prefix = where.key.empty() ? "" : where.key + "/";
    std::vector<S3Object> objects = Client()->ListObjects(where.bucket, prefix, "/");
    std::vector<ListedFile> files;
    std::lock_guard<std::mutex> lock(mutex_);
    for (S3Object& o : objects) {
      if (o.key.size() <= prefix.size() || o.key.back() == '/') continue;  // folder markers
      std::string name = o.key.substr(prefix.size());
      sizes_[base_path + "/" + name] = o.size;
      files.push_back({std::move(name), o.size});
    }
    return files;
  }

  std::shared_ptr<RandomAccessFile> Open(const std::string& base_path,
                                         const std::string& name) const override {
    const std::string location = base_path + "/" + name;
    std::optional<uint64_t> size;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = sizes_.find(location);
      if (it != sizes_.end()) size = it->second;
    }
    return OpenS3File(Client(), ParseS3Url(location), size);
  }

 private:
  std::shared_ptr<const S3Client> Client() const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!client_) client_ = std::make_shared<const S3Client>(S3Config::FromEnvironment());
    return client_;
  }

  mutable std::mutex mutex_;
  mutable std::shared_ptr<const S3Client> client_;
  mutable std::map<std::string, uint64_t> sizes_;
};

std::string BaseName(const std::string& name) {
  size_t slash = name.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

}  // namespace

std::unique_ptr<FileLister> MakeLocalFileLister() { return std::make_unique<LocalFileLister>(); }

std::unique_ptr<FileLister> FileListerFor(const std::string& base_path, std::string* local_path) {
  if (base_path.rfind("file://", 0) == 0) {
    *local_path = base_path.substr(7);
    if (local_path->empty()) ThrowInvalid("the dataset base path is empty: " + base_path);
    return MakeLocalFileLister();
  }
  if (base_path.rfind("s3://", 0) == 0) {
    S3Location where = ParseS3Url(base_path);  // checks the bucket name
    while (!where.key.empty() && where.key.back() == '/') where.key.pop_back();
    *local_path = where.ToString();
    return std::make_unique<S3FileLister>();
  }
  size_t scheme = base_path.find("://");
  if (scheme != std::string::npos) {
    ThrowInvalid("the dataset base path must be a local directory, file:// or s3://; got " +
                 base_path);
  }
  if (base_path.empty()) ThrowInvalid("the dataset base path is empty");
  *local_path = base_path;
  // A trailing slash would double in the file paths built from it.
  while (local_path->size() > 1 && local_path->back() == '/') local_path->pop_back();
  return MakeLocalFileLister();
}

bool MatchesPattern(const std::string& pattern, const std::string& name) {
  // No flags: '*' matches '/' and a leading '.', as Python's fnmatch does.
  return ::fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

std::vector<ListedFile> DiscoverFiles(const FileLister& lister, const std::string& base_path,
                                      const std::string& pattern) {
  if (pattern.empty()) ThrowInvalid("the file name pattern must not be empty");
  std::vector<ListedFile> files;
  for (ListedFile& f : lister.List(base_path)) {
    if (MatchesPattern(pattern, f.name)) files.push_back(std::move(f));
  }
  if (files.empty()) {
    ThrowInvalid("no files matching '" + pattern + "' in " + base_path);
  }
  std::sort(files.begin(), files.end(),
            [](const ListedFile& a, const ListedFile& b) { return a.name < b.name; });
  std::map<std::string, const std::string*> seen;
  for (const ListedFile& f : files) {
    auto [it, inserted] = seen.emplace(BaseName(f.name), &f.name);
    if (!inserted) {
      ThrowInvalid("file names must be unique within a dataset, but '" + *it->second + "' and '" +
                   f.name + "' share the name " + it->first);
    }
  }
  return files;
}

}  // namespace frocket
