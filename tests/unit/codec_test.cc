#include "parquet/codec/codec.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <gtest/gtest.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lz4hc.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/error.h"

namespace frocket::parquet {
namespace {

using Bytes = std::vector<uint8_t>;

// Codecs the writer can produce; every one of them must read back what it wrote.
constexpr Codec kWritableCodecs[] = {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip,
                                     Codec::kZstd,         Codec::kLz4Raw, Codec::kBrotli};

const char* Name(Codec codec) {
  switch (codec) {
    case Codec::kUncompressed:
      return "UNCOMPRESSED";
    case Codec::kSnappy:
      return "SNAPPY";
    case Codec::kGzip:
      return "GZIP";
    case Codec::kLzo:
      return "LZO";
    case Codec::kBrotli:
      return "BROTLI";
    case Codec::kLz4:
      return "LZ4";
    case Codec::kZstd:
      return "ZSTD";
    case Codec::kLz4Raw:
      return "LZ4_RAW";
  }
  return "?";
}

Bytes FromString(std::string_view s) { return Bytes(s.begin(), s.end()); }

std::string ToString(const Bytes& b) { return std::string(b.begin(), b.end()); }

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes out(n);
  for (uint8_t& b : out) b = static_cast<uint8_t>(rng());
  return out;
}

// Log-like text: compresses well with every codec, but is not a single repeated byte.
Bytes RepetitiveText(size_t n) {
  static constexpr std::string_view kWords[] = {"user",     "session", "click", "view",
                                                "purchase", "search",  "logout"};
  std::string s;
  for (uint32_t i = 0; s.size() < n; ++i) {
    s += kWords[i % 7];
    s += ' ';
    s += std::to_string(i % 97);
    s += '\n';
  }
  s.resize(n);
  return FromString(s);
}

// One MiB alternating 4 KiB of text and 4 KiB of noise, so that every codec sees both stored
// and compressed stretches and multi-block paths.
Bytes MixedMebibyte() {
  Bytes out;
  for (uint32_t i = 0; out.size() < (1u << 20); ++i) {
    Bytes part = (i % 2 == 0) ? RepetitiveText(4096) : RandomBytes(4096, i);
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

Bytes Compressed(Codec codec, const Bytes& input, int level = 0) {
  Buffer out;
  Compress(codec, level, input.data(), input.size(), &out);
  return Bytes(out.data(), out.data() + out.size());
}

struct Outcome {
  bool ok = false;
  Bytes data;  // when ok
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;  // when not ok
};

constexpr size_t kGuardSize = 64;
constexpr uint8_t kGuardByte = 0xA5;

// Runs Decompress twice: into an exact-size heap block from an exact-size copy of the input, so
// ASan reports any out-of-bounds access, and into a buffer followed by guard bytes, so writes
// past dst_size are caught without ASan too. Only frocket::Error may escape Decompress; anything
// else fails the test through gtest's exception handling.
Outcome RunDecompress(Codec codec, const Bytes& src, size_t dst_size) {
  const Bytes input(src.begin(), src.end());
  Outcome outcome;
  auto exact = std::make_unique<uint8_t[]>(dst_size);
  try {
    Decompress(codec, input.data(), input.size(), exact.get(), dst_size);
    outcome.ok = true;
    outcome.data.assign(exact.get(), exact.get() + dst_size);
  } catch (const Error& e) {
    outcome.kind = e.kind();
    outcome.message = e.what();
  }

  Bytes guarded(dst_size + kGuardSize, kGuardByte);
  bool guarded_ok = true;
  try {
    Decompress(codec, input.data(), input.size(), guarded.data(), dst_size);
  } catch (const Error&) {
    guarded_ok = false;
  }
  EXPECT_EQ(guarded_ok, outcome.ok) << Name(codec) << " gave different results on two runs";
  for (size_t i = dst_size; i < guarded.size(); ++i) {
    if (guarded[i] != kGuardByte) {
      ADD_FAILURE() << Name(codec) << " wrote past dst + dst_size at offset " << i;
      break;
    }
  }
  if (outcome.ok && guarded_ok) {
    EXPECT_TRUE(std::equal(outcome.data.begin(), outcome.data.end(), guarded.begin()));
  }
  return outcome;
}

Bytes MustDecompress(Codec codec, const Bytes& src, size_t dst_size) {
  Outcome outcome = RunDecompress(codec, src, dst_size);
  EXPECT_TRUE(outcome.ok) << Name(codec) << ": " << outcome.message;
  return outcome.data;
}

// Expects a corrupt-file error whose message names the codec and contains `detail`.
void ExpectCorrupt(Codec codec, const Bytes& src, size_t dst_size, std::string_view detail = "") {
  Outcome outcome = RunDecompress(codec, src, dst_size);
  ASSERT_FALSE(outcome.ok) << Name(codec) << " accepted " << src.size() << " bytes as a page of "
                           << dst_size;
  EXPECT_EQ(outcome.kind, ErrorKind::kCorruptFile) << outcome.message;
  EXPECT_EQ(outcome.message.rfind(std::string(Name(codec)) + ": ", 0), 0u) << outcome.message;
  EXPECT_NE(outcome.message.find(detail), std::string::npos)
      << "'" << outcome.message << "' lacks '" << detail << "'";
}

template <typename Fn>
void ExpectErrorKind(Fn fn, ErrorKind kind, std::string_view message) {
  try {
    fn();
    ADD_FAILURE() << "no error, expected '" << message << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_EQ(std::string(e.what()), message);
  }
}

void PutBigEndian32(Bytes* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<uint8_t>(v >> shift));
}

// ---------------------------------------------------------------------------------------------
// Round trips through our own Compress and Decompress.

enum class Input { kEmpty, kOneByte, kRandom, kText, kMebibyte };

Bytes MakeInput(Input input) {
  switch (input) {
    case Input::kEmpty:
      return {};
    case Input::kOneByte:
      return {0x7f};
    case Input::kRandom:
      return RandomBytes(10007, 1);
    case Input::kText:
      return RepetitiveText(65536);
    case Input::kMebibyte:
      return MixedMebibyte();
  }
  return {};
}

const char* InputName(Input input) {
  switch (input) {
    case Input::kEmpty:
      return "Empty";
    case Input::kOneByte:
      return "OneByte";
    case Input::kRandom:
      return "Random";
    case Input::kText:
      return "Text";
    case Input::kMebibyte:
      return "Mebibyte";
  }
  return "?";
}

class CodecRoundTrip : public testing::TestWithParam<std::tuple<Codec, Input>> {};

TEST_P(CodecRoundTrip, DecompressesWhatItCompressed) {
  auto [codec, kind] = GetParam();
  Bytes input = MakeInput(kind);
  Bytes compressed = Compressed(codec, input);
  Bytes output = MustDecompress(codec, compressed, input.size());
  EXPECT_TRUE(output == input);
  if (kind == Input::kText && codec != Codec::kUncompressed) {
    // Each of these codecs shrinks such text at least fourfold; a smaller gain means the data
    // was stored rather than compressed.
    EXPECT_LT(compressed.size(), input.size() / 4) << Name(codec);
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, CodecRoundTrip,
                         testing::Combine(testing::ValuesIn(kWritableCodecs),
                                          testing::Values(Input::kEmpty, Input::kOneByte,
                                                          Input::kRandom, Input::kText,
                                                          Input::kMebibyte)),
                         [](const testing::TestParamInfo<std::tuple<Codec, Input>>& info) {
                           std::string name = Name(std::get<0>(info.param));
                           name.erase(std::remove(name.begin(), name.end(), '_'), name.end());
                           return name + InputName(std::get<1>(info.param));
                         });

TEST(CodecCompress, LevelsRoundTripAndHigherLevelsAreNotLarger) {
  Bytes input = RepetitiveText(200000);
  struct Case {
    Codec codec;
    int low;
    int high;
  };
  for (Case c :
       {Case{Codec::kGzip, 1, 9}, Case{Codec::kZstd, -5, 19}, Case{Codec::kBrotli, 1, 11}}) {
    Bytes low = Compressed(c.codec, input, c.low);
    Bytes high = Compressed(c.codec, input, c.high);
    EXPECT_TRUE(MustDecompress(c.codec, low, input.size()) == input) << Name(c.codec);
    EXPECT_TRUE(MustDecompress(c.codec, high, input.size()) == input) << Name(c.codec);
    EXPECT_LE(high.size(), low.size()) << Name(c.codec);
  }
}

TEST(CodecCompress, GzipWritesAGzipHeader) {
  // RFC 1952: ID1 0x1f, ID2 0x8b, CM 8 (deflate).
  Bytes out = Compressed(Codec::kGzip, RepetitiveText(100));
  ASSERT_GE(out.size(), 18u);
  EXPECT_EQ(out[0], 0x1f);
  EXPECT_EQ(out[1], 0x8b);
  EXPECT_EQ(out[2], 8);
}

TEST(CodecCompress, ZstdDefaultLevelIsThree) {
  Bytes input = RepetitiveText(100000);
  EXPECT_TRUE(Compressed(Codec::kZstd, input, 0) == Compressed(Codec::kZstd, input, 3));
  size_t n = ZSTD_compressBound(input.size());
  Bytes reference(n);
  reference.resize(ZSTD_compress(reference.data(), n, input.data(), input.size(), 3));
  EXPECT_TRUE(Compressed(Codec::kZstd, input, 0) == reference);
}

TEST(CodecCompress, ReplacesPreviousContents) {
  Bytes input = RepetitiveText(5000);
  for (Codec codec : kWritableCodecs) {
    Buffer out;
    out.Append("stale bytes that must disappear", 31);
    Compress(codec, 0, input.data(), input.size(), &out);
    Bytes compressed(out.data(), out.data() + out.size());
    EXPECT_TRUE(MustDecompress(codec, compressed, input.size()) == input) << Name(codec);
  }
}

TEST(CodecCompress, RejectsOutOfRangeLevels) {
  Bytes input = RepetitiveText(10);
  Buffer out;
  ExpectErrorKind([&] { Compress(Codec::kGzip, 10, input.data(), input.size(), &out); },
                  ErrorKind::kInvalidArgument,
                  "GZIP: compression level must be between 1 and 9, got 10");
  ExpectErrorKind([&] { Compress(Codec::kGzip, -1, input.data(), input.size(), &out); },
                  ErrorKind::kInvalidArgument,
                  "GZIP: compression level must be between 1 and 9, got -1");
  ExpectErrorKind([&] { Compress(Codec::kBrotli, 12, input.data(), input.size(), &out); },
                  ErrorKind::kInvalidArgument,
                  "BROTLI: compression level must be between 1 and 11, got 12");
  ExpectErrorKind([&] { Compress(Codec::kZstd, 23, input.data(), input.size(), &out); },
                  ErrorKind::kInvalidArgument,
                  "ZSTD: compression level must be between -131072 and 22, got 23");
}

TEST(CodecCompress, UnsupportedCodecs) {
  Bytes input = RepetitiveText(10);
  Buffer out;
  for (Codec codec : {Codec::kLzo, Codec::kLz4}) {
    try {
      Compress(codec, 0, input.data(), input.size(), &out);
      ADD_FAILURE() << Name(codec) << " compressed";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kNotSupported);
      EXPECT_NE(std::string(e.what()).find(Name(codec)), std::string::npos) << e.what();
    }
  }
  ExpectErrorKind([&] { Compress(static_cast<Codec>(9), 0, input.data(), input.size(), &out); },
                  ErrorKind::kNotSupported, "unsupported codec 9");
}

// ---------------------------------------------------------------------------------------------
// Data produced by each library's own API, or by hand from the format specifications.

TEST(CodecSnappy, HandBuiltLiteralAndCopy) {
  // Varint length 5; literal tag (5 - 1) << 2.
  EXPECT_EQ(ToString(MustDecompress(Codec::kSnappy, {0x05, 0x10, 'h', 'e', 'l', 'l', 'o'}, 5)),
            "hello");
  // Varint length 9; literal "abc" (tag 2 << 2); 1-byte-offset copy of length 6 at offset 3
  // (tag 0b01 | (6 - 4) << 2, then the offset).
  EXPECT_EQ(ToString(MustDecompress(Codec::kSnappy, {0x09, 0x08, 'a', 'b', 'c', 0x09, 0x03}, 9)),
            "abcabcabc");
}

TEST(CodecSnappy, LibraryOutput) {
  Bytes input = MixedMebibyte();
  std::string compressed;
  snappy::Compress(reinterpret_cast<const char*>(input.data()), input.size(), &compressed);
  EXPECT_TRUE(MustDecompress(Codec::kSnappy, FromString(compressed), input.size()) == input);
}

TEST(CodecSnappy, LengthPrefixMustMatch) {
  ExpectCorrupt(Codec::kSnappy, {0x05, 0x10, 'h', 'e', 'l', 'l', 'o'}, 6,
                "data announces 5 uncompressed bytes, expected 6");
  // The prefix is right but the tags produce only 5 of the 6 bytes.
  ExpectCorrupt(Codec::kSnappy, {0x06, 0x10, 'h', 'e', 'l', 'l', 'o'}, 6, "malformed");
  // An unterminated varint.
  ExpectCorrupt(Codec::kSnappy, {0xff, 0xff}, 6, "invalid uncompressed length");
}

Bytes GzipMember(const Bytes& data) {
  z_stream s{};
  EXPECT_EQ(deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  Bytes out(deflateBound(&s, data.size()));
  s.next_in = const_cast<Bytef*>(data.data());
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

// RFC 1952 member holding "hello" in a stored (uncompressed) deflate block.
Bytes HandBuiltGzipHello() {
  return {0x1f, 0x8b, 0x08, 0x00,                               // magic, deflate, no flags
          0x00, 0x00, 0x00, 0x00,                               // mtime
          0x00, 0xff,                                           // extra flags, OS unknown
          0x01,                                                 // final block, stored
          0x05, 0x00, 0xfa, 0xff,                               // LEN 5, NLEN ~5
          'h',  'e',  'l',  'l',  'o', 0x86, 0xa6, 0x10, 0x36,  // CRC-32 of "hello" (0x3610a686)
          0x05, 0x00, 0x00, 0x00};                              // ISIZE
}

TEST(CodecGzip, HandBuiltStoredMember) {
  EXPECT_EQ(ToString(MustDecompress(Codec::kGzip, HandBuiltGzipHello(), 5)), "hello");
  ExpectCorrupt(Codec::kGzip, HandBuiltGzipHello(), 6, "GZIP: decompressed 5 bytes, expected 6");
  ExpectCorrupt(Codec::kGzip, HandBuiltGzipHello(), 4, "more than the expected 4 bytes");
  Bytes bad_crc = HandBuiltGzipHello();
  bad_crc[20] ^= 1;
  ExpectCorrupt(Codec::kGzip, bad_crc, 5, "invalid data");
}

TEST(CodecGzip, ConcatenatedMembersComeOutConcatenated) {
  Bytes first = RepetitiveText(70000);
  Bytes second = RandomBytes(3000, 7);
  Bytes stream =
      Concat({GzipMember(first), GzipMember({}), GzipMember(second), HandBuiltGzipHello()});
  Bytes expected = Concat({first, second, FromString("hello")});
  EXPECT_TRUE(MustDecompress(Codec::kGzip, stream, expected.size()) == expected);
  // The first member alone is not the whole page.
  ExpectCorrupt(Codec::kGzip, stream, first.size(), "more than the expected");
}

TEST(CodecGzip, ZlibStream) {
  Bytes input = RepetitiveText(30000);
  uLongf n = compressBound(input.size());
  Bytes compressed(n);
  ASSERT_EQ(compress2(compressed.data(), &n, input.data(), input.size(), 9), Z_OK);
  compressed.resize(n);
  EXPECT_TRUE(MustDecompress(Codec::kGzip, compressed, input.size()) == input);
}

TEST(CodecGzip, TrailingGarbageAfterMember) {
  Bytes stream = Concat({HandBuiltGzipHello(), {0, 0, 0, 0}});
  ExpectCorrupt(Codec::kGzip, stream, 5);
}

Bytes ZstdFrame(const Bytes& data) {
  Bytes out(ZSTD_compressBound(data.size()));
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 1);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

TEST(CodecZstd, ConcatenatedAndSkippableFrames) {
  Bytes first = RepetitiveText(50000);
  Bytes second = RandomBytes(1000, 3);
  // A skippable frame: magic 0x184D2A50 little-endian, 4-byte payload size, payload.
  Bytes skippable = {0x50, 0x2a, 0x4d, 0x18, 0x04, 0x00, 0x00, 0x00, 'x', 'x', 'x', 'x'};
  Bytes stream = Concat({ZstdFrame(first), ZstdFrame({}), skippable, ZstdFrame(second)});
  Bytes expected = Concat({first, second});
  EXPECT_TRUE(MustDecompress(Codec::kZstd, stream, expected.size()) == expected);
}

TEST(CodecZstd, NonEmptyFrameOfNothing) {
  Bytes frame = ZstdFrame({});
  ASSERT_FALSE(frame.empty());
  EXPECT_TRUE(MustDecompress(Codec::kZstd, frame, 0).empty());
  Decompress(Codec::kZstd, frame.data(), frame.size(), nullptr, 0);
  ExpectCorrupt(Codec::kZstd, frame, 1, "ZSTD: decompressed 0 bytes, expected 1");
}

TEST(CodecZstd, StreamedFrameWithoutContentSize) {
  Bytes input = MixedMebibyte();
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  Bytes out(ZSTD_compressBound(input.size()) + 1024);
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  ZSTD_outBuffer o{out.data(), out.size(), 0};
  // Handing the input over before announcing the end keeps the content size out of the header.
  ASSERT_FALSE(ZSTD_isError(ZSTD_compressStream2(cctx, &o, &in, ZSTD_e_continue)));
  size_t left;
  do {
    left = ZSTD_compressStream2(cctx, &o, &in, ZSTD_e_end);
    ASSERT_FALSE(ZSTD_isError(left));
  } while (left != 0);
  ZSTD_freeCCtx(cctx);
  out.resize(o.pos);
  ASSERT_EQ(ZSTD_getFrameContentSize(out.data(), out.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  EXPECT_TRUE(MustDecompress(Codec::kZstd, out, input.size()) == input);
  ExpectCorrupt(Codec::kZstd, out, input.size() - 1, "more than the expected");
  ExpectCorrupt(Codec::kZstd, out, input.size() + 1, "expected");
}

TEST(CodecZstd, SizeMismatchMessages) {
  Bytes frame = ZstdFrame(FromString("hello"));
  ExpectCorrupt(Codec::kZstd, frame, 6, "ZSTD: decompressed 5 bytes, expected 6");
  ExpectCorrupt(Codec::kZstd, frame, 4, "ZSTD: data inflates to more than the expected 4 bytes");
}

// Raw LZ4 blocks built from the block format description: a token (literal length << 4 |
// match length - 4), literals, a little-endian 2-byte offset; the last sequence is literals only.
const Bytes kLz4Hello = {0x50, 'h', 'e', 'l', 'l', 'o'};
const Bytes kLz4AbcHello = {0x35, 'a', 'b', 'c', 0x03, 0x00, 0x50, 'h', 'e', 'l', 'l', 'o'};

TEST(CodecLz4Raw, HandBuiltBlocks) {
  EXPECT_EQ(ToString(MustDecompress(Codec::kLz4Raw, kLz4Hello, 5)), "hello");
  EXPECT_EQ(ToString(MustDecompress(Codec::kLz4Raw, kLz4AbcHello, 17)), "abcabcabcabchello");
  ExpectCorrupt(Codec::kLz4Raw, kLz4Hello, 6, "LZ4_RAW: decompressed 5 bytes, expected 6");
  ExpectCorrupt(Codec::kLz4Raw, kLz4AbcHello, 16);
}

TEST(CodecLz4Raw, HighCompressionOutput) {
  Bytes input = MixedMebibyte();
  Bytes out(LZ4_compressBound(static_cast<int>(input.size())));
  int n = LZ4_compress_HC(reinterpret_cast<const char*>(input.data()),
                          reinterpret_cast<char*>(out.data()), static_cast<int>(input.size()),
                          static_cast<int>(out.size()), 9);
  ASSERT_GT(n, 0);
  out.resize(n);
  EXPECT_TRUE(MustDecompress(Codec::kLz4Raw, out, input.size()) == input);
}

Bytes Lz4Block(const Bytes& data) {
  Bytes out(LZ4_compressBound(static_cast<int>(data.size())));
  int n = LZ4_compress_default(reinterpret_cast<const char*>(data.data()),
                               reinterpret_cast<char*>(out.data()), static_cast<int>(data.size()),
                               static_cast<int>(out.size()));
  EXPECT_GT(n, 0);
  out.resize(n);
  return out;
}

Bytes HadoopFramed(std::initializer_list<Bytes> blocks) {
  Bytes out;
  for (const Bytes& data : blocks) {
    Bytes block = Lz4Block(data);
    PutBigEndian32(&out, static_cast<uint32_t>(data.size()));
    PutBigEndian32(&out, static_cast<uint32_t>(block.size()));
    out.insert(out.end(), block.begin(), block.end());
  }
  return out;
}

TEST(CodecLz4Hadoop, HandBuiltSingleBlock) {
  Bytes framed = {0, 0, 0, 5, 0, 0, 0, 6};
  framed.insert(framed.end(), kLz4Hello.begin(), kLz4Hello.end());
  EXPECT_EQ(ToString(MustDecompress(Codec::kLz4, framed, 5)), "hello");
}

TEST(CodecLz4Hadoop, TwoBlocks) {
  Bytes first = RepetitiveText(40000);
  Bytes second = RandomBytes(5000, 11);
  Bytes framed = HadoopFramed({first, second});
  Bytes expected = Concat({first, second});
  EXPECT_TRUE(MustDecompress(Codec::kLz4, framed, expected.size()) == expected);
  ExpectCorrupt(Codec::kLz4, framed, expected.size() - 1);
  ExpectCorrupt(Codec::kLz4, framed, expected.size() + 1);
  // A second block cut short makes the framing fail and every fallback too.
  framed.resize(framed.size() - 1);
  ExpectCorrupt(Codec::kLz4, framed, expected.size());
}

TEST(CodecLz4Hadoop, BogusLengthsFallThroughToAnError) {
  Bytes framed = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf0};
  framed.insert(framed.end(), kLz4Hello.begin(), kLz4Hello.end());
  ExpectCorrupt(Codec::kLz4, framed, 5, "neither");
  ExpectCorrupt(Codec::kLz4, framed, 100000);
}

TEST(CodecLz4Hadoop, RawBlockFallback) {
  EXPECT_EQ(ToString(MustDecompress(Codec::kLz4, kLz4Hello, 5)), "hello");
  EXPECT_EQ(ToString(MustDecompress(Codec::kLz4, kLz4AbcHello, 17)), "abcabcabcabchello");
  Bytes input = MixedMebibyte();
  EXPECT_TRUE(MustDecompress(Codec::kLz4, Lz4Block(input), input.size()) == input);
  ExpectCorrupt(Codec::kLz4, Lz4Block(input), input.size() - 1);
}

Bytes Lz4Frame(const Bytes& data) {
  LZ4F_preferences_t prefs;
  std::memset(&prefs, 0, sizeof(prefs));
  prefs.frameInfo.blockSizeID = LZ4F_max64KB;  // several blocks for larger inputs
  prefs.frameInfo.blockMode = LZ4F_blockLinked;
  prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
  Bytes out(LZ4F_compressFrameBound(data.size(), &prefs));
  size_t n = LZ4F_compressFrame(out.data(), out.size(), data.data(), data.size(), &prefs);
  EXPECT_FALSE(LZ4F_isError(n));
  out.resize(n);
  return out;
}

TEST(CodecLz4Hadoop, FrameFallback) {
  Bytes input = MixedMebibyte();
  Bytes frame = Lz4Frame(input);
  EXPECT_TRUE(MustDecompress(Codec::kLz4, frame, input.size()) == input);
  Bytes second = RepetitiveText(1000);
  Bytes two = Concat({frame, Lz4Frame(second)});
  Bytes expected = Concat({input, second});
  EXPECT_TRUE(MustDecompress(Codec::kLz4, two, expected.size()) == expected);

  ExpectCorrupt(Codec::kLz4, frame, input.size() - 1, "invalid LZ4 frame");
  ExpectCorrupt(Codec::kLz4, frame, input.size() + 1, "invalid LZ4 frame");
  Bytes cut(frame.begin(), frame.end() - 3);
  ExpectCorrupt(Codec::kLz4, cut, input.size(), "invalid LZ4 frame");
  Bytes damaged = frame;
  damaged[damaged.size() / 2] ^= 0x40;
  ExpectCorrupt(Codec::kLz4, damaged, input.size(), "invalid LZ4 frame");
}

Bytes BrotliStream(const Bytes& data, int quality, int window_bits) {
  BrotliEncoderState* s = BrotliEncoderCreateInstance(nullptr, nullptr, nullptr);
  BrotliEncoderSetParameter(s, BROTLI_PARAM_QUALITY, quality);
  BrotliEncoderSetParameter(s, BROTLI_PARAM_LGWIN, window_bits);
  Bytes out;
  size_t avail_in = data.size();
  const uint8_t* next_in = data.data();
  uint8_t chunk[4096];
  for (;;) {
    size_t avail_out = sizeof(chunk);
    uint8_t* next_out = chunk;
    EXPECT_TRUE(BrotliEncoderCompressStream(s, BROTLI_OPERATION_FINISH, &avail_in, &next_in,
                                            &avail_out, &next_out, nullptr));
    out.insert(out.end(), chunk, next_out);
    if (BrotliEncoderIsFinished(s)) break;
  }
  BrotliEncoderDestroyInstance(s);
  return out;
}

TEST(CodecBrotli, HandBuiltStreams) {
  // RFC 7932: WBITS 16 (bit 0), ISLAST 1, ISLASTEMPTY 1.
  EXPECT_TRUE(MustDecompress(Codec::kBrotli, {0x06}, 0).empty());
  ExpectCorrupt(Codec::kBrotli, {0x06}, 1, "BROTLI: decompressed 0 bytes, expected 1");
  // WBITS 16, ISLAST 0, MNIBBLES 4, MLEN - 1 = 4, ISUNCOMPRESSED 1, padding, "hello", then a
  // last empty meta-block (ISLAST 1, ISLASTEMPTY 1).
  Bytes hello = {0x40, 0x00, 0x10, 'h', 'e', 'l', 'l', 'o', 0x03};
  EXPECT_EQ(ToString(MustDecompress(Codec::kBrotli, hello, 5)), "hello");
  ExpectCorrupt(Codec::kBrotli, hello, 4, "more than the expected 4 bytes");
  ExpectCorrupt(Codec::kBrotli, hello, 6, "decompressed 5 bytes, expected 6");
  Bytes trailing = Concat({hello, {0x00}});
  ExpectCorrupt(Codec::kBrotli, trailing, 5, "trailing bytes: 1");
}

TEST(CodecBrotli, StreamingEncoderOutput) {
  Bytes input = MixedMebibyte();
  for (int window_bits : {10, 16, 24}) {
    Bytes stream = BrotliStream(input, 5, window_bits);
    EXPECT_TRUE(MustDecompress(Codec::kBrotli, stream, input.size()) == input) << window_bits;
  }
}

// ---------------------------------------------------------------------------------------------
// Errors common to every codec.

TEST(CodecErrors, UnsupportedCodecMessages) {
  uint8_t dst[4];
  const uint8_t src[4] = {1, 2, 3, 4};
  ExpectErrorKind([&] { Decompress(Codec::kLzo, src, 4, dst, 4); }, ErrorKind::kNotSupported,
                  "unsupported codec LZO");
  ExpectErrorKind([&] { Decompress(static_cast<Codec>(42), src, 4, dst, 4); },
                  ErrorKind::kNotSupported, "unsupported codec 42");
  ExpectErrorKind([&] { Decompress(static_cast<Codec>(-1), src, 4, dst, 4); },
                  ErrorKind::kNotSupported, "unsupported codec -1");
  // Even an empty page of an unsupported codec is refused.
  ExpectErrorKind([&] { Decompress(Codec::kLzo, nullptr, 0, nullptr, 0); },
                  ErrorKind::kNotSupported, "unsupported codec LZO");
}

TEST(CodecErrors, UncompressedSizesMustMatch) {
  Bytes input = FromString("hello");
  EXPECT_EQ(ToString(MustDecompress(Codec::kUncompressed, input, 5)), "hello");
  ExpectCorrupt(Codec::kUncompressed, input, 4, "UNCOMPRESSED: page holds 5 bytes, expected 4");
  ExpectCorrupt(Codec::kUncompressed, input, 6, "UNCOMPRESSED: page holds 5 bytes, expected 6");
}

// Compressed forms of one text for every codec the reader knows, LZ4 in Hadoop framing.
std::vector<std::pair<Codec, Bytes>> CompressedSamples(const Bytes& input) {
  std::vector<std::pair<Codec, Bytes>> samples;
  for (Codec codec : kWritableCodecs) samples.emplace_back(codec, Compressed(codec, input));
  samples.emplace_back(Codec::kLz4, HadoopFramed({input}));
  return samples;
}

TEST(CodecErrors, WrongOutputSize) {
  Bytes input = RepetitiveText(10000);
  for (const auto& [codec, compressed] : CompressedSamples(input)) {
    SCOPED_TRACE(Name(codec));
    for (size_t dst_size : {size_t{0}, size_t{1}, input.size() / 2, input.size() - 1,
                            input.size() + 1, input.size() * 2}) {
      SCOPED_TRACE(dst_size);
      ExpectCorrupt(codec, compressed, dst_size);
    }
  }
}

TEST(CodecErrors, TruncatedInput) {
  Bytes input = RepetitiveText(10000);
  for (const auto& [codec, compressed] : CompressedSamples(input)) {
    if (codec == Codec::kUncompressed) continue;
    SCOPED_TRACE(Name(codec));
    for (size_t keep : {size_t{0}, size_t{1}, compressed.size() / 2, compressed.size() - 1}) {
      SCOPED_TRACE(keep);
      ExpectCorrupt(codec, Bytes(compressed.begin(), compressed.begin() + keep), input.size());
    }
  }
}

TEST(CodecErrors, RandomGarbage) {
  for (Codec codec :
       {Codec::kSnappy, Codec::kGzip, Codec::kZstd, Codec::kLz4Raw, Codec::kLz4, Codec::kBrotli}) {
    SCOPED_TRACE(Name(codec));
    for (uint32_t seed = 0; seed < 20; ++seed) {
      Bytes garbage = RandomBytes(1 + seed * 37, seed);
      ExpectCorrupt(codec, garbage, 1000);
      ExpectCorrupt(codec, garbage, 0);
    }
  }
}

// Flips bytes of valid data at random: decompression may succeed or throw a corrupt-file error,
// but must never crash or touch memory outside its buffers (run under ASan to see the latter).
TEST(CodecErrors, MutatedInputNeverCrashes) {
  Bytes input = Concat({RepetitiveText(6000), RandomBytes(500, 5), RepetitiveText(2000)});
  std::vector<std::pair<Codec, Bytes>> samples = CompressedSamples(input);
  samples.emplace_back(Codec::kLz4, Lz4Frame(input));
  samples.emplace_back(Codec::kLz4, Lz4Block(input));
  std::mt19937 rng(1234);
  for (const auto& [codec, compressed] : samples) {
    if (codec == Codec::kUncompressed) continue;
    SCOPED_TRACE(Name(codec));
    for (int round = 0; round < 300; ++round) {
      Bytes damaged = compressed;
      int flips = 1 + static_cast<int>(rng() % 3);
      for (int i = 0; i < flips; ++i) {
        damaged[rng() % damaged.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
      }
      size_t dst_size = (round % 4 == 0) ? rng() % (2 * input.size()) : input.size();
      Outcome outcome = RunDecompress(codec, damaged, dst_size);
      if (!outcome.ok) {
        EXPECT_EQ(outcome.kind, ErrorKind::kCorruptFile) << outcome.message;
      }
    }
  }
}

TEST(CodecErrors, EmptyPages) {
  for (Codec codec : {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd,
                      Codec::kLz4Raw, Codec::kLz4, Codec::kBrotli}) {
    SCOPED_TRACE(Name(codec));
    // Zero bytes for an empty page are accepted whatever the codec...
    Decompress(codec, nullptr, 0, nullptr, 0);
    // ...but zero bytes cannot hold a non-empty page.
    ExpectCorrupt(codec, {}, 10);
  }
}

TEST(CodecDecompress, ThreadsDoNotShareState) {
  Bytes input = RepetitiveText(300000);
  std::vector<std::pair<Codec, Bytes>> samples = CompressedSamples(input);
  samples.emplace_back(Codec::kLz4, Lz4Frame(input));
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Bytes out(input.size());
      for (int round = 0; round < 5; ++round) {
        for (const auto& [codec, compressed] : samples) {
          try {
            Decompress(codec, compressed.data(), compressed.size(), out.data(), out.size());
            if (out != input) ++failures[t];
          } catch (const Error&) {
            ++failures[t];
          }
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace frocket::parquet
