// population.derived: BSA (Mosteller, DuBois), BMI, Cockcroft-Gault CrCL.
#include <algorithm>

#include "parse_support.hpp"

namespace twinsim::vp::detail {

using core::ConfigNode;
using core::Diagnostics;
using core::MapReader;

namespace {

struct Input {
  const char* key;          // key that renames the input, e.g. `weight: BW`
  const char* fallback;     // default covariate name
  const char* meaning;      // for messages
  bool categorical;         // sex
  bool must_be_positive;
};

// Resolves one input of a formula to a covariate column; the error points at
// the renaming key if given, else at `formula`.
std::optional<std::size_t> resolve(MapReader& r, const Input& in, const std::string& formula,
                                   const ConfigNode& formula_node, const std::vector<ColumnInfo>& columns) {
  Diagnostics& diag = r.diagnostics();
  const ConfigNode given = r.get(in.key);
  const bool renamed = !given.is_missing();
  const ConfigNode where = renamed ? given : formula_node;
  std::string name = in.fallback;
  if (renamed) {
    const auto s = core::read_string(given, diag);
    if (!s) return std::nullopt;
    name = *s;
  }
  const auto it = std::find_if(columns.begin(), columns.end(), [&](const ColumnInfo& c) { return c.name == name; });
  if (it == columns.end()) {
    std::string msg = formula + " needs covariate " + name + " (" + in.meaning + "), which is not defined";
    if (!renamed) msg += std::string("; define it or name another covariate with `") + in.key + ": ...`";
    diag.error(where.mark(), where.path(), msg);
    return std::nullopt;
  }
  if (it->categorical != in.categorical) {
    diag.error(where.mark(), where.path(),
               formula + " needs " + name + " (" + in.meaning + ") to be " +
                   (in.categorical ? "categorical" : "continuous"));
    return std::nullopt;
  }
  if (in.must_be_positive && !it->positive) {
    diag.error(where.mark(), where.path(),
               formula + " needs " + name + " > 0 for every patient, but its distribution allows values <= 0 " +
                   "(give it a lower bound > 0)");
    return std::nullopt;
  }
  return static_cast<std::size_t>(it - columns.begin());
}

}  // namespace

void parse_derived(const ConfigNode& node, Diagnostics& diag, const PopulationContext& ctx, PopulationSpec& spec,
                   std::vector<ColumnInfo>& columns) {
  if (!node.is_sequence()) {
    diag.error(node.mark(), node.path(), "expected a list of derived covariates, got " + node.describe());
    return;
  }
  static const Input kWeight{"weight", "WT", "body weight, kg", false, true};
  static const Input kHeight{"height", "HT", "height, cm", false, true};
  static const Input kAge{"age", "AGE", "age, years", false, false};
  static const Input kCreatinine{"creatinine", "SCR", "serum creatinine, mg/dL", false, true};
  static const Input kSex{"sex", "SEX", "sex", true, false};

  for (std::size_t i = 0; i < node.size(); ++i) {
    const ConfigNode item = node.at(i);
    MapReader r(item, diag);
    if (!r.valid()) continue;
    const auto name = r.required_string("name");
    const ConfigNode formula_node = r.require("formula");
    const auto formula = formula_node.is_missing()
                             ? std::nullopt
                             : core::read_choice(formula_node, diag, {"mosteller", "dubois", "bmi", "cockcroft_gault"});
    bool ok = name && formula && check_new_name(item.get("name"), *name, columns, ctx, diag);
    DerivedCovariateSpec d;
    ColumnInfo info;
    info.source = ColumnInfo::Source::kDerived;
    info.name = name.value_or("");
    info.lo = 0.0;
    if (formula && *formula != "cockcroft_gault") {
      d.formula = *formula == "mosteller" ? DerivedFormula::kBsaMosteller
                  : *formula == "dubois"  ? DerivedFormula::kBsaDuBois
                                          : DerivedFormula::kBmi;
      const auto w = resolve(r, kWeight, *formula, formula_node, columns);
      const auto h = resolve(r, kHeight, *formula, formula_node, columns);
      ok = ok && w && h;
      if (ok) {
        d.weight = *w;
        d.height = *h;
        info.positive = true;  // resolve() required positive inputs
      }
    } else if (formula) {
      d.formula = DerivedFormula::kCockcroftGault;
      const auto age = resolve(r, kAge, *formula, formula_node, columns);
      const auto w = resolve(r, kWeight, *formula, formula_node, columns);
      const auto scr = resolve(r, kCreatinine, *formula, formula_node, columns);
      const auto sex = resolve(r, kSex, *formula, formula_node, columns);
      const ConfigNode female_node = r.get("female");
      std::string female = "female";
      if (!female_node.is_missing()) female = core::read_string(female_node, diag).value_or(female);
      if (sex) {
        const auto& levels = columns[*sex].levels;
        const auto it = std::find(levels.begin(), levels.end(), female);
        if (it == levels.end()) {
          const ConfigNode where = female_node.is_missing() ? formula_node : female_node;
          std::string have;
          for (std::size_t k = 0; k < levels.size(); ++k) have += (k ? ", " : "") + levels[k];
          diag.error(where.mark(), where.path(),
                     columns[*sex].name + " has no level '" + female + "' (its levels are " + have +
                         "); name the female level with `female: ...`");
          ok = false;
        } else {
          d.female_code = static_cast<double>(it - levels.begin());
        }
      }
      ok = ok && age && w && scr && sex;
      if (ok) {
        d.age = *age;
        d.weight = *w;
        d.creatinine = *scr;
        d.sex = *sex;
        info.positive = columns[*age].hi < 140.0;  // (140 - AGE) > 0
        info.lo = info.positive ? 0.0 : -std::numeric_limits<double>::infinity();
      }
    }
    r.finish();
    columns.push_back(info);
    if (ok) {
      d.name = *name;
      spec.derived.push_back(d);
    } else {
      spec.derived.emplace_back();  // keeps indices aligned; the spec is rejected anyway
    }
  }
}

}  // namespace twinsim::vp::detail
