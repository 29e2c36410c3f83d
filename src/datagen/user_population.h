// UserPopulation: who the users of a generated dataset are, how many rows each has, and which
// file holds them. Everything is a function of (seed, rows, users, files), computed once before
// any file is written, so that files can then be generated independently on any thread.
//
//   - Users: min(users, rows) of them, numbered 0..num_users()-1 (the "user index", which keys
//     each user's random stream). With fewer rows than users there is one row per user and
//     only `rows` users.
//   - Ids: UserId(seed, index), a bijection of the index onto [0, 2^63), so ids are distinct,
//     non-negative, spread over the whole range and unrelated to file order.
//   - Rows per user: heavy-tailed (Lomax / Pareto II weights, capped), each user at least one
//     row, exactly `rows` in total.
//   - Files: user u goes to file BucketOf(id, files) (common/bucket.h).
//
// Memory: about 24 bytes per user. Thread safety: immutable after construction.
#pragma once

#include <cstdint>
#include <vector>

namespace frocket::datagen {

// A user's place in the population.
struct UserRef {
  int64_t id;
  uint32_t index;
};

// The id of user `index`: a seeded bijection on 63-bit values.
int64_t UserId(uint64_t seed, uint64_t index);

class UserPopulation {
 public:
  // Throws Error(kInvalidArgument) when rows < 1, users < 1, users >= 2^32, files < 1, or a
  // user would get more than max_rows_per_user rows (the time window cannot hold that many
  // distinct millisecond timestamps).
  UserPopulation(uint64_t seed, int64_t rows, int64_t users, uint32_t files,
                 int64_t max_rows_per_user);

  int64_t num_users() const { return static_cast<int64_t>(row_counts_.size()); }
  int64_t num_rows() const { return num_rows_; }
  uint32_t num_files() const { return static_cast<uint32_t>(file_users_.size()); }
  int64_t rows_of(uint32_t index) const { return row_counts_[index]; }
  int64_t max_rows_per_user() const { return max_user_rows_; }

  // The users of file `file`, in index order (not sorted by id: sorting is left to the file's
  // task so that it runs in parallel).
  const std::vector<UserRef>& file_users(uint32_t file) const { return file_users_[file]; }
  int64_t file_rows(uint32_t file) const { return file_rows_[file]; }

 private:
  int64_t num_rows_ = 0;
  int64_t max_user_rows_ = 0;
  std::vector<int64_t> row_counts_;
  std::vector<std::vector<UserRef>> file_users_;
  std::vector<int64_t> file_rows_;
};

}  // namespace frocket::datagen
