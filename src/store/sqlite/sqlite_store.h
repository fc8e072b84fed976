// SQLite behind the Store interface: WAL, synchronous=FULL, foreign keys on, STRICT tables,
// prepared statements cached per connection, one group-committing writer thread.
#pragma once
#include <memory>

#include "store/db.h"

namespace pomost::store {

Result<std::unique_ptr<Store>> open_sqlite(const StoreOptions& options);

}  // namespace pomost::store
