// EventGenerator: the rows of one user of a generated e-commerce dataset, appended to an
// EventBatch (column vectors ready for the Parquet writer).
//
// A user's rows are a pure function of (seed, user index, row count, time window): every
// random number comes from the user's own counter-based stream (counter_rng.h), so the rows do
// not depend on the thread or on the users generated before.
//
// What a user looks like:
//   - Fixed per user: country, device and browser (a few sessions use a second device, and
//     rarely another country), is_returning, and a purchase propensity.
//   - Rows come in sessions of a few events (1 + geometric, mean 6), minutes apart inside a
//     session and hours to days between sessions. Timestamps are strictly increasing
//     milliseconds within [window.start_ms, window.start_ms + window.length_ms); a user with
//     too many sessions for the window gets proportionally shorter gaps.
//   - session_id is the timestamp of the session's first event (the convention of several
//     analytics tools), so it is unique per user and increasing with ts.
//   - Events follow a small state machine: pageviews (home, category and product pages) and
//     searches; addToCart only on a product page; removeFromCart and checkout only with a
//     non-empty cart, which starts empty in every session; purchase only after a checkout in
//     the same session. So the funnel pageview -> addToCart -> checkout -> purchase narrows,
//     and checkout and purchase always follow an addToCart with the same session_id. Login,
//     logout and signup (new users only, at most once) are sprinkled in.
//   - product_sku and price are set on product pageviews, addToCart and removeFromCart (the
//     product's price) and purchase (the last product added to the cart, and the order total);
//     they are null on every other event.
//
// Not thread-safe: use one generator (and one batch) per thread. The catalog is shared.
#pragma once

#include <cstdint>
#include <vector>

#include "datagen/catalog.h"
#include "datagen/counter_rng.h"
#include "datagen/user_population.h"
#include "parquet/column_vector.h"
#include "parquet/writer/writer_options.h"

namespace frocket::datagen {

// The columns of a generated dataset, in file order.
enum EventColumn : int {
  kUserIdColumn,
  kTsColumn,
  kEventTypeColumn,
  kUrlColumn,
  kBrowserColumn,
  kCountryColumn,
  kDeviceColumn,
  kProductSkuColumn,
  kPriceColumn,
  kSessionIdColumn,
  kIsReturningColumn,
  kNumEventColumns,
};

// The Parquet schema of the generated files: user_id, ts (epoch milliseconds), session_id
// int64; event_type, url, browser, country, device strings; product_sku (nullable string);
// price (nullable double); is_returning boolean. Only product_sku and price are nullable.
parquet::WriterSchema EventSchema();

// Rows of the dataset in column form, one ColumnVector per EventColumn. Buffers are reused
// across Clear() calls.
class EventBatch {
 public:
  EventBatch();
  int64_t size() const { return columns_[0].size; }
  const std::vector<parquet::ColumnVector>& columns() const { return columns_; }
  void Clear();

 private:
  friend class EventGenerator;
  std::vector<parquet::ColumnVector> columns_;
};

// Milliseconds since the Unix epoch: [start_ms, start_ms + length_ms).
struct TimeWindow {
  int64_t start_ms = 0;
  int64_t length_ms = 0;
};

class EventGenerator {
 public:
  EventGenerator(const Catalog& catalog, uint64_t seed, TimeWindow window);

  // Appends the `rows` rows of `user` (rows >= 1, rows <= window.length_ms) to `batch`.
  void AppendUser(const UserRef& user, int64_t rows, EventBatch* batch);

 private:
  void PlanSessions(int64_t rows, CounterRng& rng);
  void PlaceTimestamps(int64_t rows, CounterRng& rng);
  void ChooseEvents(bool returning, double propensity, uint32_t country, Device device,
                    uint32_t browser, CounterRng& rng);
  void Emit(const UserRef& user, int64_t rows, bool returning, EventBatch* batch) const;

  const Catalog& catalog_;
  uint64_t seed_;
  TimeWindow window_;
  // The longest value of each string column, to size buffers once per user.
  struct {
    uint32_t event_type, url, browser, country, device, sku;
  } max_lengths_ = {};

  // Scratch for the user being generated, one entry per row (or per session).
  std::vector<int64_t> session_lengths_;
  std::vector<int64_t> ts_;  // gaps first, then timestamps
  std::vector<int64_t> session_ids_;
  std::vector<uint8_t> events_;
  std::vector<uint32_t> urls_;
  std::vector<int32_t> products_;  // -1: no product
  std::vector<double> prices_;
  std::vector<uint8_t> countries_;
  std::vector<uint8_t> devices_;
  std::vector<uint8_t> browsers_;
  std::vector<uint32_t> cart_;
};

}  // namespace frocket::datagen
