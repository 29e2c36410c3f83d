// Catalog: the vocabulary of the generated e-commerce site, shared by every user: event types,
// countries, devices, browsers, product categories, products (SKU, price, popularity), search
// terms, and the URL of every page. Built once per dataset from the seed (products, prices and
// popularity depend on it); immutable afterwards, so all generator threads read it at once.
//
// Strings are kept in StringTable form (one byte buffer plus offsets) so that emitting a value
// is one small memcpy.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "datagen/counter_rng.h"

namespace frocket::datagen {

// The event types, in the order of the `event_type` vocabulary.
enum class EventType : uint8_t {
  kPageview,
  kSearch,
  kAddToCart,
  kRemoveFromCart,
  kCheckout,
  kPurchase,
  kLogin,
  kLogout,
  kSignup,
};
inline constexpr int kNumEventTypes = 9;
// The `event_type` value of each EventType ("pageview", "addToCart", ...).
std::string_view EventTypeName(EventType type);

enum class Device : uint8_t { kDesktop, kMobile, kTablet };
inline constexpr int kNumDevices = 3;

// Strings stored back to back; value i is bytes [offsets[i], offsets[i + 1]).
class StringTable {
 public:
  uint32_t Add(std::string_view s);
  std::string_view Get(uint32_t i) const {
    return std::string_view(bytes_).substr(offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  uint32_t size() const { return static_cast<uint32_t>(offsets_.size() - 1); }
  const char* data() const { return bytes_.data(); }
  const uint32_t* offsets() const { return offsets_.data(); }

 private:
  std::string bytes_;
  std::vector<uint32_t> offsets_{0};
};

// Samples index i with probability weights[i] / sum(weights) in O(1) (Walker's alias method).
// The table is built deterministically, so the same weights and random numbers give the same
// samples everywhere.
class AliasTable {
 public:
  AliasTable() = default;
  explicit AliasTable(const std::vector<double>& weights);
  uint32_t Sample(CounterRng& rng) const {
    uint64_t r = rng.Next();
    // The high bits pick the column, the low 32 bits decide between it and its alias.
    auto column = static_cast<uint32_t>((static_cast<unsigned __int128>(r) * size_) >> 64);
    auto coin = static_cast<uint32_t>(r);
    return coin < threshold_[column] ? column : alias_[column];
  }

 private:
  uint64_t size_ = 0;
  std::vector<uint32_t> threshold_;  // P(keep column) scaled to 2^32
  std::vector<uint32_t> alias_;
};

struct Product {
  uint32_t sku;       // index into Catalog::skus()
  uint32_t url;       // index into Catalog::urls(): the product page
  uint32_t category;  // index into the categories
  double price;
};

class Catalog {
 public:
  // Products in the catalog; enough for a realistic long tail while every URL still fits the
  // writer's 64 Ki-entry dictionary limit.
  static constexpr uint32_t kNumProducts = 5000;

  explicit Catalog(uint64_t seed);

  const StringTable& event_types() const { return event_types_; }
  const StringTable& countries() const { return countries_; }
  const StringTable& devices() const { return devices_; }
  const StringTable& browsers() const { return browsers_; }
  const StringTable& skus() const { return skus_; }
  const StringTable& urls() const { return urls_; }

  // Per-user attributes.
  uint32_t SampleCountry(CounterRng& rng) const { return country_table_.Sample(rng); }
  Device SampleDevice(CounterRng& rng) const {
    return static_cast<Device>(device_table_.Sample(rng));
  }
  uint32_t SampleBrowser(Device device, CounterRng& rng) const {
    return browser_tables_[static_cast<int>(device)].Sample(rng);
  }

  // Pages. Product popularity is Zipf-like; a user browsing a category mostly stays in it.
  const Product& SampleProduct(CounterRng& rng) const {
    return products_[product_table_.Sample(rng)];
  }
  const Product& SampleProductIn(uint32_t category, CounterRng& rng) const;
  const Product& product(uint32_t i) const { return products_[i]; }
  uint32_t num_categories() const { return static_cast<uint32_t>(category_urls_.size()); }
  uint32_t SampleCategory(CounterRng& rng) const { return category_table_.Sample(rng); }
  uint32_t category_url(uint32_t category) const { return category_urls_[category]; }
  uint32_t SampleSearchUrl(CounterRng& rng) const {
    return search_urls_[search_table_.Sample(rng)];
  }

  // The URL of the pages that are not about one product or category.
  uint32_t home_url() const { return home_url_; }
  uint32_t cart_url() const { return cart_url_; }
  uint32_t checkout_url() const { return checkout_url_; }
  uint32_t purchase_url() const { return purchase_url_; }
  uint32_t login_url() const { return login_url_; }
  uint32_t logout_url() const { return logout_url_; }
  uint32_t signup_url() const { return signup_url_; }

 private:
  StringTable event_types_, countries_, devices_, browsers_, skus_, urls_;
  AliasTable country_table_, device_table_, browser_tables_[kNumDevices];
  std::vector<Product> products_;
  AliasTable product_table_;
  // Products of each category, and a popularity table over them.
  std::vector<std::vector<uint32_t>> category_products_;
  std::vector<AliasTable> category_product_tables_;
  std::vector<uint32_t> category_urls_;
  AliasTable category_table_;
  std::vector<uint32_t> search_urls_;
  AliasTable search_table_;
  uint32_t home_url_ = 0, cart_url_ = 0, checkout_url_ = 0, purchase_url_ = 0, login_url_ = 0,
           logout_url_ = 0, signup_url_ = 0;
};

}  // namespace frocket::datagen
