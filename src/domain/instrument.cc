#include "domain/instrument.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace pomost::domain {

const std::string& Text::in(const std::string& lang) const {
  static const std::string kEmpty;
  if (auto it = by_lang.find(lang); it != by_lang.end()) return it->second;
  if (auto it = by_lang.find("en"); it != by_lang.end()) return it->second;
  return kEmpty;
}

const Item* Instrument::item(const std::string& id) const {
  for (const auto& i : items)
    if (i.id == id) return &i;
  return nullptr;
}

namespace {

class Loader {
 public:
  std::vector<FieldError> errors;

  Text text(const json::value* v, const std::string& path, bool required = true) {
    Text t;
    if (!v) {
      if (required) errors.push_back({path, "is required"});
      return t;
    }
    if (!v->is_object()) {
      errors.push_back({path, "must be an object of language -> text"});
      return t;
    }
    for (const auto& kv : v->as_object()) {
      if (!kv.value().is_string()) {
        errors.push_back({path + "." + std::string(kv.key()), "must be a string"});
        continue;
      }
      t.by_lang[std::string(kv.key())] = std::string(kv.value().as_string());
    }
    if (required && !t.has("en")) errors.push_back({path + ".en", "English text is required"});
    return t;
  }

  std::string str(const json::object& o, const char* key, const std::string& path, bool required = true) {
    auto* v = o.if_contains(key);
    if (!v) {
      if (required) errors.push_back({path + "." + key, "is required"});
      return {};
    }
    if (!v->is_string()) {
      errors.push_back({path + "." + key, "must be a string"});
      return {};
    }
    return std::string(v->as_string());
  }

  double number(const json::value& v, const std::string& path) {
    if (!v.is_number()) {
      errors.push_back({path, "must be a number"});
      return 0;
    }
    return v.to_number<double>();
  }

  Condition condition(const json::value& v, const std::string& path) {
    Condition c;
    if (!v.is_object()) {
      errors.push_back({path, "must be a condition object"});
      return c;
    }
    const auto& o = v.as_object();
    auto op_value = [&](Condition& x) {
      x.op = str(o, "op", path);
      static const std::vector<std::string> ops = {">=", ">", "<=", "<", "==", "!="};
      if (!x.op.empty() && std::find(ops.begin(), ops.end(), x.op) == ops.end())
        errors.push_back({path + ".op", "unknown operator"});
      if (auto* val = o.if_contains("value"))
        x.value = number(*val, path + ".value");
      else
        errors.push_back({path + ".value", "is required"});
    };
    if (o.contains("any") || o.contains("all")) {
      c.kind = o.contains("any") ? Condition::Kind::any : Condition::Kind::all;
      const auto& arr = o.contains("any") ? o.at("any") : o.at("all");
      if (!arr.is_array() || arr.as_array().empty()) {
        errors.push_back({path, "any/all need a non-empty array"});
        return c;
      }
      for (size_t i = 0; i < arr.as_array().size(); ++i)
        c.children.push_back(condition(arr.as_array()[i], path + "[" + std::to_string(i) + "]"));
    } else if (o.contains("declined")) {
      c.kind = Condition::Kind::declined;
      c.ref = str(o, "declined", path);
    } else if (o.contains("item")) {
      c.kind = Condition::Kind::item;
      c.ref = str(o, "item", path);
      op_value(c);
    } else if (o.contains("subscale")) {
      c.kind = Condition::Kind::subscale;
      c.ref = str(o, "subscale", path);
      op_value(c);
    } else if (o.contains("total")) {
      c.kind = Condition::Kind::total;
      op_value(c);
    } else {
      errors.push_back({path, "a condition needs item, declined, total, subscale, any or all"});
    }
    return c;
  }

