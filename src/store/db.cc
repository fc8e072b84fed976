#include "store/db.h"

#include <future>

namespace pomost::store {

int64_t Row::i64(size_t i) const {
  const auto& v = cols_.at(i).get();
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  if (auto p = std::get_if<std::string>(&v)) return std::stoll(*p);
  return 0;
}

double Row::f64(size_t i) const {
  const auto& v = cols_.at(i).get();
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (auto p = std::get_if<std::string>(&v)) return std::stod(*p);
  return 0;
}

std::string Row::text(size_t i) const {
  const auto& v = cols_.at(i).get();
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto p = std::get_if<Blob>(&v)) return p->bytes;
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) return std::to_string(*p);
  return {};
}

std::optional<std::string> Row::opt_text(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return text(i);
}

std::optional<int64_t> Row::opt_i64(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return i64(i);
}

Result<std::optional<Row>> Tx::query_one(std::string_view sql, const Params& params) {
  ASSIGN_OR_RETURN(Rows rows, query(sql, params));
  if (rows.empty()) return std::optional<Row>();
  return std::optional<Row>(std::move(rows.front()));
}

Status Store::write_sync(std::function<Status(Tx&)> fn) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  submit(WriteJob{std::move(fn), [promise](const Status& s) {
                    promise->set_value(s);
                  }});
  return future.get();
}

}  // namespace pomost::store
