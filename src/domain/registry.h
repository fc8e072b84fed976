// Registry vocabulary of shared/spec/api.md and the defaults of rules.md.
#pragma once
#include <array>
#include <string_view>

namespace pomost::domain {

inline constexpr auto kFocuses =
    std::to_array<std::string_view>({"substance_use", "eating_disorder", "mood_anxiety", "serious_mental_illness"});
inline constexpr auto kPopulations = std::to_array<std::string_view>({"adult", "adolescent"});
// ASAM levels: 2.1 intensive outpatient, 2.5 partial hospitalization (a clinic may run both).
inline constexpr auto kLevelsOfCare = std::to_array<std::string_view>({"2.1", "2.5"});
inline constexpr auto kSexes = std::to_array<std::string_view>({"female", "male", "diverse", "unknown"});
inline constexpr auto kLanguages = std::to_array<std::string_view>({"en", "pl", "de"});
inline constexpr auto kReferralSources = std::to_array<std::string_view>(
    {"inpatient", "detox", "residential", "php", "emergency", "outpatient", "self", "other"});
inline constexpr auto kDischargeReasons = std::to_array<std::string_view>(
    {"completed", "step_down", "step_up", "against_advice", "administrative", "transferred"});
inline constexpr auto kStaffRoles = std::to_array<std::string_view>(
    {"admin", "clinical_director", "psychiatrist", "therapist", "group_leader", "program_staff"});
inline constexpr auto kGroupKinds = std::to_array<std::string_view>(
    {"process", "psychoeducation", "skills_dbt", "skills_cbt", "skills", "relapse_prevention", "family",
     "twelve_step_facilitation", "mindfulness", "other"});
inline constexpr auto kOnCallTiers = std::to_array<std::string_view>({"clinician", "psychiatrist", "director"});
inline constexpr auto kWeekdays = std::to_array<std::string_view>({"mon", "tue", "wed", "thu", "fri", "sat", "sun"});

// Minimum attended hours per week (rules.md): level 2.1 adult 9, adolescent 6; level 2.5 is 20.
double default_min_hours_per_week(std::string_view level_of_care, std::string_view population);

inline constexpr int kDefaultGroupCapacity = 12;

}  // namespace pomost::domain
