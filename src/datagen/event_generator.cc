#include "datagen/event_generator.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>

namespace frocket::datagen {
namespace {

using parquet::ColumnVector;
using parquet::PhysicalType;
using parquet::WriterColumn;
using parquet::WriterType;

constexpr uint64_t kUserStream = 3;

// Session shape. Lengths are 1 + a geometric number of further events.
constexpr double kMeanSessionExtraEvents = 5.0;
// Inside a session: a few seconds plus an exponential dwell time.
constexpr double kMinEventGapMs = 2'000;
constexpr double kMeanDwellMs = 45'000;
// Between sessions: either later the same day or days later.
constexpr double kSameDayShare = 0.35;
constexpr double kMinSessionGapMs = 30 * 60'000.0;
constexpr double kMeanSameDayGapMs = 4 * 3'600'000.0;
constexpr double kMeanLaterGapMs = 2.5 * 86'400'000.0;

// Users and sessions.
constexpr double kReturningShare = 0.4;
constexpr double kSecondDeviceSessionShare = 0.06;
constexpr double kTravelSessionShare = 0.01;
constexpr double kStayLoggedInShare = 0.5;

constexpr int kEventTypes = kNumEventTypes;

// Allocates n more slots of a fixed-width column and returns the first.
template <typename T>
T* GrowFixed(ColumnVector& v, int64_t n) {
  size_t old = v.values.size();
  v.values.Resize(old + static_cast<size_t>(n) * sizeof(T));
  return reinterpret_cast<T*>(v.values.data() + old);
}

// Appends n strings table[codes[i]] to a BYTE_ARRAY column.
template <typename Code, typename Lookup>
void AppendStrings(ColumnVector& v, const StringTable& table, const Code* codes, int64_t n,
                   uint32_t max_length, Lookup lookup) {
  size_t old_rows = static_cast<size_t>(v.size);
  v.offsets.Resize((old_rows + 1 + static_cast<size_t>(n)) * 4);
  uint32_t* offsets = v.offsets.as<uint32_t>() + old_rows;
  size_t pos = v.bytes.size();
  v.bytes.Resize(pos + static_cast<size_t>(n) * max_length);
  char* out = reinterpret_cast<char*>(v.bytes.data());
  const char* data = table.data();
  const uint32_t* table_offsets = table.offsets();
  for (int64_t i = 0; i < n; ++i) {
    uint32_t code = lookup(codes[i]);
    uint32_t begin = table_offsets[code];
    uint32_t length = table_offsets[code + 1] - begin;
    std::memcpy(out + pos, data + begin, length);
    pos += length;
    offsets[i + 1] = static_cast<uint32_t>(pos);
  }
  v.bytes.Resize(pos);
}

// Makes room for n more validity bits (new words zeroed) and returns the bitmap.
uint64_t* GrowValidity(ColumnVector& v, int64_t n) {
  size_t old_words = v.validity.size() / 8;
  size_t words = static_cast<size_t>(v.size + n + 63) / 64;
  if (words > old_words) {
    v.validity.Resize(words * 8);
    std::memset(v.validity.data() + old_words * 8, 0, (words - old_words) * 8);
  }
  return v.validity.as<uint64_t>();
}

uint32_t MaxLength(const StringTable& table) {
  uint32_t max = 0;
  for (uint32_t i = 0; i < table.size(); ++i) {
    max = std::max(max, static_cast<uint32_t>(table.Get(i).size()));
  }
  return max;
}

// g' = 1 + (g - 1) * numerator / denominator, exactly (the products exceed 64 bits).
int64_t ScaleGap(int64_t gap, int64_t numerator, int64_t denominator) {
  return 1 + static_cast<int64_t>(static_cast<__int128>(gap - 1) * numerator / denominator);
}

}  // namespace

parquet::WriterSchema EventSchema() {
  using parquet::ColumnEncoding;
  parquet::WriterSchema schema;
  // Encodings are fixed where the right choice is known, which also spares the writer from
  // trying a dictionary on values that do not repeat: timestamps and session ids (which repeat
  // only within a session) are deltas within a user, low-cardinality strings are dictionaries.
  schema.columns = {
      {"user_id", WriterType::kInt64, false, ColumnEncoding::kAuto},
      {"ts", WriterType::kInt64, false, ColumnEncoding::kDeltaBinaryPacked},
      {"event_type", WriterType::kString, false, ColumnEncoding::kDictionary},
      {"url", WriterType::kString, false, ColumnEncoding::kDictionary},
      {"browser", WriterType::kString, false, ColumnEncoding::kDictionary},
      {"country", WriterType::kString, false, ColumnEncoding::kDictionary},
      {"device", WriterType::kString, false, ColumnEncoding::kDictionary},
      {"product_sku", WriterType::kString, true, ColumnEncoding::kDictionary},
      {"price", WriterType::kDouble, true, ColumnEncoding::kAuto},
      {"session_id", WriterType::kInt64, false, ColumnEncoding::kDeltaBinaryPacked},
      {"is_returning", WriterType::kBoolean, false, ColumnEncoding::kAuto},
  };
  return schema;
}

EventBatch::EventBatch() {
  parquet::WriterSchema schema = EventSchema();
  columns_.resize(schema.columns.size());
  for (size_t c = 0; c < columns_.size(); ++c) {
    columns_[c].physical = parquet::WriterPhysicalType(schema.columns[c].type);
  }
  Clear();
}

void EventBatch::Clear() {
  for (ColumnVector& v : columns_) {
    v.size = 0;
    v.null_count = 0;
    v.values.Clear();
    v.bytes.Clear();
    v.validity.Clear();
    v.offsets.Clear();
    if (v.physical == PhysicalType::kByteArray) {
      uint32_t zero = 0;
      v.offsets.Append(&zero, 4);
    }
  }
}

EventGenerator::EventGenerator(const Catalog& catalog, uint64_t seed, TimeWindow window)
    : catalog_(catalog), seed_(seed), window_(window) {
  max_lengths_.event_type = MaxLength(catalog.event_types());
  max_lengths_.url = MaxLength(catalog.urls());
  max_lengths_.browser = MaxLength(catalog.browsers());
  max_lengths_.country = MaxLength(catalog.countries());
  max_lengths_.device = MaxLength(catalog.devices());
  max_lengths_.sku = MaxLength(catalog.skus());
}

void EventGenerator::PlanSessions(int64_t rows, CounterRng& rng) {
  session_lengths_.clear();
  int64_t left = rows;
  while (left > 0) {
    auto length = 1 + static_cast<int64_t>(rng.Exponential(kMeanSessionExtraEvents));
    length = std::min(length, left);
    session_lengths_.push_back(length);
    left -= length;
  }
}

void EventGenerator::PlaceTimestamps(int64_t rows, CounterRng& rng) {
  // First the gap before each row (ts_[0] is unused), then the offset of the first row.
  ts_.resize(static_cast<size_t>(rows));
  int64_t inside = 0, between = 0;
  size_t row = 0;
  for (int64_t length : session_lengths_) {
    for (int64_t j = 0; j < length; ++j, ++row) {
      if (row == 0) {
        ts_[0] = 0;
      } else if (j == 0) {
        double ms = rng.Chance(kSameDayShare) ? rng.Exponential(kMeanSameDayGapMs)
                                              : rng.Exponential(kMeanLaterGapMs);
        ts_[row] = static_cast<int64_t>(kMinSessionGapMs + ms);
        between += ts_[row];
      } else {
        ts_[row] = static_cast<int64_t>(kMinEventGapMs + rng.Exponential(kMeanDwellMs));
        inside += ts_[row];
      }
    }
  }
  // The last row may be at most `available` ms after the window's start. When the gaps do not
  // fit, they are shrunk to fill a random 75-100% of the window (so that heavy users do not
  // all start at its first millisecond): the gaps between sessions first (heavy users visit
  // more often), and all gaps only when even the sessions themselves are too long. Each gap
  // stays >= 1 ms, so timestamps stay strictly increasing: the caller guarantees
  // rows <= window length.
  const int64_t available = window_.length_ms - 1;
  const auto sessions = static_cast<int64_t>(session_lengths_.size());
  const int64_t gaps = rows - 1;
  if (inside + between > available) {
    int64_t target =
        available - static_cast<int64_t>(rng.Below(static_cast<uint64_t>(available / 4) + 1));
    if (inside + (sessions - 1) <= target) {
      int64_t numerator = target - inside - (sessions - 1);
      int64_t denominator = between - (sessions - 1);
      between = 0;
      row = 0;
      for (int64_t length : session_lengths_) {
        if (row != 0) {
          ts_[row] = ScaleGap(ts_[row], numerator, denominator);
          between += ts_[row];
        }
        row += static_cast<size_t>(length);
      }
    } else {
      target = std::max(target, gaps);
      int64_t numerator = target - gaps;
      int64_t denominator = inside + between - gaps;
      inside = between = 0;
      for (size_t r = 1; r < ts_.size(); ++r) {
        ts_[r] = ScaleGap(ts_[r], numerator, denominator);
        inside += ts_[r];
      }
    }
  }
  int64_t span = inside + between;
  int64_t t = window_.start_ms +
              static_cast<int64_t>(rng.Below(static_cast<uint64_t>(available - span) + 1));
  for (size_t r = 0; r < ts_.size(); ++r) {
    t += ts_[r];
    ts_[r] = t;
  }
}

void EventGenerator::ChooseEvents(bool returning, double propensity, uint32_t country,
                                  Device device, uint32_t browser, CounterRng& rng) {
  const Catalog& cat = catalog_;
  const auto second_device = cat.SampleDevice(rng);
  const auto second_browser = static_cast<uint8_t>(cat.SampleBrowser(second_device, rng));
  bool signed_up = false;
  size_t row = 0;
  for (int64_t length : session_lengths_) {
    const int64_t session_id = ts_[row];
    Device session_device = device;
    auto session_browser = static_cast<uint8_t>(browser);
    auto session_country = static_cast<uint8_t>(country);
    if (rng.Chance(kSecondDeviceSessionShare)) {
      session_device = second_device;
      session_browser = second_browser;
    }
    if (rng.Chance(kTravelSessionShare)) {
      session_country = static_cast<uint8_t>(cat.SampleCountry(rng));
    }
    bool logged_in = (returning || signed_up) && rng.Chance(kStayLoggedInShare);
    bool checked_out = false;
    int32_t viewing = -1;   // product on screen
    int32_t category = -1;  // category being browsed
    cart_.clear();

    for (int64_t j = 0; j < length; ++j, ++row) {
      const bool has_cart = !cart_.empty();
      // Unnormalized probabilities of the next event given the state.
      double w[kEventTypes] = {};
      w[static_cast<int>(EventType::kPageview)] = 0.60;
      w[static_cast<int>(EventType::kSearch)] = j == 0 ? 0.05 : 0.13;
      if (viewing >= 0) w[static_cast<int>(EventType::kAddToCart)] = 0.11 * propensity;
      if (has_cart && !checked_out) {
        w[static_cast<int>(EventType::kRemoveFromCart)] = 0.015;
        w[static_cast<int>(EventType::kCheckout)] = 0.09 * propensity;
      }
      if (checked_out) w[static_cast<int>(EventType::kPurchase)] = 0.55 * propensity;
      if (!logged_in && (returning || signed_up)) {
        w[static_cast<int>(EventType::kLogin)] = j == 0 ? 0.25 : 0.03;
      }
      if (logged_in && j == length - 1 && length > 1) {
        w[static_cast<int>(EventType::kLogout)] = 0.3;
      }
      if (!returning && !signed_up) w[static_cast<int>(EventType::kSignup)] = 0.02;
      double total = 0;
      for (double x : w) total += x;
      double pick = rng.NextDouble() * total;
      int chosen = 0;
      while (chosen < kEventTypes - 1 && (pick -= w[chosen]) >= 0) ++chosen;
      // Rounding can leave `pick` past the last weight: fall back to a pageview.
      if (w[chosen] == 0) chosen = static_cast<int>(EventType::kPageview);
      auto event = static_cast<EventType>(chosen);

      int32_t product = -1;
      double price = 0;
      uint32_t url = cat.home_url();
      switch (event) {
        case EventType::kPageview: {
          double u = rng.NextDouble();
          const Product* p = nullptr;
          if (viewing >= 0) {
            // From a product page: a related product, back to the category, home, or a
            // popular product from a recommendation.
            if (u < 0.45) {
              p = &cat.SampleProductIn(cat.product(static_cast<uint32_t>(viewing)).category, rng);
            } else if (u < 0.65) {
              category = static_cast<int32_t>(cat.product(static_cast<uint32_t>(viewing)).category);
            } else if (u < 0.8) {
              category = -1;
            } else {
              p = &cat.SampleProduct(rng);
            }
          } else if (category >= 0) {
            if (u < 0.7) {
              p = &cat.SampleProductIn(static_cast<uint32_t>(category), rng);
            } else if (u < 0.85) {
              category = static_cast<int32_t>(cat.SampleCategory(rng));
            } else {
              category = -1;
            }
          } else {
            if (u < 0.5) {
              p = &cat.SampleProduct(rng);
            } else if (u < 0.8) {
              category = static_cast<int32_t>(cat.SampleCategory(rng));
            }
          }
          if (p != nullptr) {
            product = static_cast<int32_t>(p - &cat.product(0));
            category = static_cast<int32_t>(p->category);
            price = p->price;
            url = p->url;
            viewing = product;
          } else {
            viewing = -1;
            url =
                category >= 0 ? cat.category_url(static_cast<uint32_t>(category)) : cat.home_url();
          }
          break;
        }
        case EventType::kSearch:
          url = cat.SampleSearchUrl(rng);
          viewing = -1;
          category = -1;
          break;
        case EventType::kAddToCart: {
          const Product& p = cat.product(static_cast<uint32_t>(viewing));
          product = viewing;
          price = p.price;
          url = p.url;
          cart_.push_back(static_cast<uint32_t>(viewing));
          break;
        }
        case EventType::kRemoveFromCart: {
          size_t k = rng.Below(cart_.size());
          product = static_cast<int32_t>(cart_[k]);
          price = cat.product(cart_[k]).price;
          cart_.erase(cart_.begin() + static_cast<ptrdiff_t>(k));
          url = cat.cart_url();
          break;
        }
        case EventType::kCheckout:
          url = cat.checkout_url();
          checked_out = true;
          viewing = -1;
          break;
        case EventType::kPurchase: {
          product = static_cast<int32_t>(cart_.back());
          double total_cents = 0;
          for (uint32_t k : cart_) total_cents += std::round(cat.product(k).price * 100);
          price = total_cents / 100;
          url = cat.purchase_url();
          cart_.clear();
          checked_out = false;
          break;
        }
        case EventType::kLogin:
          url = cat.login_url();
          logged_in = true;
          break;
        case EventType::kLogout:
          url = cat.logout_url();
          logged_in = false;
          break;
        case EventType::kSignup:
          url = cat.signup_url();
          signed_up = true;
          logged_in = true;
          break;
      }
      session_ids_[row] = session_id;
      events_[row] = static_cast<uint8_t>(event);
      urls_[row] = url;
      products_[row] = product;
      prices_[row] = price;
      countries_[row] = session_country;
      devices_[row] = static_cast<uint8_t>(session_device);
      browsers_[row] = session_browser;
    }
  }
}

void EventGenerator::AppendUser(const UserRef& user, int64_t rows, EventBatch* batch) {
  CounterRng rng(StreamKey(seed_, kUserStream, user.index));
  const uint32_t country = catalog_.SampleCountry(rng);
  const Device device = catalog_.SampleDevice(rng);
  const uint32_t browser = catalog_.SampleBrowser(device, rng);
  const bool returning = rng.Chance(kReturningShare);
  // How likely this user is to buy, relative to the average user.
  const double propensity = std::clamp(std::exp(0.6 * rng.Normal()), 0.2, 5.0);

  auto n = static_cast<size_t>(rows);
  session_ids_.resize(n);
  events_.resize(n);
  urls_.resize(n);
  products_.resize(n);
  prices_.resize(n);
  countries_.resize(n);
  devices_.resize(n);
  browsers_.resize(n);
  PlanSessions(rows, rng);
  PlaceTimestamps(rows, rng);
  ChooseEvents(returning, propensity, country, device, browser, rng);
  Emit(user, rows, returning, batch);
}

void EventGenerator::Emit(const UserRef& user, int64_t rows, bool returning,
                          EventBatch* batch) const {
  std::vector<ColumnVector>& cols = batch->columns_;
  const auto n = static_cast<size_t>(rows);
  const int64_t base = cols[0].size;

  std::fill_n(GrowFixed<int64_t>(cols[kUserIdColumn], rows), n, user.id);
  std::memcpy(GrowFixed<int64_t>(cols[kTsColumn], rows), ts_.data(), n * 8);
  std::memcpy(GrowFixed<int64_t>(cols[kSessionIdColumn], rows), session_ids_.data(), n * 8);
  std::fill_n(GrowFixed<uint8_t>(cols[kIsReturningColumn], rows), n, returning ? 1 : 0);

  auto same = [](auto code) { return static_cast<uint32_t>(code); };
  const Catalog& cat = catalog_;
  AppendStrings(cols[kEventTypeColumn], cat.event_types(), events_.data(), rows,
                max_lengths_.event_type, same);
  AppendStrings(cols[kUrlColumn], cat.urls(), urls_.data(), rows, max_lengths_.url, same);
  AppendStrings(cols[kBrowserColumn], cat.browsers(), browsers_.data(), rows, max_lengths_.browser,
                same);
  AppendStrings(cols[kCountryColumn], cat.countries(), countries_.data(), rows,
                max_lengths_.country, same);
  AppendStrings(cols[kDeviceColumn], cat.devices(), devices_.data(), rows, max_lengths_.device,
                same);

  // product_sku and price share their nulls. A null string is an empty slot, a null double a
  // zero slot.
  ColumnVector& sku = cols[kProductSkuColumn];
  ColumnVector& price = cols[kPriceColumn];
  uint64_t* sku_bits = GrowValidity(sku, rows);
  uint64_t* price_bits = GrowValidity(price, rows);
  double* prices = GrowFixed<double>(price, rows);
  int64_t nulls = 0;
  for (size_t i = 0; i < n; ++i) {
    auto row = static_cast<uint64_t>(base) + i;
    if (products_[i] >= 0) {
      sku_bits[row >> 6] |= uint64_t{1} << (row & 63);
      price_bits[row >> 6] |= uint64_t{1} << (row & 63);
      prices[i] = prices_[i];
    } else {
      prices[i] = 0;
      ++nulls;
    }
  }
  // Null slots take no bytes.
  sku.offsets.Resize((static_cast<size_t>(base) + 1 + n) * 4);
  uint32_t* offsets = sku.offsets.as<uint32_t>() + base;
  size_t pos = sku.bytes.size();
  sku.bytes.Resize(pos + n * max_lengths_.sku);
  char* out = reinterpret_cast<char*>(sku.bytes.data());
  for (size_t i = 0; i < n; ++i) {
    if (products_[i] >= 0) {
      std::string_view s = cat.skus().Get(cat.product(static_cast<uint32_t>(products_[i])).sku);
      std::memcpy(out + pos, s.data(), s.size());
      pos += s.size();
    }
    offsets[i + 1] = static_cast<uint32_t>(pos);
  }
  sku.bytes.Resize(pos);
  sku.null_count += nulls;
  price.null_count += nulls;
  for (ColumnVector& v : cols) v.size = base + rows;
}

}  // namespace frocket::datagen
