// Installation-time use cases: the first organization and administrator, and the demo clinic.
#pragma once
#include <string>
#include <vector>

#include "audit/chain.h"
#include "auth/crypto.h"
#include "core/clock.h"
#include "domain/instrument.h"
#include "store/db.h"

namespace pomost::service {

struct InstallState {
  bool has_organization = false;
  bool demo = false;
};
Result<InstallState> install_state(store::Store& store);

struct InitRequest {
  std::string org_name = "Pomost Clinic";
  std::string site_name = "Main site";
  std::string time_zone = "Europe/Warsaw";
  std::string admin_username;
  std::string admin_password;
};
// Creates the organization, its site and the first administrator. Refuses when an
// organization already exists.
Status init_organization(store::Store& store, const audit::Chain& chain, const Clock& clock, const InitRequest& req,
                         auth::HashCost cost);

struct DemoLogin {
  std::string username, password, role, note;
};
// Seeds the synthetic demo clinic into an empty database; returns the logins to print.
// Scores seeded measures with `instruments`, as a submission would be.
Result<std::vector<DemoLogin>> seed_demo(store::Store& store, const audit::Chain& chain, const Clock& clock,
                                         auth::HashCost cost, const domain::InstrumentCatalog& instruments);

}  // namespace pomost::service