  std::vector<Option> options(const json::value& v, const std::string& path,
                              const std::map<std::string, std::vector<Option>>& sets) {
    if (v.is_string()) {
      auto it = sets.find(std::string(v.as_string()));
      if (it == sets.end()) errors.push_back({path, "names no option set"});
      return it == sets.end() ? std::vector<Option>{} : it->second;
    }
    std::vector<Option> out;
    if (!v.is_array()) {
      errors.push_back({path, "must be an option set name or an array"});
      return out;
    }
    for (size_t i = 0; i < v.as_array().size(); ++i) {
      const auto& o = v.as_array()[i];
      std::string p = path + "[" + std::to_string(i) + "]";
      if (!o.is_object() || !o.as_object().contains("value")) {
        errors.push_back({p, "an option needs a value and a label"});
        continue;
      }
      Option opt;
      opt.value = static_cast<int>(number(o.as_object().at("value"), p + ".value"));
      opt.label = text(o.as_object().if_contains("label"), p + ".label");
      out.push_back(std::move(opt));
    }
    return out;
  }
};

void check_refs(const Instrument& ins, const Condition& c, const std::string& path, std::vector<FieldError>& errors) {
  if ((c.kind == Condition::Kind::item || c.kind == Condition::Kind::declined) && !ins.item(c.ref))
    errors.push_back({path, "refers to unknown item " + c.ref});
  if (c.kind == Condition::Kind::subscale &&
      std::none_of(ins.subscales.begin(), ins.subscales.end(), [&](const Subscale& s) { return s.id == c.ref; }))
    errors.push_back({path, "refers to unknown subscale " + c.ref});
  for (const auto& ch : c.children) check_refs(ins, ch, path, errors);
}

bool compare(double a, const std::string& op, double b) {
  if (op == ">=") return a >= b;
  if (op == ">") return a > b;
  if (op == "<=") return a <= b;
  if (op == "<") return a < b;
  if (op == "==") return a == b;
  return a != b;
}

// Values of the answers as numbers; declined answers are absent here.
struct Values {
  std::map<std::string, double> numbers;
  std::map<std::string, bool> declined;
  std::optional<double> total;
  std::map<std::string, double> subscales;
};

bool holds(const Condition& c, const Values& v) {
  switch (c.kind) {
    case Condition::Kind::item: {
      auto it = v.numbers.find(c.ref);
      return it != v.numbers.end() && compare(it->second, c.op, c.value);
    }
    case Condition::Kind::declined:
      return v.declined.count(c.ref) > 0;
    case Condition::Kind::total:
      return v.total && compare(*v.total, c.op, c.value);
    case Condition::Kind::subscale: {
      auto it = v.subscales.find(c.ref);
      return it != v.subscales.end() && compare(it->second, c.op, c.value);
    }
    case Condition::Kind::any:
      return std::any_of(c.children.begin(), c.children.end(), [&](const Condition& x) { return holds(x, v); });
    case Condition::Kind::all:
      return std::all_of(c.children.begin(), c.children.end(), [&](const Condition& x) { return holds(x, v); });
    case Condition::Kind::classification:
      return false;
  }
  return false;
}

double bam_days_30(double days) {
  if (days <= 0) return 0;
  if (days <= 3) return 1;
  if (days <= 8) return 2;
  if (days <= 15) return 3;
  return 4;
}

// Day-count transforms apply to day-count (number) items only; Likert items keep their 0-4 value.
double transformed(const std::string& transform, const Item* item, double v) {
  if (transform == "bam_days_30" && item && item->type == "number") return bam_days_30(v);
  return v;
}

std::string format_value(double d) {
  std::ostringstream s;
  s << d;
  return s.str();
}

// Checks one answer against its item; returns the error message or "" when valid.
// Empty field when the answer is acceptable; otherwise the error with a code clients translate.
FieldError check_answer(const Item& item, const json::value& a) {
  if (a.is_string() && a.as_string() == "declined")
    return item.allow_declined ? FieldError{} : FieldError{"", "cannot be declined", "not_declinable", {}};
  if (!a.is_number()) return {"", "must be a number", "type", {{"expected", "number"}}};
  double d = a.to_number<double>();
  if (item.type == "number") {
    if (item.integer && d != std::floor(d)) return {"", "must be a whole number", "type", {{"expected", "integer"}}};
    if (d < item.min || d > item.max)
      return {"",
              "must be between " + format_value(item.min) + " and " + format_value(item.max),
              "range",
              {{"min", item.min}, {"max", item.max}}};
    return {};
  }
  for (const auto& o : item.options)
    if (o.value == d) return {};
  std::string allowed;
  json::array values;
  for (const auto& o : item.options) {
    allowed += (allowed.empty() ? "" : ", ") + format_value(o.value);
    values.push_back(o.value);
  }
  if (item.allow_declined) values.push_back("declined");
  return {"",
          "must be one of " + allowed + (item.allow_declined ? " or \"declined\"" : ""),
          "one_of",
          {{"allowed", std::move(values)}}};
}

}  // namespace

