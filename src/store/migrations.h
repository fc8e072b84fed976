// Numbered schema migrations, embedded from migrations/<dialect>/NNNN_name.sql at build time.
#pragma once
#include <string>
#include <vector>

#include "store/db.h"

namespace pomost::store {

struct Migration {
  std::string name;  // "0001_init"
  std::string sql;   // one or more statements
};

const std::vector<Migration>& embedded_migrations(Dialect d);

}  // namespace pomost::store
