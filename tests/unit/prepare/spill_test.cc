// RunBuffer and MergeBucket against std::stable_sort of the same records: ties on (group id,
// timestamp) must come out in arrival order, in memory, across runs, and through multi-level
// merges.
#include "prepare/spill.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>
#include <tuple>
#include <vector>

namespace frocket::prepare {
namespace {

namespace fs = std::filesystem;

struct Item {
  uint32_t bucket;
  int64_t id;
  std::string sid;
  int64_t ts;
  int64_t seq;  // arrival number, carried in a cell
};

std::vector<Item> MakeItems(size_t n, bool strings, uint32_t buckets, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Item> items;
  for (size_t i = 0; i < n; ++i) {
    Item it;
    it.id = static_cast<int64_t>(rng() % 50) - 25;  // negatives check signed order
    // Strings share long prefixes and differ after byte 8, and include bytes >= 0x80.
    it.sid = "prefix__" + std::string(1, static_cast<char>(0x70 + rng() % 32)) +
             std::to_string(rng() % 7);
    it.ts = static_cast<int64_t>(rng() % 5);  // many ties
    it.bucket = static_cast<uint32_t>(rng() % buckets);
    it.seq = static_cast<int64_t>(i);
    (void)strings;
    items.push_back(it);
  }
  return items;
}

std::string Body(const Item& it, bool strings) {
  RecordKey key;
  key.group_int = it.id;
  key.group_string = it.sid;
  key.ts = it.ts;
  std::string seq = std::to_string(it.seq);
  Cell cells[3] = {Cell{}, Cell{}, Cell{CellKind::kText, seq}};
  std::string body;
  EncodeRecordBody(strings, key, cells, 3, &body);
  return body;
}

int64_t SeqOf(std::string_view body, bool strings) {
  RecordKey key;
  const char* cells;
  uint64_t count;
  DecodeRecordBody(body, strings, &key, &cells, &count);
  const char* end = body.data() + body.size();
  std::string_view text;
  EXPECT_FALSE(NextRecordCell(&cells, end, &text));
  EXPECT_FALSE(NextRecordCell(&cells, end, &text));
  EXPECT_TRUE(NextRecordCell(&cells, end, &text));
  return std::stoll(std::string(text));
}

std::vector<int64_t> ExpectedOrder(std::vector<Item> items, uint32_t bucket, bool strings) {
  std::vector<Item> in_bucket;
  for (const Item& it : items) {
    if (it.bucket == bucket) in_bucket.push_back(it);
  }
  std::stable_sort(in_bucket.begin(), in_bucket.end(), [&](const Item& a, const Item& b) {
    if (strings) {
      // Unsigned byte order.
      auto ua = std::basic_string<unsigned char>(a.sid.begin(), a.sid.end());
      auto ub = std::basic_string<unsigned char>(b.sid.begin(), b.sid.end());
      if (ua != ub) return ua < ub;
    } else if (a.id != b.id) {
      return a.id < b.id;
    }
    return a.ts < b.ts;
  });
  std::vector<int64_t> seqs;
  for (const Item& it : in_bucket) seqs.push_back(it.seq);
  return seqs;
}

class SpillTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    dir_ = fs::path(testing::TempDir()) / ("spill_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_P(SpillTest, InMemorySortIsStable) {
  const bool strings = GetParam();
  const uint32_t buckets = 3;
  std::vector<Item> items = MakeItems(2000, strings, buckets, 1);
  RunBuffer buffer(buckets, strings, 4096);
  for (const Item& it : items) {
    RecordKey key{it.id, it.sid, it.ts};
    buffer.Add(it.bucket, key, Body(it, strings));
  }
  buffer.Sort();
  for (uint32_t b = 0; b < buckets; ++b) {
    std::vector<int64_t> got;
    buffer.ForEachInBucket(b, [&](std::string_view body) { got.push_back(SeqOf(body, strings)); });
    EXPECT_EQ(got, ExpectedOrder(items, b, strings)) << "bucket " << b;
  }
}

TEST_P(SpillTest, RunsMergeStablyWithSmallFanIn) {
  const bool strings = GetParam();
  const uint32_t buckets = 4;
  std::vector<Item> items = MakeItems(5000, strings, buckets, 2);
  std::vector<RunFile> runs;
  RunBuffer buffer(buckets, strings, 4096);
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    RecordKey key{it.id, it.sid, it.ts};
    buffer.Add(it.bucket, key, Body(it, strings));
    if ((i + 1) % 300 == 0) {  // 17 runs
      buffer.Sort();
      runs.push_back(buffer.WriteRun((dir_ / ("run" + std::to_string(runs.size()))).string()));
      buffer.Clear();
    }
  }
  buffer.Sort();
  runs.push_back(buffer.WriteRun((dir_ / "last").string()));
  for (uint32_t b = 0; b < buckets; ++b) {
    std::vector<SegmentRef> segments;
    for (const RunFile& run : runs) segments.push_back({run.path, run.segments[b]});
    for (size_t fan_in : {2, 3, 64}) {
      std::vector<int64_t> got;
      // A tiny read buffer makes records straddle refills.
      MergeBucket(segments, strings, 7, fan_in, dir_.string(),
                  [&](std::string_view body) { got.push_back(SeqOf(body, strings)); });
      EXPECT_EQ(got, ExpectedOrder(items, b, strings)) << "bucket " << b << " fan-in " << fan_in;
    }
  }
  // The intermediate merge files are gone; only the runs remain.
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir_)) files += entry.is_regular_file();
  EXPECT_EQ(files, runs.size());
}

INSTANTIATE_TEST_SUITE_P(IdKinds, SpillTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "StringIds" : "IntIds"; });

}  // namespace
}  // namespace frocket::prepare