Result<Instrument> load_instrument(const json::object& d) {
  Loader l;
  Instrument ins;
  ins.source = d;
  ins.id = l.str(d, "id", "");
  ins.version = l.str(d, "version", "");
  ins.title = l.text(d.if_contains("title"), "title");
  ins.instructions = l.text(d.if_contains("instructions"), "instructions", false);
  ins.administration = l.str(d, "administration", "");
  if (ins.administration != "self_report" && ins.administration != "clinician")
    l.errors.push_back({"administration", "must be self_report or clinician"});
  if (auto* langs = d.if_contains("languages"); langs && langs->is_object()) {
    for (const auto& kv : langs->as_object())
      ins.language_status[std::string(kv.key())] = kv.value().is_string() ? std::string(kv.value().as_string()) : "";
  } else {
    l.errors.push_back(
        {"languages", "must say, per language, whether the wording is original, validated or an English fallback"});
  }
  for (const char* lang : {"en", "pl", "de"})
    if (!ins.language_status.count(lang)) l.errors.push_back({std::string("languages.") + lang, "is required"});
  ins.licence = l.str(d, "licence", "");
  ins.translation_note = l.str(d, "translation_note", "", false);
  if (auto* lo = d.if_contains("loinc"); lo && lo->is_object()) {
    ins.loinc_panel = l.str(lo->as_object(), "panel", "loinc", false);
    ins.loinc_total = l.str(lo->as_object(), "total", "loinc", false);
  }
  std::map<std::string, std::vector<Option>> sets;
  if (auto* os = d.if_contains("option_sets"); os && os->is_object())
    for (const auto& kv : os->as_object())
      sets[std::string(kv.key())] = l.options(kv.value(), "option_sets." + std::string(kv.key()), sets);
  const json::array* items = d.contains("items") && d.at("items").is_array() ? &d.at("items").as_array() : nullptr;
  if (!items || items->empty()) l.errors.push_back({"items", "must be a non-empty array"});
  for (size_t i = 0; items && i < items->size(); ++i) {
    std::string p = "items[" + std::to_string(i) + "]";
    if (!(*items)[i].is_object()) {
      l.errors.push_back({p, "must be an object"});
      continue;
    }
    const auto& o = (*items)[i].as_object();
    Item it;
    it.id = l.str(o, "id", p);
    it.text = l.text(o.if_contains("text"), p + ".text");
    it.type = o.contains("type") ? l.str(o, "type", p) : "choice";
    if (it.type == "choice") {
      if (auto* opts = o.if_contains("options"))
        it.options = l.options(*opts, p + ".options", sets);
      else
        l.errors.push_back({p + ".options", "is required for a choice item"});
    } else if (it.type == "number") {
      it.min = o.contains("min") ? l.number(o.at("min"), p + ".min") : 0;
      it.max = o.contains("max") ? l.number(o.at("max"), p + ".max") : 0;
      it.integer = !o.contains("integer") || (o.at("integer").is_bool() && o.at("integer").as_bool());
      if (it.max <= it.min) l.errors.push_back({p + ".max", "must be above min"});
    } else {
      l.errors.push_back({p + ".type", "must be choice or number"});
    }
    auto flag = [&](const char* k, bool def) {
      auto* v = o.if_contains(k);
      return v && v->is_bool() ? v->as_bool() : def;
    };
    it.required = flag("required", true);
    it.scored = flag("scored", true);
    it.allow_declined = flag("allow_declined", false);
    if (auto* s = o.if_contains("show_if")) it.show_if = l.condition(*s, p + ".show_if");
    it.loinc = l.str(o, "loinc", p, false);
    if (ins.item(it.id)) l.errors.push_back({p + ".id", "is used twice"});
    ins.items.push_back(std::move(it));
  }
  if (auto* t = d.if_contains("total"); t && t->is_object()) {
    if (auto* arr = t->as_object().if_contains("items"); arr && arr->is_array())
      for (const auto& x : arr->as_array())
        if (x.is_string()) ins.total_items.emplace_back(x.as_string());
    ins.total_transform = l.str(t->as_object(), "transform", "total", false);
  }
  if (auto* subs = d.if_contains("subscales"); subs && subs->is_array()) {
    for (size_t i = 0; i < subs->as_array().size(); ++i) {
      std::string p = "subscales[" + std::to_string(i) + "]";
      const auto& so = subs->as_array()[i].as_object();
      Subscale s;
      s.id = l.str(so, "id", p);
      s.label = l.text(so.if_contains("label"), p + ".label");
      if (auto* arr = so.if_contains("items"); arr && arr->is_array())
        for (const auto& x : arr->as_array())
          if (x.is_string()) s.items.emplace_back(x.as_string());
      s.transform = l.str(so, "transform", p, false);
      ins.subscales.push_back(std::move(s));
    }
  }
  if (auto* bands = d.if_contains("bands"); bands && bands->is_array()) {
    for (size_t i = 0; i < bands->as_array().size(); ++i) {
      std::string p = "bands[" + std::to_string(i) + "]";
      const auto& bo = bands->as_array()[i].as_object();
      Band b;
      b.min = bo.contains("min") ? l.number(bo.at("min"), p + ".min") : 0;
      b.max = bo.contains("max") ? l.number(bo.at("max"), p + ".max") : 0;
      b.id = l.str(bo, "id", p);
      b.label = l.text(bo.if_contains("label"), p + ".label");
      ins.bands.push_back(std::move(b));
    }
  }
  if (auto* cs = d.if_contains("cutoff_sets"); cs && cs->is_object()) {
    for (const auto& kv : cs->as_object()) {
      SexCutoffs sc;
      if (kv.value().is_object())
        for (const auto& s : kv.value().as_object())
          sc.by_sex[std::string(s.key())] = l.number(s.value(), "cutoff_sets");
      ins.cutoff_sets[std::string(kv.key())] = std::move(sc);
    }
  }
  if (auto* cl = d.if_contains("classifications"); cl && cl->is_array()) {
    for (size_t i = 0; i < cl->as_array().size(); ++i) {
      std::string p = "classifications[" + std::to_string(i) + "]";
      const auto& co = cl->as_array()[i].as_object();
      Classification c;
      c.id = l.str(co, "id", p);
      if (auto* w = co.if_contains("when"))
        c.when = l.condition(*w, p + ".when");
      else
        l.errors.push_back({p + ".when", "is required"});
      c.safety = co.contains("safety") && co.at("safety").is_bool() && co.at("safety").as_bool();
      ins.classifications.push_back(std::move(c));
    }
  }
  // References must resolve, and bands must cover the total's range without gaps.
  for (const auto& t : ins.total_items)
    if (!ins.item(t)) l.errors.push_back({"total.items", "refers to unknown item " + t});
  for (const auto& s : ins.subscales)
    for (const auto& t : s.items)
      if (!ins.item(t)) l.errors.push_back({"subscales." + s.id, "refers to unknown item " + t});
  for (size_t i = 0; i < ins.items.size(); ++i)
    if (ins.items[i].show_if)
      check_refs(ins, *ins.items[i].show_if, "items[" + std::to_string(i) + "].show_if", l.errors);
  for (size_t i = 0; i < ins.classifications.size(); ++i)
    check_refs(ins, ins.classifications[i].when, "classifications[" + std::to_string(i) + "].when", l.errors);
  for (size_t i = 1; i < ins.bands.size(); ++i)
    if (ins.bands[i].min != ins.bands[i - 1].max + 1)
      l.errors.push_back({"bands[" + std::to_string(i) + "]", "must start right after the previous band"});
  if (!l.errors.empty())
    return Status::Invalid(std::move(l.errors), "The instrument definition " + ins.id + " is not valid.");
  return ins;
}

