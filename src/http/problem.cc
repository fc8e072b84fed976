#include "http/problem.h"

#include <boost/json.hpp>

namespace pomost::http {

namespace json = boost::json;

int http_status(Code code) {
  switch (code) {
    case Code::ok:
      return 200;
    case Code::bad_request:
      return 400;
    case Code::unauthenticated:
      return 401;
    case Code::permission_denied:
      return 403;
    case Code::not_found:
      return 404;
    case Code::method_not_allowed:
      return 405;
    case Code::conflict:
      return 409;
    case Code::payload_too_large:
      return 413;
    case Code::unsupported_media:
      return 415;
    case Code::invalid:
      return 422;
    case Code::precondition_required:
      return 428;
    case Code::too_many_requests:
      return 429;
    case Code::unavailable:
      return 503;
    case Code::internal:
      return 500;
  }
  return 500;
}

namespace {

struct Titles {
  const char* slug;
  const char* en;
  const char* pl;
  const char* de;
};

Titles titles(int status) {
  switch (status) {
    case 400:
      return {"bad-request", "Bad request", "Nieprawidłowe żądanie", "Ungültige Anfrage"};
    case 401:
      return {"unauthenticated", "Not signed in", "Nie zalogowano", "Nicht angemeldet"};
    case 403:
      return {"forbidden", "Not allowed", "Brak uprawnień", "Nicht erlaubt"};
    case 404:
      return {"not-found", "Not found", "Nie znaleziono", "Nicht gefunden"};
    case 405:
      return {"method-not-allowed", "Method not allowed", "Niedozwolona metoda", "Methode nicht erlaubt"};
    case 409:
      return {"conflict", "Conflict", "Konflikt", "Konflikt"};
    case 413:
      return {"payload-too-large", "Request too large", "Żądanie zbyt duże", "Anfrage zu groß"};
    case 415:
      return {"unsupported-media-type", "Unsupported media type", "Nieobsługiwany typ danych",
              "Nicht unterstützter Medientyp"};
    case 422:
      return {"validation", "Some fields are invalid", "Niektóre pola są nieprawidłowe", "Einige Felder sind ungültig"};
    case 428:
      return {"version-required", "Version required", "Wymagana wersja", "Version erforderlich"};
    case 429:
      return {"too-many-requests", "Too many requests", "Zbyt wiele prób", "Zu viele Anfragen"};
    case 431:
      return {"headers-too-large", "Request headers too large", "Nagłówki zbyt duże", "Header zu groß"};
    case 503:
      return {"unavailable", "Temporarily unavailable", "Chwilowo niedostępne", "Vorübergehend nicht verfügbar"};
    default:
      return {"internal", "Internal error", "Błąd wewnętrzny", "Interner Fehler"};
  }
}

}  // namespace

HttpResponse problem(const Status& st, const std::string& request_id, const std::string& lang) {
  const int code = http_status(st.code());
  const Titles t = titles(code);
  json::object o;
  o["type"] = "https://pomost.dev/problems/" + (st.type().empty() ? std::string(t.slug) : st.type());
  o["title"] = lang == "pl" ? t.pl : lang == "de" ? t.de : t.en;
  o["status"] = code;
  if (code == 500) {
    o["detail"] = "Something went wrong on the server. Quote request id " + request_id + " when you report it.";
  } else {
    o["detail"] = st.message();
  }
  json::array errors;
  for (const auto& e : st.errors()) {
    json::object fe;
    fe["field"] = e.field;
    fe["message"] = e.message;
    fe["code"] = e.code;
    if (!e.params.empty()) fe["params"] = e.params;
    errors.push_back(std::move(fe));
  }
  o["errors"] = std::move(errors);
  if (st.conflict()) {
    json::object c;
    c["kind"] = st.conflict()->kind;
    c["id"] = st.conflict()->id;
    if (!st.conflict()->session_id.empty()) {
      c["session_id"] = st.conflict()->session_id;
      c["starts"] = st.conflict()->starts;
      c["ends"] = st.conflict()->ends;
    }
    o["conflict"] = std::move(c);
  }
  for (const auto& kv : st.extra()) o[kv.key()] = kv.value();
  o["request_id"] = request_id;
  HttpResponse r;
  r.status = code;
  r.content_type = "application/problem+json";
  r.body = json::serialize(o);
  if (code == 429) r.set("Retry-After", std::to_string(st.retry_after() > 0 ? st.retry_after() : 1));
  if (code == 503) r.set("Retry-After", "1");
  if (st.replayed()) r.set("Idempotent-Replayed", "true");
  return r;
}

}  // namespace pomost::http
