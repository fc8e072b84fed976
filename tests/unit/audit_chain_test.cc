#include "audit/chain.h"

#include <gtest/gtest.h>

#include "auth/crypto.h"
#include "test_util.h"

namespace pomost::audit {
namespace {

using pomost::testing::TempDir;

class ChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auth::init_crypto();
    store_ = pomost::testing::open_store(dir_.file("db.sqlite"));
    chain_ = std::make_unique<Chain>(std::string(32, 'k'), dir_.file("anchor"));
    ASSERT_TRUE(
        store_
            ->write_sync([](store::Tx& tx) {
              return tx.exec("INSERT INTO organizations (id, name, created_at) VALUES ('org', 'x', 0)").status();
            })
            .ok());
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(store_
                      ->write_sync([&](store::Tx& tx) {
                        Record r;
                        r.org_id = "org";
                        r.at = from_millis(1000 + i);
                        r.user_id = "usr_" + std::to_string(i);
                        r.action = "patient_read";
                        r.patient_id = "pat_1";
                        r.outcome = "success";
                        return chain_->append(tx, r);
                      })
                      .ok());
    }
    ASSERT_TRUE(chain_->write_anchor(*store_).ok());
  }

  void tamper(const std::string& sql) {
    ASSERT_TRUE(store_->write_sync([&](store::Tx& tx) { return tx.exec(sql).status(); }).ok());
  }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Chain> chain_;
};

TEST_F(ChainTest, IntactChainVerifies) {
  auto r = chain_->verify(*store_);
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.records, 5);
}

TEST_F(ChainTest, ChangedRecordIsNamed) {
  tamper("UPDATE audit_log SET user_id = 'usr_x' WHERE seq = 3");
  auto r = chain_->verify(*store_);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("audit record 3"), std::string::npos) << r.problem;
}

TEST_F(ChainTest, DeletedRecordIsNamed) {
  tamper("DELETE FROM audit_log WHERE seq = 2");
  auto r = chain_->verify(*store_);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("record 2 is missing"), std::string::npos) << r.problem;
}

TEST_F(ChainTest, CutOffTheEndIsDetectedThroughTheAnchor) {
  tamper("DELETE FROM audit_log WHERE seq >= 4");
  auto r = chain_->verify(*store_);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("cut off"), std::string::npos) << r.problem;
}

TEST_F(ChainTest, ARecordForgedWithoutTheKeyIsDetected) {
  // Someone with the database but not the key recomputes nothing that verifies.
  tamper(
      "INSERT INTO audit_log (org_id, seq, at, action, outcome, prev_hash, hash) "
      "SELECT org_id, 6, 2000, 'login', 'success', hash, randomblob(32) FROM audit_log WHERE seq = 5");
  auto r = chain_->verify(*store_);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.problem.find("audit record 6"), std::string::npos) << r.problem;
}

TEST_F(ChainTest, AnotherKeyDoesNotVerify) {
  Chain other(std::string(32, 'x'), dir_.file("anchor"));
  EXPECT_FALSE(other.verify(*store_).ok);
}

}  // namespace
}  // namespace pomost::audit