namespace {

Values values_of(const Instrument& ins, const std::map<std::string, json::value>& answers) {
  Values v;
  for (const auto& [id, a] : answers) {
    if (a.is_string())
      v.declined[id] = true;
    else
      v.numbers[id] = a.to_number<double>();
  }
  if (!ins.total_items.empty()) {
    double total = 0;
    bool any = false;
    for (const auto& t : ins.total_items) {
      if (auto it = v.numbers.find(t); it != v.numbers.end()) {
        total += transformed(ins.total_transform, ins.item(t), it->second);
        any = true;
      }
    }
    if (any) v.total = total;
  }
  for (const auto& s : ins.subscales) {
    double sum = 0;
    bool any = false;
    for (const auto& t : s.items)
      if (auto it = v.numbers.find(t); it != v.numbers.end()) {
        sum += transformed(s.transform, ins.item(t), it->second);
        any = true;
      }
    if (any) v.subscales[s.id] = sum;
  }
  return v;
}

bool shown(const Item& item, const Values& v) {
  return !item.show_if || holds(*item.show_if, v);
}

}  // namespace

Result<Score> score(const Instrument& ins, const json::object& answers, const ScoringContext& ctx) {
  std::vector<FieldError> errors;
  std::map<std::string, json::value> valid;
  for (const auto& kv : answers) {
    std::string id(kv.key());
    const Item* item = ins.item(id);
    if (!item) {
      errors.push_back({"answers." + id, "is not an item of " + ins.id, "unknown_field", {}});
      continue;
    }
    FieldError why = check_answer(*item, kv.value());
    if (!why.message.empty()) {
      why.field = "answers." + id;
      errors.push_back(std::move(why));
    } else {
      valid[id] = kv.value();
    }
  }
  Values v = values_of(ins, valid);
  for (const auto& item : ins.items) {
    bool asked = shown(item, v);
    bool given = answers.contains(item.id);
    if (asked && item.required && !given) errors.push_back({"answers." + item.id, "is required", "required", {}});
    if (!asked && given && valid.count(item.id))
      errors.push_back({"answers." + item.id, "is not asked after the answers given before it", "not_asked", {}});
  }
  if (!errors.empty()) return Status::Invalid(std::move(errors), "Some answers are missing or out of range.");
  Score s;
  s.answers = std::move(valid);
  s.total = v.total;
  s.subscales = v.subscales;
  if (s.total && !ins.bands.empty()) {
    for (const auto& b : ins.bands)
      if (*s.total >= b.min && *s.total <= b.max) s.band = b.id;
    if (!s.band) return Status::Internal("no band of " + ins.id + " holds total " + format_value(*s.total));
  }
  if (s.total && !ins.cutoff_sets.empty()) {
    auto set = ins.cutoff_sets.find(ctx.cutoff_set);
    if (set == ins.cutoff_sets.end()) set = ins.cutoff_sets.begin();
    const auto& by_sex = set->second.by_sex;
    double cut = 0;
    if (auto it = by_sex.find(ctx.sex); it != by_sex.end()) {
      cut = it->second;
    } else {
      // rules.md: "diverse" and "unknown" use the lower cut-off.
      cut = by_sex.empty() ? 0 : std::min_element(by_sex.begin(), by_sex.end(), [](auto& a, auto& b) {
                                   return a.second < b.second;
                                 })->second;
    }
    s.band = *s.total >= cut ? "positive" : "negative";
  }
  for (const auto& c : ins.classifications) {
    if (!holds(c.when, v)) continue;
    if (!s.classification) s.classification = c.id;
    if (c.safety) s.safety_classifications.push_back(c.id);
  }
  return s;
}

