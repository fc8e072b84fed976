// The decision point: computes a principal's relationships to a patient or program from the
// record, asks the one policy (domain/access_policy.h), and puts every decision on the audit
// record. Deny by default; a patient outside one's reach is 404 whatever the action; an action the
// role may never take is 403, decided before anything is looked up.
#pragma once
#include <string>
#include <string_view>

#include "domain/access_policy.h"
#include "service/context.h"
#include "store/db.h"

namespace pomost::service {

class Access {
 public:
  Result<domain::RelSet> patient_relationships(store::Tx& tx, const Principal& who, std::string_view patient_id,
                                               TimePoint now) const;

  // Allows `action` on one patient or answers 403/404; either way it is audited.
  Status require_patient(store::Tx& tx, const RequestContext& ctx, Audit& audit, domain::Action action,
                         std::string_view patient_id, std::string_view resource_type,
                         std::string_view resource_id) const;

  // Allows `action` on one program (its settings, roster, census...) or answers 403/404.
  Status require_program(store::Tx& tx, const RequestContext& ctx, Audit& audit, domain::Action action,
                         std::string_view program_id) const;

  // Organization-wide actions (create staff, read the audit log...).
  Status require_org(const RequestContext& ctx, Audit* audit, domain::Action action,
                     std::string_view resource_type) const;

  // True (without auditing) when `action` is allowed for this patient; for filtering lists.
  Result<bool> allowed_patient(store::Tx& tx, const RequestContext& ctx, domain::Action action,
                               std::string_view patient_id) const;

  // Whether the principal is assigned to the program (staff) — used for list narrowing.
  Result<bool> assigned_to_program(store::Tx& tx, const Principal& who, std::string_view program_id) const;
};

inline constexpr int64_t kFormerAccessMs = 90LL * 24 * 3600 * 1000;

}  // namespace pomost::service
