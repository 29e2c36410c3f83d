// The worker's disk cache, with an injected downloader that writes known bytes for fake
// locations and counts its calls.
#include "storage/file_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "common/buffer.h"
#include "common/error.h"
#include "support/test_dataset.h"

namespace frocket {
namespace {

class FakeRemote {
 public:
  void Set(const std::string& location, std::string bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    objects_[location] = std::move(bytes);
  }
  int downloads(const std::string& location) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = counts_.find(location);
    return it == counts_.end() ? 0 : it->second;
  }
  std::chrono::milliseconds delay{0};

  FileCache::Downloader downloader() {
    return [this](const std::string& location, const std::string& path) {
      std::string bytes;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ++counts_[location];
        auto it = objects_.find(location);
        if (it == objects_.end()) ThrowIo(location + ": object not found (404)");
        bytes = it->second;
      }
      std::this_thread::sleep_for(delay);
      std::ofstream(path, std::ios::binary) << bytes;
    };
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::string> objects_;
  std::map<std::string, int> counts_;
};

std::string ReadAll(const RandomAccessFile& f) {
  Buffer b;
  f.ReadAt(0, f.Size(), &b);
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

TEST(FileCacheTest, MissThenHitServesTheBytesUnderTheRemoteName) {
  testing::TempDirectory dir;
  FakeRemote remote;
  remote.Set("s3://b/one", "first object");
  FileCache cache(dir.path() + "/cache", 1000, remote.downloader());
  bool hit = true;
  auto f = cache.Open("s3://b/one", &hit);
  EXPECT_FALSE(hit);
  EXPECT_EQ(f->name(), "s3://b/one");
  EXPECT_EQ(ReadAll(*f), "first object");
  EXPECT_TRUE(cache.Contains("s3://b/one"));
  EXPECT_EQ(cache.total_bytes(), 12u);
  auto again = cache.Open("s3://b/one", &hit);
  EXPECT_TRUE(hit);
  EXPECT_EQ(ReadAll(*again), "first object");
  EXPECT_EQ(remote.downloads("s3://b/one"), 1);
  EXPECT_FALSE(cache.Contains("s3://b/two"));
}

TEST(FileCacheTest, EvictsLeastRecentlyUsedButNeverTheFileJustOpened) {
  testing::TempDirectory dir;
  FakeRemote remote;
  for (const char* name : {"a", "b", "c", "d"})
    remote.Set(std::string("s3://b/") + name, std::string(40, name[0]));
  FileCache cache(dir.path(), 100, remote.downloader());
  cache.Open("s3://b/a");
  cache.Open("s3://b/b");
  cache.Open("s3://b/a");           // a is now more recent than b
  auto c = cache.Open("s3://b/c");  // 120 bytes > 100: b goes
  EXPECT_TRUE(cache.Contains("s3://b/a"));
  EXPECT_FALSE(cache.Contains("s3://b/b"));
  EXPECT_TRUE(cache.Contains("s3://b/c"));
  EXPECT_EQ(cache.total_bytes(), 80u);
  // An evicted file still open by a reader stays readable.
  auto d = cache.Open("s3://b/d");
  cache.Open("s3://b/a");
  EXPECT_EQ(ReadAll(*c), std::string(40, 'c'));
  // Only the .data files of the cached objects remain on disk.
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, cache.entry_count());
  EXPECT_LE(cache.total_bytes(), 100u);

  // One object above the bound stays cached until the next open.
  remote.Set("s3://b/huge", std::string(500, 'h'));
  bool hit = true;
  auto huge = cache.Open("s3://b/huge", &hit);
  EXPECT_FALSE(hit);
  EXPECT_TRUE(cache.Contains("s3://b/huge"));
  EXPECT_EQ(cache.entry_count(), 1u);
  EXPECT_EQ(ReadAll(*huge).size(), 500u);
  cache.Open("s3://b/a");
  EXPECT_FALSE(cache.Contains("s3://b/huge"));
}

TEST(FileCacheTest, ANewVersionIsDownloadedAgain) {
  testing::TempDirectory dir;
  FakeRemote remote;
  remote.Set("s3://b/x", "old");
  FileCache cache(dir.path(), 1000, remote.downloader());
  bool hit = false;
  EXPECT_EQ(ReadAll(*cache.Open("s3://b/x", &hit, "size=3")), "old");
  remote.Set("s3://b/x", "newer");
  EXPECT_EQ(ReadAll(*cache.Open("s3://b/x", &hit, "size=3")), "old");
  EXPECT_TRUE(hit);
  EXPECT_EQ(ReadAll(*cache.Open("s3://b/x", &hit, "size=5")), "newer");
  EXPECT_FALSE(hit);
  EXPECT_EQ(remote.downloads("s3://b/x"), 2);
  EXPECT_EQ(cache.total_bytes(), 5u);
  EXPECT_EQ(cache.entry_count(), 1u);
}

TEST(FileCacheTest, ConcurrentOpensDownloadOnce) {
  testing::TempDirectory dir;
  FakeRemote remote;
  remote.Set("s3://b/shared", std::string(1000, 's'));
  remote.delay = std::chrono::milliseconds(100);
  FileCache cache(dir.path(), 1 << 20, remote.downloader());
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      if (ReadAll(*cache.Open("s3://b/shared")) == std::string(1000, 's')) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 6);
  EXPECT_EQ(remote.downloads("s3://b/shared"), 1);
}

TEST(FileCacheTest, AFailedDownloadCachesNothing) {
  testing::TempDirectory dir;
  FakeRemote remote;
  FileCache cache(dir.path(), 1000, remote.downloader());
  try {
    cache.Open("s3://b/missing");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find("s3://b/missing"), std::string::npos);
  }
  EXPECT_FALSE(cache.Contains("s3://b/missing"));
  EXPECT_EQ(cache.total_bytes(), 0u);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));  // no temporary left behind
  remote.Set("s3://b/missing", "here now");
  EXPECT_EQ(ReadAll(*cache.Open("s3://b/missing")), "here now");
}

TEST(FileCacheTest, StartsEmptyAndCleansUp) {
  testing::TempDirectory dir;
  std::ofstream(dir.path() + "/leftover.data") << "from an earlier run";
  std::ofstream(dir.path() + "/not-ours.txt") << "kept";
  FakeRemote remote;
  remote.Set("s3://b/k", "k");
  {
    FileCache cache(dir.path(), 1000, remote.downloader());
    EXPECT_FALSE(std::filesystem::exists(dir.path() + "/leftover.data"));
    cache.Open("s3://b/k");
  }
  EXPECT_TRUE(std::filesystem::exists(dir.path() + "/not-ours.txt"));
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

}  // namespace
}  // namespace frocket
