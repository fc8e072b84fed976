// Reading the audit trail (admins) and verifying its chain.
#pragma once
#include "service/access.h"
#include "service/registry_service.h"
#include "service/runner.h"

namespace pomost::service {

class AuditService {
 public:
  AuditService(Runner& runner, const Access& access) : runner_(runner), access_(access) {}
  // GET /api/v1/audit?patient_id=&user_id=&from=&to=&action=&outcome=&limit=&cursor=
  void search(const RequestContext& ctx, const Query& q, Done done);

 private:
  Runner& runner_;
  const Access& access_;
};

}  // namespace pomost::service