std::vector<std::string> safety_signals(const Instrument& ins, const json::object& answers) {
  std::map<std::string, json::value> valid;
  for (const auto& kv : answers) {
    const Item* item = ins.item(std::string(kv.key()));
    if (item && check_answer(*item, kv.value()).message.empty()) valid[std::string(kv.key())] = kv.value();
  }
  Values v = values_of(ins, valid);
  std::vector<std::string> out;
  for (const auto& c : ins.classifications)
    if (c.safety && holds(c.when, v)) out.push_back(c.id);
  return out;
}

Status InstrumentCatalog::add(const json::object& definition) {
  ASSIGN_OR_RETURN(Instrument ins, load_instrument(definition));
  std::string id = ins.id;
  by_id_[id] = std::make_shared<const Instrument>(std::move(ins));
  return {};
}

Status InstrumentCatalog::load_directory(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::Internal("no instrument directory at " + dir);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    auto obj = parse_object(ss.str());
    if (!obj.ok()) return Status::Internal(f.string() + ": not a JSON object");
    Status st = add(*obj);
    if (!st.ok()) {
      std::string msg = f.string() + ": " + st.message();
      for (const auto& e : st.errors()) msg += " [" + e.field + ": " + e.message + "]";
      return Status::Internal(msg);
    }
  }
  return {};
}

const Instrument* InstrumentCatalog::find(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second.get();
}

std::vector<const Instrument*> InstrumentCatalog::all() const {
  std::vector<const Instrument*> out;
  for (const auto& [id, p] : by_id_) out.push_back(p.get());
  return out;
}

}  // namespace pomost::domain
