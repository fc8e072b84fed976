// The route table: every endpoint of the API in one list. Handlers only pick arguments out of
// the call and hand them to a use case.
#include "core/time.h"
#include "http/api.h"

namespace pomost::http {

using service::Reply;

void Api::routes() {
  auto& reg = s_.registry;
  auto& auth = s_.auth;

  add("GET", "/healthz", false, [this](Call& c) {
    Status st = s_.store.read([](store::Tx& tx) { return tx.query("SELECT 1").status(); });
    if (!st.ok()) return c.done(Status(Code::unavailable, "The store does not answer."));
    json::object o;
    o["status"] = "ok";
    c.done(service::ok(std::move(o)));
  });
  add("GET", "/metrics", false, [this](Call& c) {
    // Loopback callers, or an administrator's session.
    const std::string& a = c.req->client_addr;
    bool local = a == "127.0.0.1" || a == "::1" || a.rfind("::ffff:127.", 0) == 0;
    if (!local) {
      bool via_cookie = false;
      const std::string& h = c.req->header("authorization");
      std::string token = h.size() > 7 ? h.substr(7) : "";
      auto who = s_.auth.authenticate(token, via_cookie, c.ctx.now);
      if (!who.ok()) return c.done(who.status());
      if (who->role != domain::Role::admin)
        return c.done(Status(Code::permission_denied, "Metrics are for administrators."));
    }
    Reply r;
    r.raw_body = s_.metrics.render();
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    c.done(r);
  });

  // Authentication
  add("POST", "/api/v1/auth/login", false, [&auth](Call& c) { auth.login(c.ctx, c.body, c.done); });
  add("POST", "/api/v1/auth/logout", true, [&auth](Call& c) { auth.logout(c.ctx, c.done); });
  add("POST", "/api/v1/auth/activate", false, [&auth](Call& c) { auth.activate(c.ctx, c.body, c.done); });
  add("GET", "/api/v1/auth/session", true, [&auth](Call& c) { auth.session(c.ctx, c.done); });
  add("GET", "/api/v1/me", true, [&auth](Call& c) { auth.me(c.ctx, c.done); });
  add("PATCH", "/api/v1/me", true, [&auth](Call& c) { auth.patch_me(c.ctx, c.body, c.done); });

  // Staff
  add("POST", "/api/v1/staff", true, [&reg](Call& c) { reg.create_staff(c.ctx, c.body, c.done); });
  add("GET", "/api/v1/staff", true, [&reg](Call& c) { reg.list_staff(c.ctx, c.query, c.done); });
  add("GET", "/api/v1/staff/{id}", true, [&reg](Call& c) { reg.get_staff(c.ctx, c.param("id"), c.done); });
  add("PATCH", "/api/v1/staff/{id}", true, [&reg](Call& c) { reg.patch_staff(c.ctx, c.param("id"), c.body, c.done); });

  // Programs
  add("POST", "/api/v1/programs", true, [&reg](Call& c) { reg.create_program(c.ctx, c.body, c.done); });
  add("GET", "/api/v1/programs", true, [&reg](Call& c) { reg.list_programs(c.ctx, c.done); });
  add("GET", "/api/v1/programs/{id}", true, [&reg](Call& c) { reg.get_program(c.ctx, c.param("id"), c.done); });
  add("PATCH", "/api/v1/programs/{id}", true,
      [&reg](Call& c) { reg.patch_program(c.ctx, c.param("id"), c.body, c.done); });
  add("GET", "/api/v1/programs/{id}/settings", true,
      [&reg](Call& c) { reg.get_settings(c.ctx, c.param("id"), c.done); });
  add("PUT", "/api/v1/programs/{id}/settings", true,
      [&reg](Call& c) { reg.put_settings(c.ctx, c.param("id"), c.body, c.done); });
  add("GET", "/api/v1/programs/{id}/on-call", true, [&reg](Call& c) { reg.get_on_call(c.ctx, c.param("id"), c.done); });
  add("PUT", "/api/v1/programs/{id}/on-call", true,
      [&reg](Call& c) { reg.put_on_call(c.ctx, c.param("id"), c.body, c.done); });
  add("POST", "/api/v1/programs/{id}/tracks", true,
      [&reg](Call& c) { reg.create_track(c.ctx, c.param("id"), c.body, c.done); });
  add("GET", "/api/v1/programs/{id}/tracks", true, [&reg](Call& c) { reg.list_tracks(c.ctx, c.param("id"), c.done); });
  add("PATCH", "/api/v1/tracks/{id}", true, [&reg](Call& c) { reg.patch_track(c.ctx, c.param("id"), c.body, c.done); });

  // Rooms and groups
  add("POST", "/api/v1/rooms", true, [&reg](Call& c) { reg.create_room(c.ctx, c.body, c.done); });
  add("GET", "/api/v1/rooms", true, [&reg](Call& c) { reg.list_rooms(c.ctx, c.done); });
  add("PATCH", "/api/v1/rooms/{id}", true, [&reg](Call& c) { reg.patch_room(c.ctx, c.param("id"), c.body, c.done); });
  add("GET", "/api/v1/sites", true, [&reg](Call& c) { reg.list_sites(c.ctx, c.done); });
  add("POST", "/api/v1/groups", true, [&reg](Call& c) { reg.create_group(c.ctx, c.body, c.done); });
  add("GET", "/api/v1/groups", true, [&reg](Call& c) { reg.list_groups(c.ctx, c.query, c.done); });
  add("GET", "/api/v1/groups/{id}", true, [&reg](Call& c) { reg.get_group(c.ctx, c.param("id"), c.done); });
  add("PATCH", "/api/v1/groups/{id}", true, [&reg](Call& c) { reg.patch_group(c.ctx, c.param("id"), c.body, c.done); });

  // Patients
  add("POST", "/api/v1/patients", true, [&reg](Call& c) { reg.create_patient(c.ctx, c.body, c.done); });
  add("GET", "/api/v1/patients", true, [&reg](Call& c) { reg.list_patients(c.ctx, c.query, c.done); });
  add("POST", "/api/v1/patients/search", true, [&reg](Call& c) { reg.search_patients(c.ctx, c.body, c.done); });
  add("GET", "/api/v1/patients/{id}", true, [&reg](Call& c) { reg.get_patient(c.ctx, c.param("id"), c.done); });
  add("PATCH", "/api/v1/patients/{id}", true,
      [&reg](Call& c) { reg.patch_patient(c.ctx, c.param("id"), c.body, c.done); });
  add("POST", "/api/v1/patients/{id}/account", true,
      [&reg](Call& c) { reg.create_account(c.ctx, c.param("id"), c.body, c.done); });

  // Episodes of care
  add("POST", "/api/v1/episodes", true, [&reg](Call& c) { reg.create_episode(c.ctx, c.body, c.done); });
  add("GET", "/api/v1/episodes", true, [&reg](Call& c) { reg.list_episodes(c.ctx, c.query, c.done); });
  add("GET", "/api/v1/episodes/{id}", true, [&reg](Call& c) { reg.get_episode(c.ctx, c.param("id"), c.done); });
  add("PATCH", "/api/v1/episodes/{id}", true,
      [&reg](Call& c) { reg.patch_episode(c.ctx, c.param("id"), c.body, c.done); });
  add("POST", "/api/v1/episodes/{id}/discharge", true,
      [&reg](Call& c) { reg.discharge_episode(c.ctx, c.param("id"), c.body, c.done); });

  // Monitoring: instruments, check-ins, measures, due lists
  auto& mon = s_.monitoring;
  add("GET", "/api/v1/instruments", true, [&mon](Call& c) { mon.list_instruments(c.ctx, c.done); });
  add("GET", "/api/v1/instruments/{id}", true, [&mon](Call& c) { mon.get_instrument(c.ctx, c.param("id"), c.done); });
  add("GET", "/api/v1/checkin-forms", true, [&mon](Call& c) { mon.checkin_form(c.ctx, c.query, c.done); });
  add("POST", "/api/v1/patients/{id}/checkins", true,
      [&mon](Call& c) { mon.submit_checkin(c.ctx, c.param("id"), c.body, c.done); });
  add("GET", "/api/v1/patients/{id}/checkins", true,
      [&mon](Call& c) { mon.list_checkins(c.ctx, c.param("id"), c.query, c.done); });
  add("POST", "/api/v1/patients/{id}/assessments", true,
      [&mon](Call& c) { mon.submit_assessment(c.ctx, c.param("id"), c.body, c.done); });
  add("GET", "/api/v1/patients/{id}/assessments", true,
      [&mon](Call& c) { mon.list_assessments(c.ctx, c.param("id"), c.query, c.done); });
  add("GET", "/api/v1/patients/{id}/due", true, [&mon](Call& c) { mon.due(c.ctx, c.param("id"), c.done); });
  add("GET", "/api/v1/patients/{id}/safety-plan", true,
      [&mon](Call& c) { mon.get_safety_plan(c.ctx, c.param("id"), c.query, c.done); });
  add("PUT", "/api/v1/patients/{id}/safety-plan", true,
      [&mon](Call& c) { mon.put_safety_plan(c.ctx, c.param("id"), c.body, c.done); });

  add("GET", "/api/v1/census", true, [&mon](Call& c) { mon.census(c.ctx, c.query, c.done); });
  add("GET", "/api/v1/worklist", true, [&mon](Call& c) { mon.worklist(c.ctx, c.query, c.done); });

  // Alerts (the stream before {id}: the first matching route wins) and crises
  add("GET", "/api/v1/alerts/stream", true, [&mon](Call& c) {
    std::string last = c.req->header("last-event-id");
    if (last.empty()) last = c.query.get("last_event_id").value_or("");
    mon.stream(c.ctx, last, c.done);
  });
  add("GET", "/api/v1/alerts", true, [&mon](Call& c) { mon.list_alerts(c.ctx, c.query, c.done); });
  add("GET", "/api/v1/alerts/{id}", true, [&mon](Call& c) { mon.get_alert(c.ctx, c.param("id"), c.done); });
  add("POST", "/api/v1/alerts/{id}/acknowledge", true,
      [&mon](Call& c) { mon.acknowledge(c.ctx, c.param("id"), c.body, c.done); });
  add("POST", "/api/v1/alerts/{id}/resolve", true,
      [&mon](Call& c) { mon.resolve(c.ctx, c.param("id"), c.body, c.done); });
  add("POST", "/api/v1/alerts/{id}/seen", true, [&mon](Call& c) { mon.seen(c.ctx, c.param("id"), c.done); });
  add("POST", "/api/v1/crises", true, [&mon](Call& c) { mon.open_crisis(c.ctx, c.body, c.done); });
  add("GET", "/api/v1/crises", true, [&mon](Call& c) { mon.list_crises(c.ctx, c.query, c.done); });
  add("GET", "/api/v1/crises/{id}", true, [&mon](Call& c) { mon.get_crisis(c.ctx, c.param("id"), c.done); });
  add("PATCH", "/api/v1/crises/{id}", true,
      [&mon](Call& c) { mon.patch_crisis(c.ctx, c.param("id"), c.body, c.done); });
  add("POST", "/api/v1/crises/{id}/actions", true,
      [&mon](Call& c) { mon.crisis_action(c.ctx, c.param("id"), c.body, c.done); });

  // Program operations: availability, sessions, appointments, attendance, hours, placement
  auto& ops = s_.operations;
  add("GET", "/api/v1/staff/{id}/availability", true,
      [&ops](Call& c) { ops.get_staff_availability(c.ctx, c.param("id"), c.done); });
  add("PUT", "/api/v1/staff/{id}/availability", true,
      [&ops](Call& c) { ops.put_staff_availability(c.ctx, c.param("id"), c.body, c.done); });
  add("GET", "/api/v1/patients/{id}/availability", true,
      [&ops](Call& c) { ops.get_patient_availability(c.ctx, c.param("id"), c.done); });
  add("PUT", "/api/v1/patients/{id}/availability", true,
      [&ops](Call& c) { ops.put_patient_availability(c.ctx, c.param("id"), c.body, c.done); });
  add("GET", "/api/v1/sessions", true, [&ops](Call& c) { ops.list_sessions(c.ctx, c.query, c.done); });
  add("PATCH", "/api/v1/sessions/{id}", true,
      [&ops](Call& c) { ops.patch_session(c.ctx, c.param("id"), c.body, c.done); });
  add("GET", "/api/v1/sessions/{id}/attendance", true,
      [&ops](Call& c) { ops.get_attendance(c.ctx, c.param("id"), c.done); });
  add("PUT", "/api/v1/sessions/{id}/attendance", true,
      [&ops](Call& c) { ops.put_attendance(c.ctx, c.param("id"), c.body, c.done); });
  add("POST", "/api/v1/appointments/proposals", true, [&ops](Call& c) { ops.propose(c.ctx, c.body, c.done); });
  add("POST", "/api/v1/appointments", true, [&ops](Call& c) { ops.book_appointment(c.ctx, c.body, c.done); });
  add("GET", "/api/v1/groups/{id}/roster", true,
      [&ops](Call& c) { ops.group_roster(c.ctx, c.param("id"), c.query, c.done); });
  add("GET", "/api/v1/patients/{id}/attendance", true,
      [&ops](Call& c) { ops.patient_attendance(c.ctx, c.param("id"), c.query, c.done); });
  add("GET", "/api/v1/patients/{id}/hours", true,
      [&ops](Call& c) { ops.hours(c.ctx, c.param("id"), c.query, c.done); });
  add("GET", "/api/v1/episodes/{id}/certification", true,
      [&ops](Call& c) { ops.get_certification(c.ctx, c.param("id"), c.done); });
  add("PUT", "/api/v1/episodes/{id}/certification", true,
      [&ops](Call& c) { ops.put_certification(c.ctx, c.param("id"), c.body, c.done); });
  add("POST", "/api/v1/programs/{id}/placement", true,
      [&ops](Call& c) { ops.placement(c.ctx, c.param("id"), c.body, c.done); });

  // Clinical documentation
  auto& doc = s_.documentation;
  add("POST", "/api/v1/notes", true, [&doc](Call& c) { doc.create_note(c.ctx, c.body, c.done); });
  add("GET", "/api/v1/notes", true, [&doc](Call& c) { doc.list_notes(c.ctx, c.query, c.done); });
  add("GET", "/api/v1/notes/{id}", true, [&doc](Call& c) { doc.get_note(c.ctx, c.param("id"), c.done); });
  add("PATCH", "/api/v1/notes/{id}", true, [&doc](Call& c) { doc.update_note(c.ctx, c.param("id"), c.body, c.done); });
  add("POST", "/api/v1/notes/{id}/sign", true, [&doc](Call& c) { doc.sign_note(c.ctx, c.param("id"), c.done); });
  add("POST", "/api/v1/notes/{id}/cosign", true, [&doc](Call& c) { doc.cosign_note(c.ctx, c.param("id"), c.done); });
  add("POST", "/api/v1/notes/{id}/addenda", true,
      [&doc](Call& c) { doc.add_addendum(c.ctx, c.param("id"), c.body, c.done); });
  add("GET", "/api/v1/patients/{id}/notes", true, [&doc](Call& c) { doc.patient_notes(c.ctx, c.param("id"), c.done); });
  add("GET", "/api/v1/patients/{id}/treatment-plan", true,
      [&doc](Call& c) { doc.get_treatment_plan(c.ctx, c.param("id"), c.query, c.done); });
  add("PUT", "/api/v1/patients/{id}/treatment-plan", true,
      [&doc](Call& c) { doc.put_treatment_plan(c.ctx, c.param("id"), c.body, c.done); });
  add("POST", "/api/v1/patients/{id}/treatment-plan/reviews", true,
      [&doc](Call& c) { doc.review_treatment_plan(c.ctx, c.param("id"), c.body, c.done); });
  add("POST", "/api/v1/patients/{id}/treatment-plan/acknowledge", true,
      [&doc](Call& c) { doc.acknowledge_treatment_plan(c.ctx, c.param("id"), c.done); });
  add("GET", "/api/v1/patients/{id}/medications", true,
      [&doc](Call& c) { doc.list_medications(c.ctx, c.param("id"), c.done); });
  add("POST", "/api/v1/patients/{id}/medications", true,
      [&doc](Call& c) { doc.add_medication(c.ctx, c.param("id"), c.body, c.done); });
  add("PATCH", "/api/v1/medications/{id}", true,
      [&doc](Call& c) { doc.change_medication(c.ctx, c.param("id"), c.body, c.done); });
  add("GET", "/api/v1/patients/{id}/meetings", true,
      [&doc](Call& c) { doc.get_meetings(c.ctx, c.param("id"), c.done); });
  add("POST", "/api/v1/patients/{id}/meetings", true,
      [&doc](Call& c) { doc.post_meetings(c.ctx, c.param("id"), c.body, c.done); });
  add("GET", "/api/v1/episodes/{id}/discharge-summary", true,
      [&doc](Call& c) { doc.discharge_summary(c.ctx, c.param("id"), c.done); });

  // Break-glass, notifications, audit
  add("POST", "/api/v1/break-glass", true, [&reg](Call& c) { reg.break_glass(c.ctx, c.body, c.done); });
  add("GET", "/api/v1/notifications", true, [&reg](Call& c) { reg.list_notifications(c.ctx, c.done); });
  add("GET", "/api/v1/audit", true, [this](Call& c) { s_.audit.search(c.ctx, c.query, c.done); });

  if (o_.test_clock) {
    // Test builds only: tests move the server's clock instead of sleeping.
    add("POST", "/api/v1/__test/clock", false, [this](Call& c) {
      Fields f(c.body);
      auto advance = f.integer("advance_ms", false, 0, INT64_MAX / 4);
      auto set = f.timestamp("set", false);
      f.reject_unknown();
      if (!f.ok()) return c.done(f.status());
      if (set) o_.test_clock->set(*parse_rfc3339(*set));
      if (advance) o_.test_clock->advance(Millis(*advance));
      json::object o;
      o["now"] = format_rfc3339(o_.test_clock->now());
      c.done(service::ok(std::move(o)));
    });
    // Test builds only: an internal failure, to check that 500s reveal nothing internal.
    add("GET", "/api/v1/__test/fail", false,
        [](Call& c) { c.done(Status::Internal("SECRET-INTERNAL-DETAIL sqlite: no such table")); });
  }
}

}  // namespace pomost::http
