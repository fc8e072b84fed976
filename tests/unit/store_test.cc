#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "test_util.h"

namespace pomost::store {
namespace {

using pomost::testing::TempDir;

Status insert_org(Tx& tx, const std::string& id) {
  return tx.exec("INSERT INTO organizations (id, name, created_at) VALUES (?, 'x', 0)", {id}).status();
}

int64_t count_orgs(Store& s) {
  int64_t n = -1;
  EXPECT_TRUE(s.read([&](Tx& tx) -> Status {
                 ASSIGN_OR_RETURN(auto r, tx.query_one("SELECT count(*) FROM organizations"));
                 n = r->i64(0);
                 return Status::Ok();
               }).ok());
  return n;
}

TEST(SqliteStore, MigratesOnceAndIsStrict) {
  TempDir dir;
  auto s = pomost::testing::open_store(dir.file("db.sqlite"));
  auto again = s->migrate();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  // STRICT tables refuse a text where an integer belongs.
  Status st = s->write_sync([](Tx& tx) {
    return tx.exec("INSERT INTO organizations (id, name, created_at) VALUES ('o', 'x', 'not a number')").status();
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(count_orgs(*s), 0);
}

TEST(SqliteStore, ABadJobInABatchRollsBackOnlyItself) {
  TempDir dir;
  auto s = pomost::testing::open_store(dir.file("db.sqlite"));
  // Hold the writer busy so that the next jobs queue up and commit as one batch.
  std::promise<void> release;
  auto gate = release.get_future().share();
  std::promise<Status> first_done;
  s->submit({[gate](Tx& tx) {
               gate.wait();
               return insert_org(tx, "first");
             },
             [&](const Status& st) {
               first_done.set_value(st);
             }});
  std::vector<std::promise<Status>> results(5);
  for (int i = 0; i < 5; ++i) {
    s->submit({[i](Tx& tx) -> Status {
                 if (i == 2) {
                   RETURN_IF_ERROR(insert_org(tx, "partial"));  // written, then rolled back with its job
                   return Status(Code::invalid, "bad request");
                 }
                 if (i == 3) return insert_org(tx, "first");  // unique violation
                 return insert_org(tx, "ok" + std::to_string(i));
               },
               [&results, i](const Status& st) {
                 results[i].set_value(st);
               }});
  }
  release.set_value();
  EXPECT_TRUE(first_done.get_future().get().ok());
  std::vector<Status> got;
  for (auto& r : results) got.push_back(r.get_future().get());
  EXPECT_TRUE(got[0].ok());
  EXPECT_TRUE(got[1].ok());
  EXPECT_EQ(got[2].code(), Code::invalid);
  EXPECT_EQ(got[3].code(), Code::conflict);
  EXPECT_TRUE(got[4].ok());
  EXPECT_EQ(count_orgs(*s), 4);  // first, ok0, ok1, ok4
  bool partial = true;
  ASSERT_TRUE(s->read([&](Tx& tx) -> Status {
                 ASSIGN_OR_RETURN(auto r, tx.query_one("SELECT 1 FROM organizations WHERE id = 'partial'"));
                 partial = r.has_value();
                 return Status::Ok();
               }).ok());
  EXPECT_FALSE(partial);
}

TEST(SqliteStore, ConcurrentWritersAreGroupCommittedAndAllDurable) {
  TempDir dir;
  const std::string path = dir.file("db.sqlite");
  size_t max_batch = 0;
  {
    auto s = pomost::testing::open_store(path);
    s->set_batch_observer([&](size_t n, double) { max_batch = std::max(max_batch, n); });
    std::vector<std::thread> threads;
    std::atomic<int> acknowledged{0};
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 50; ++i) {
          Status st =
              s->write_sync([&](Tx& tx) { return insert_org(tx, "t" + std::to_string(t) + "-" + std::to_string(i)); });
          if (st.ok()) ++acknowledged;
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(acknowledged, 400);
    s->close();
  }
  auto reopened = pomost::testing::open_store(path);
  EXPECT_EQ(count_orgs(*reopened), 400);
  EXPECT_GT(max_batch, 1u);  // eight writers at once must have shared commits
}

TEST(SqliteStore, BackupIsAConsistentCopy) {
  TempDir dir;
  auto s = pomost::testing::open_store(dir.file("db.sqlite"));
  ASSERT_TRUE(s->write_sync([](Tx& tx) { return insert_org(tx, "a"); }).ok());
  ASSERT_TRUE(s->backup(dir.file("copy.sqlite")).ok());
  auto copy = pomost::testing::open_store(dir.file("copy.sqlite"));
  EXPECT_EQ(count_orgs(*copy), 1);
}

TEST(SqliteStore, ParameterCountMismatchIsAnError) {
  TempDir dir;
  auto s = pomost::testing::open_store(dir.file("db.sqlite"));
  Status st = s->read([](Tx& tx) { return tx.query("SELECT ?", {}).status(); });
  EXPECT_EQ(st.code(), Code::internal);
}

}  // namespace
}  // namespace pomost::store
