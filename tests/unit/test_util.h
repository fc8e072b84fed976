// Helpers for unit tests that need a real SQLite store in a temporary directory.
#pragma once
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "store/sqlite/sqlite_store.h"

namespace pomost::testing {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("pomost-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline std::unique_ptr<store::Store> open_store(const std::string& path) {
  store::StoreOptions o;
  o.path = path;
  auto s = store::open_sqlite(o);
  EXPECT_TRUE(s.ok()) << s.status().message();
  auto m = (*s)->migrate();
  EXPECT_TRUE(m.ok()) << m.status().message();
  return std::move(*s);
}

}  // namespace pomost::testing
