// The synthetic demo clinic: every name, date and number here is invented.
#include <array>

#include "core/text.h"
#include "core/time.h"
#include "service/runner.h"
#include "service/setup.h"

namespace pomost::service {
namespace {

struct StaffSeed {
  const char* username;
  const char* name;
  const char* role;
  bool licensed;
  const char* language;
  int programs;  // bit 0: addiction program, bit 1: mood program
  const char* email;
};

constexpr std::array<StaffSeed, 12> kStaff = {{
    {"admin", "Demo Administrator", "admin", false, "en", 0, nullptr},
    {"dr.nowak", "Dr. Ewa Nowak", "clinical_director", true, "pl", 3, "ewa.nowak@demo.pomost.invalid"},
    {"dr.bauer", "Dr. Klaus Bauer", "psychiatrist", true, "de", 1, "klaus.bauer@demo.pomost.invalid"},
    {"dr.reed", "Dr. Helen Reed", "psychiatrist", true, "en", 2, "helen.reed@demo.pomost.invalid"},
    {"m.zielinska", "Marta Zielińska", "therapist", true, "pl", 1, "marta.zielinska@demo.pomost.invalid"},
    {"j.hoffmann", "Julia Hoffmann", "therapist", true, "de", 1, "julia.hoffmann@demo.pomost.invalid"},
    {"s.price", "Sam Price", "therapist", true, "en", 2, "sam.price@demo.pomost.invalid"},
    {"k.wolf", "Karin Wolf", "therapist", true, "de", 2, "karin.wolf@demo.pomost.invalid"},
    {"t.malinowski", "Tomasz Malinowski", "group_leader", true, "pl", 1, "tomasz.malinowski@demo.pomost.invalid"},
    {"l.green", "Laura Green", "group_leader", false, "en", 2, nullptr},
    {"a.krol", "Adam Król", "program_staff", false, "pl", 1, nullptr},
    {"n.schulz", "Nina Schulz", "program_staff", false, "de", 2, nullptr},
}};

struct PatientSeed {
  const char* given;
  const char* family;
  const char* birth;
  const char* sex;
  const char* language;
  int program;  // 0 addiction, 1 mood
  const char* referral;
};

constexpr std::array<PatientSeed, 24> kPatients = {{
    {"Anna", "Kowalska", "1986-04-12", "female", "pl", 0, "detox"},
    {"Piotr", "Wiśniewski", "1979-09-30", "male", "pl", 0, "inpatient"},
    {"Katarzyna", "Wójcik", "1992-01-18", "female", "pl", 0, "residential"},
    {"Tomasz", "Kamiński", "1983-06-05", "male", "pl", 0, "detox"},
    {"Jonas", "Müller", "1990-11-02", "male", "de", 0, "detox"},
    {"Lena", "Schmidt", "1995-03-24", "female", "de", 0, "php"},
    {"Felix", "Schneider", "1977-08-14", "male", "de", 0, "inpatient"},
    {"James", "Walker", "1988-12-09", "male", "en", 0, "emergency"},
    {"Olivia", "Bennett", "1998-05-27", "female", "en", 0, "self"},
    {"Jakub", "Kozłowski", "1985-02-16", "male", "pl", 0, "outpatient"},
    {"Hannah", "Becker", "1993-07-03", "female", "de", 0, "detox"},
    {"Ryan", "Cooper", "1981-10-21", "male", "en", 0, "residential"},
    {"Magdalena", "Lewandowska", "1989-09-08", "female", "pl", 1, "inpatient"},
    {"Michał", "Zieliński", "1975-04-29", "male", "pl", 1, "php"},
    {"Agnieszka", "Szymańska", "2000-12-13", "female", "pl", 1, "emergency"},
    {"Paweł", "Woźniak", "1991-06-19", "male", "pl", 1, "outpatient"},
    {"Sophie", "Fischer", "1987-02-07", "female", "de", 1, "inpatient"},
    {"Lukas", "Weber", "1996-09-15", "male", "de", 1, "php"},
    {"Marie", "Wagner", "1984-11-25", "female", "de", 1, "self"},
    {"Emily", "Carter", "1999-08-01", "female", "en", 1, "inpatient"},
    {"Daniel", "Hughes", "1980-03-11", "male", "en", 1, "outpatient"},
    {"Grace", "Mitchell", "1994-10-04", "female", "en", 1, "php"},
    {"Zofia", "Dąbrowska", "1972-05-22", "female", "pl", 1, "emergency"},
    {"Noah", "Thompson", "2001-01-30", "diverse", "en", 1, "self"},
}};

constexpr const char* kStaffPassword = "demo-clinic-2026";
constexpr const char* kPatientPassword = "demo-patient-2026";

json::array crisis_resources() {
  json::array a;
  // Name, phone and description in English, then the Polish and German wording patients read.
  auto add = [&](const char* name, const char* phone, const char* desc, const char* pl_name, const char* pl_desc,
                 const char* de_name, const char* de_desc) {
    json::object o;
    o["name"] = name;
    o["phone"] = phone;
    o["description"] = desc;
    o["translations"] = json::object{{"pl", json::object{{"name", pl_name}, {"description", pl_desc}}},
                                     {"de", json::object{{"name", de_name}, {"description", de_desc}}}};
    a.push_back(std::move(o));
  };
  add("Emergency number", "112", "Police, ambulance, fire: Europe-wide, free, 24/7", "Numer alarmowy",
      "Policja, pogotowie, straż pożarna: w całej Europie, bezpłatnie, całą dobę", "Notruf",
      "Polizei, Rettungsdienst, Feuerwehr: europaweit, kostenlos, rund um die Uhr");
  add("Crisis line for adults", "116 123", "Emotional support for adults in crisis (Poland)",
      "Telefon zaufania dla dorosłych", "Wsparcie emocjonalne dla dorosłych w kryzysie (Polska)",
      "Krisentelefon für Erwachsene", "Emotionale Unterstützung für Erwachsene in einer Krise (Polen)");
  add("Centrum Wsparcia", "800 70 2222", "Mental-health crisis support, 24/7 (Poland)",
      "Centrum Wsparcia dla Osób w Stanie Kryzysu Psychicznego", "Pomoc w kryzysie psychicznym, całą dobę (Polska)",
      "Centrum Wsparcia", "Hilfe in psychischen Krisen, rund um die Uhr (Polen)");
  add("Suicide & Crisis Lifeline", "988", "For visitors from the United States", "Suicide & Crisis Lifeline",
      "Dla osób przebywających w Stanach Zjednoczonych", "Suicide & Crisis Lifeline",
      "Für Menschen in den Vereinigten Staaten");
  return a;
}

// A synthetic first treatment plan in the patient's language (the chart shows it as written).
std::string demo_plan(const std::string& language, int program, const std::string& therapist,
                      const std::string& target_date) {
  struct Words {
    const char *problem, *goal, *objective, *measure, *intervention;
  };
  static const Words kAddiction[] = {
      {"Cravings after work", "Stay abstinent through the program", "Craving at or below 4 of 10 on most days",
       "Daily check-in craving", "Relapse prevention group three times a week"},
      {"Głód alkoholowy po pracy", "Abstynencja przez cały program", "Głód najwyżej 4 na 10 w większość dni",
       "Codzienne zgłoszenie: głód", "Grupa zapobiegania nawrotom trzy razy w tygodniu"},
      {"Suchtdruck nach der Arbeit", "Abstinenz während des Programms",
       "Suchtdruck an den meisten Tagen höchstens 4 von 10", "Tägliche Meldung: Suchtdruck",
       "Rückfallpräventionsgruppe dreimal pro Woche"}};
  static const Words kMood[] = {
      {"Low mood and withdrawal", "Return to daily routines", "PHQ-9 below 10 within six weeks", "Weekly PHQ-9",
       "Behavioural activation in CBT skills group"},
      {"Obniżony nastrój i wycofanie", "Powrót do codziennych zajęć", "PHQ-9 poniżej 10 w ciągu sześciu tygodni",
       "Cotygodniowy PHQ-9", "Aktywizacja behawioralna w grupie umiejętności CBT"},
      {"Gedrückte Stimmung und Rückzug", "Rückkehr zu einem geregelten Alltag",
       "PHQ-9 unter 10 innerhalb von sechs Wochen", "Wöchentlicher PHQ-9",
       "Verhaltensaktivierung in der KVT-Fertigkeitengruppe"}};
  const int l = language == "pl" ? 1 : language == "de" ? 2 : 0;
  const Words& w = (program == 0 ? kAddiction : kMood)[l];
  boost::json::object objective{
      {"text", w.objective}, {"measure", w.measure}, {"target_date", target_date}, {"met", false}};
  boost::json::object goal{{"text", w.goal},
                           {"objectives", boost::json::array{objective}},
                           {"interventions", boost::json::array{boost::json::object{{"text", w.intervention},
                                                                                    {"responsible_id", therapist}}}}};
  boost::json::object problem{{"text", w.problem}, {"goals", boost::json::array{goal}}};
  return boost::json::serialize(boost::json::object{{"problems", boost::json::array{problem}}});
}

}  // namespace

Result<std::vector<DemoLogin>> seed_demo(store::Store& store, const audit::Chain& chain, const Clock& clock,
                                         auth::HashCost cost, const domain::InstrumentCatalog& instruments) {
  const std::string staff_hash = auth::hash_password(kStaffPassword, cost);
  const std::string patient_hash = auth::hash_password(kPatientPassword, cost);
  const TimePoint now = clock.now();
  const int64_t ms = to_millis(now);
  const int today = local_date(now, "Europe/Warsaw");
  std::vector<DemoLogin> logins;
  Status st = store.write_sync([&](store::Tx& tx) -> Status {
    ASSIGN_OR_RETURN(auto existing, tx.query_one("SELECT id FROM organizations LIMIT 1"));
    if (existing) return Status::ConflictWith({"state", existing->text(0)}, "The database is not empty.");
    const std::string org = auth::new_id("org"), site = auth::new_id("sit");
    RETURN_IF_ERROR(tx.exec(
        "INSERT INTO organizations (id, name, demo, created_at) VALUES (?, 'Pomost Demo Clinic', 1, ?)", {org, ms}));
    RETURN_IF_ERROR(
        tx.exec("INSERT INTO sites (org_id, id, name, time_zone, created_at) VALUES (?, ?, 'Warszawa Mokotów', "
                "'Europe/Warsaw', ?)",
                {org, site, ms}));
    json::object settings;
    settings["crisis_resources"] = crisis_resources();
    json::object schedule;
    schedule["checkin_cutoff"] = "12:00";
    settings["measurement_schedule"] = std::move(schedule);
    settings["rule_thresholds"] = json::object();
    json::object ack;
    ack["imminent"] = 5;
    ack["high"] = 30;
    ack["warning"] = 1440;
    settings["ack_deadlines_minutes"] = std::move(ack);
    settings["escalation_chain"] = json::array({"clinician", "psychiatrist", "director"});
    settings["cosignature_required"] = true;
    settings["webhooks"] = json::array();
    settings["closures"] = json::array();
    const std::string s = json::serialize(settings);
    const std::array<std::string, 2> programs = {auth::new_id("prg"), auth::new_id("prg")};
    RETURN_IF_ERROR(
        tx.exec("INSERT INTO programs (org_id, id, site_id, name, focus, population, level_of_care, days_per_week, "
                "hours_per_day, min_hours_per_week, time_zone, language, settings, created_at, updated_at) "
                "VALUES (?, ?, ?, 'Evening Recovery IOP', 'substance_use', 'adult', '2.1', 3, 3, 9, 'Europe/Warsaw', "
                "'pl', ?, ?, ?)",
                {org, programs[0], site, s, ms, ms}));
    RETURN_IF_ERROR(
        tx.exec("INSERT INTO programs (org_id, id, site_id, name, focus, population, level_of_care, days_per_week, "
                "hours_per_day, min_hours_per_week, time_zone, language, settings, created_at, updated_at) "
                "VALUES (?, ?, ?, 'Morning Mood & Anxiety IOP', 'mood_anxiety', 'adult', '2.1', 3, 3, 9, "
                "'Europe/Warsaw', 'en', ?, ?, ?)",
                {org, programs[1], site, s, ms, ms}));
    const std::array<std::string, 2> tracks = {auth::new_id("trk"), auth::new_id("trk")};
    RETURN_IF_ERROR(
        tx.exec("INSERT INTO tracks (org_id, id, program_id, name, weekdays, start_time, end_time, created_at) "
                "VALUES (?, ?, ?, 'Evening track', 'mon,wed,thu', '18:00', '21:00', ?)",
                {org, tracks[0], programs[0], ms}));
    RETURN_IF_ERROR(
        tx.exec("INSERT INTO tracks (org_id, id, program_id, name, weekdays, start_time, end_time, created_at) "
                "VALUES (?, ?, ?, 'Morning track', 'tue,wed,fri', '09:00', '12:00', ?)",
                {org, tracks[1], programs[1], ms}));
    const std::array<std::string, 2> rooms = {auth::new_id("rom"), auth::new_id("rom")};
    RETURN_IF_ERROR(tx.exec(
        "INSERT INTO rooms (org_id, id, site_id, name, capacity, created_at) VALUES (?, ?, ?, 'Sala Wisła', 14, ?)",
        {org, rooms[0], site, ms}));
    RETURN_IF_ERROR(tx.exec(
        "INSERT INTO rooms (org_id, id, site_id, name, capacity, created_at) VALUES (?, ?, ?, 'Sala Odra', 12, ?)",
        {org, rooms[1], site, ms}));

    std::map<std::string, std::string> ids;  // username -> id
    for (const auto& st : kStaff) {
      const std::string id = auth::new_id("usr");
      ids[st.username] = id;
      RETURN_IF_ERROR(
          tx.exec("INSERT INTO users (org_id, id, username, password_hash, role, display_name, language, licensed, "
                  "email, created_at, updated_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  {org, id, st.username, staff_hash, st.role, st.name, st.language, st.licensed,
                   st.email ? std::optional<std::string>(st.email) : std::nullopt, ms, ms, ms}));
      for (int p = 0; p < 2; ++p)
        if (st.programs & (1 << p))
          RETURN_IF_ERROR(tx.exec("INSERT INTO staff_programs (org_id, user_id, program_id) VALUES (?, ?, ?)",
                                  {org, id, programs[p]}));
      logins.push_back({st.username, kStaffPassword, st.role, st.name});
    }
    // Clinicians see patients on weekdays 08:00-18:00 (appointments are booked within availability).
    json::array weekly;
    for (const char* d : {"mon", "tue", "wed", "thu", "fri"})
      weekly.push_back(json::object{{"weekday", d}, {"start", "08:00"}, {"end", "18:00"}});
    for (const auto& st : kStaff) {
      const std::string role = st.role;
      if (role != "therapist" && role != "psychiatrist" && role != "clinical_director") continue;
      RETURN_IF_ERROR(tx.exec(
          "INSERT INTO staff_availability (org_id, user_id, time_zone, weekly, exceptions, version, updated_at) "
          "VALUES (?, ?, 'Europe/Warsaw', ?, '[]', 1, ?)",
          {org, ids[st.username], json::serialize(weekly), ms}));
    }
    const std::array<std::string, 2> groups = {auth::new_id("grp"), auth::new_id("grp")};
    RETURN_IF_ERROR(
        tx.exec("INSERT INTO groups (org_id, id, program_id, track_id, name, kind, leader_id, co_leader_id, room_id, "
                "capacity, created_at, updated_at) VALUES (?, ?, ?, ?, 'Relapse prevention', 'relapse_prevention', ?, "
                "?, ?, 12, ?, ?)",
                {org, groups[0], programs[0], tracks[0], ids["t.malinowski"], ids["a.krol"], rooms[0], ms, ms}));
    RETURN_IF_ERROR(
        tx.exec("INSERT INTO groups (org_id, id, program_id, track_id, name, kind, leader_id, co_leader_id, room_id, "
                "capacity, created_at, updated_at) VALUES (?, ?, ?, ?, 'CBT skills', 'skills_cbt', ?, ?, ?, 12, ?, ?)",
                {org, groups[1], programs[1], tracks[1], ids["l.green"], ids["s.price"], rooms[1], ms, ms}));

    const std::array<std::array<const char*, 2>, 2> therapists = {
        {{"m.zielinska", "j.hoffmann"}, {"s.price", "k.wolf"}}};
    const std::array<const char*, 2> psychiatrists = {"dr.bauer", "dr.reed"};
    const std::array<const char*, 2> techs = {"a.krol", "n.schulz"};
    int n = 0;
    for (const auto& p : kPatients) {
      const std::string pid = auth::new_id("pat"), eid = auth::new_id("epi");
      RETURN_IF_ERROR(
          tx.exec("INSERT INTO patients (org_id, id, given_name, family_name, name_key, birth_date, sex, "
                  "preferred_language, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  {org, pid, p.given, p.family, fold_name(p.given) + " " + fold_name(p.family), p.birth, p.sex,
                   p.language, ids["dr.nowak"], ms, ms}));
      const int prog = p.program;
      const std::string admitted = format_date(today - 3 - (n * 5) % 40);
      RETURN_IF_ERROR(
          tx.exec("INSERT INTO episodes (org_id, id, patient_id, program_id, status, referral_source, admitted_on, "
                  "primary_therapist_id, psychiatrist_id, created_by, created_at, updated_at) "
                  "VALUES (?, ?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?)",
                  {org, eid, pid, programs[prog], p.referral, admitted, ids[therapists[prog][n % 2]],
                   ids[psychiatrists[prog]], ids["dr.nowak"], ms, ms}));
      RETURN_IF_ERROR(tx.exec("INSERT INTO episode_staff (org_id, episode_id, user_id) VALUES (?, ?, ?)",
                              {org, eid, ids[techs[prog]]}));
      // A running clinic: most episodes have their certification of need and a treatment plan
      // (written three days after admission, so the longest stays have a review overdue); every
      // eighth patient, Anna first, still waits for both.
      if (n % 8 != 0) {
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO certifications (org_id, id, episode_id, certified_on, certified_by, next_due_on, "
                    "recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    {org, auth::new_id("cer"), eid, admitted, ids[psychiatrists[prog]],
                     format_date(*parse_date(admitted) + 60), ids[psychiatrists[prog]], ms}));
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO treatment_plans (org_id, patient_id, version, content, created_by, "
                    "created_at) VALUES (?, ?, 1, ?, ?, ?)",
                    {org, pid,
                     demo_plan(p.language, prog, ids[therapists[prog][n % 2]], format_date(*parse_date(admitted) + 45)),
                     ids[therapists[prog][n % 2]],
                     to_millis(local_time_to_utc(*parse_date(admitted) + 3, 17 * 60, "Europe/Warsaw"))}));
        // The admission AUDIT-C (rules.md), taken by the therapist on the first day and scored as
        // a submission would be; drinking scores higher in the addiction program.
        if (const domain::Instrument* auditc = instruments.find("audit_c")) {
          json::object answers{{"auditc_1", prog == 0 ? 2 + n % 3 : n % 2},
                               {"auditc_2", prog == 0 ? 1 + n % 2 : 0},
                               {"auditc_3", prog == 0 ? n % 3 : 0}};
          ASSIGN_OR_RETURN(auto sc, domain::score(*auditc, answers, {p.sex, ""}));
          RETURN_IF_ERROR(tx.exec(
              "INSERT INTO assessments (org_id, id, patient_id, episode_id, program_id, instrument_id, "
              "instrument_version, submitted_at, submitted_by, on_behalf, answers, total, band, classification, "
              "subscales, risk_level) VALUES (?, ?, ?, ?, ?, 'audit_c', ?, ?, ?, 1, ?, ?, ?, ?, '{}', 'none')",
              {org, auth::new_id("asm"), pid, eid, programs[prog], auditc->version,
               to_millis(local_time_to_utc(*parse_date(admitted), 10 * 60, "Europe/Warsaw")),
               ids[therapists[prog][n % 2]], json::serialize(answers), sc.total, sc.band, sc.classification}));
        }
      }
      if (n % 12 < 10)  // most patients are in their program's group; two are still waiting for a place
        RETURN_IF_ERROR(tx.exec("INSERT INTO group_members (org_id, group_id, patient_id) VALUES (?, ?, ?)",
                                {org, groups[prog], pid}));
      if (n == 0 || n == 12 || n == 19) {
        const std::string username =
            ascii_lower(fold_name(p.given)) + "." + ascii_lower(fold_name(std::string(p.family).substr(0, 1)));
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO users (org_id, id, username, password_hash, role, display_name, language, patient_id, "
                    "created_at, updated_at, password_changed_at) VALUES (?, ?, ?, ?, 'patient', ?, ?, ?, ?, ?, ?)",
                    {org, auth::new_id("usr"), username, patient_hash, p.given, p.language, pid, ms, ms, ms}));
        logins.push_back({username, kPatientPassword, "patient", std::string(p.given) + " " + p.family});
      }
      ++n;
    }
    // On call for the next 14 days, from 08:00 local time: a licensed clinician per day, a
    // psychiatrist per week, the director throughout.
    const std::array<const char*, 4> rotation = {"m.zielinska", "j.hoffmann", "s.price", "k.wolf"};
    for (int p = 0; p < 2; ++p) {
      for (int d = -1; d < 14; ++d) {
        const int64_t s0 = to_millis(local_time_to_utc(today + d, 8 * 60, "Europe/Warsaw"));
        const int64_t s1 = to_millis(local_time_to_utc(today + d + 1, 8 * 60, "Europe/Warsaw"));
        RETURN_IF_ERROR(
            tx.exec("INSERT INTO on_call_shifts (org_id, id, program_id, staff_id, tier, starts_at, ends_at) VALUES "
                    "(?, ?, ?, ?, 'clinician', ?, ?)",
                    {org, auth::new_id("onc"), programs[p], ids[rotation[(d + 1) % 2 + 2 * p]], s0, s1}));
      }
      const int64_t s0 = to_millis(local_time_to_utc(today - 1, 8 * 60, "Europe/Warsaw"));
      RETURN_IF_ERROR(
          tx.exec("INSERT INTO on_call_shifts (org_id, id, program_id, staff_id, tier, starts_at, ends_at) VALUES (?, "
                  "?, ?, ?, 'psychiatrist', ?, ?)",
                  {org, auth::new_id("onc"), programs[p], ids[psychiatrists[p]], s0, s0 + 15LL * 24 * 3600 * 1000}));
      RETURN_IF_ERROR(
          tx.exec("INSERT INTO on_call_shifts (org_id, id, program_id, staff_id, tier, starts_at, ends_at) VALUES (?, "
                  "?, ?, ?, 'director', ?, ?)",
                  {org, auth::new_id("onc"), programs[p], ids["dr.nowak"], s0, s0 + 15LL * 24 * 3600 * 1000}));
    }
    RequestContext ctx;
    ctx.now = now;
    ctx.request_id = "demo-seed";
    ctx.client_addr = "local";
    std::vector<Audit::Entry> e{{"demo_seed", "organization", org, std::nullopt, "success", std::nullopt,
                                 std::to_string(kPatients.size()) + " synthetic patients"}};
    return Runner::append_audit(chain, tx, ctx, org, e, std::nullopt, std::string("system"));
  });
  if (!st.ok()) return st;
  return logins;
}

}  // namespace pomost::service
