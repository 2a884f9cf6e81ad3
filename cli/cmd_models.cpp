#include <algorithm>
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "twinsim/pkpd/pd_model.hpp"
#include "twinsim/pkpd/pk_model.hpp"
#include "twinsim/pkpd/registry.hpp"
#include "twinsim/pkpd/user/model_spec.hpp"
#include "twinsim/pkpd/user/user_model.hpp"

namespace twinsim::cli {

namespace {

void print_params(const std::vector<pkpd::ParamSpec>& specs) {
  for (const auto& p : specs) {
    std::string bound = p.range.describe();
    std::string dflt = p.required() ? "required" : "default " + core::format_number(p.default_value);
    std::printf("    %-8s %-6s %-10s %-14s %s\n", p.name.c_str(), p.unit.c_str(), bound.c_str(), dflt.c_str(),
                p.description.c_str());
  }
}

void print_indented(const std::string& text) {
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = text.find('\n', start);
    std::printf("    %s\n", text.substr(start, end - start).c_str());
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "none" : s;
}

// Rows: equations (d dydt_i); columns: what they are differentiated by.
void print_pattern(const std::vector<std::string>& rows, const std::vector<std::string>& cols,
                   const std::vector<std::pair<int, int>>& nz) {
  std::vector<std::string> cell(rows.size() * cols.size(), ".");
  for (const auto& [i, j] : nz) cell[static_cast<std::size_t>(i) * cols.size() + static_cast<std::size_t>(j)] = "x";
  std::size_t w = 4;
  for (const auto& r : rows) w = std::max(w, r.size());
  std::printf("    %*s", static_cast<int>(w), "");
  for (const auto& c : cols) std::printf(" %s", c.c_str());
  std::printf("\n");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    std::printf("    %*s", static_cast<int>(w), rows[i].c_str());
    for (std::size_t j = 0; j < cols.size(); ++j)
      std::printf(" %*s", static_cast<int>(cols[j].size()), cell[i * cols.size() + j].c_str());
    std::printf("\n");
  }
}

void print_user_model(const pkpd::user::UserModel& m, const pkpd::user::UserModelBlock& block) {
  using pkpd::user::UserModelForm;
  const auto& spec = m.spec();
  const auto at = block.node.mark();
  std::printf("%s (%s:%d:%d): %s\n", block.node.path().c_str(), at.file.c_str(), at.line, at.column,
              block.form == UserModelForm::kWhole ? "whole PK/PD model" : "PD model on the built-in PK model");
  if (m.backend() == pkpd::user::Backend::kNative) {
    std::printf("  code: native, %s in %.3f s\n  library: %s\n", m.cache_hit() ? "loaded from the cache" : "compiled",
                m.build_seconds(), m.library_path().c_str());
  } else {
    std::printf("  code: interpreted (prepared in %.3f s): %s\n", m.build_seconds(), m.note().c_str());
  }
  std::printf("  parameters (%d):\n", m.n_parameters());
  for (const auto& p : spec.parameters) {
    core::Range r{p.lower, p.upper, false, false};
    std::printf("    %-10s %-12s %-10s %s\n", p.name.c_str(), core::format_number(p.value).c_str(),
                p.unit.empty() ? "-" : p.unit.c_str(), r.describe() == "finite" ? "" : r.describe().c_str());
  }
  std::printf("  states (%d), initial values:\n", m.n_states());
  for (const auto& s : spec.states) std::printf("    %-10s %s\n", s.name.c_str(), s.initial_text.c_str());
  std::printf("  inputs: %s\n", join(spec.inputs).c_str());
  std::printf("  equations (as read; parentheses show precedence):\n");
  for (const auto& e : spec.equations) std::printf("    %s\n", e.c_str());
  std::printf("  outputs (%d):\n", m.n_outputs());
  for (const auto& o : spec.outputs) std::printf("    %-10s = %s\n", o.name.c_str(), o.text.c_str());
  if (block.form == UserModelForm::kWhole) {
    std::vector<std::string> routes;
    if (spec.dosing.oral >= 0) routes.push_back("oral -> " + spec.states[static_cast<std::size_t>(spec.dosing.oral)].name);
    if (spec.dosing.iv >= 0)
      routes.push_back("iv (iv_bolus, iv_infusion) -> " + spec.states[static_cast<std::size_t>(spec.dosing.iv)].name);
    std::printf("  dosing: %s\n", join(routes).c_str());
  }
  const std::size_t n = static_cast<std::size_t>(m.n_states());
  std::printf("  Jacobian d(dy/dt)/dy: %zu of %zu entries non-zero\n", m.jacobian_sparsity().size(), n * n);
  print_pattern(m.state_names(), m.state_names(), m.jacobian_sparsity());
  if (m.n_inputs() > 0) {
    std::printf("  d(dy/dt)/d(inputs): %zu of %zu entries non-zero\n", m.input_sparsity().size(),
                n * static_cast<std::size_t>(m.n_inputs()));
    print_pattern(m.state_names(), spec.inputs, m.input_sparsity());
  }
}

}  // namespace

int models_check_command(const std::string& scenario) {
  const core::ConfigNode root = core::ConfigNode::load_file(scenario);
  const auto blocks = pkpd::user::user_model_blocks(root);
  if (blocks.empty())
    throw core::ScenarioError(root.get("model").mark(), "model",
                              "no user model here: expected model.ode or a model.pd entry with type: ode");
  core::Diagnostics diag;
  std::vector<pkpd::user::UserModelSpec> specs;
  for (const auto& b : blocks) {
    pkpd::user::UserModelParseOptions opt;
    opt.form = b.form;
    specs.push_back(pkpd::user::parse_user_model(b.node, diag, opt));
  }
  diag.throw_if_any();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (i) std::printf("\n");
    print_user_model(pkpd::user::build_user_model(std::move(specs[i])), blocks[i]);
  }
  return 0;
}

int models_command() {
  std::printf("PK models (model.pk): units h, mg, L, mg/L\n\n");
  for (const auto& e : pkpd::registry().dispositions()) {
    const auto disp = e.make();
    const pkpd::PkModel m(disp->compartments(), pkpd::Absorption::kNone, pkpd::Elimination::kLinear);
    std::printf("%s  (compartments: %d)  %s\n", e.name.c_str(), disp->compartments(), e.description.c_str());
    std::printf("  parameters:\n");
    print_params(disp->parameters());
    std::printf("  equations:\n");
    print_indented(disp->equations());
    std::printf("\n");
  }
  std::printf("absorption (model.pk.absorption), adds to any disposition:\n");
  const pkpd::Absorption abs[] = {pkpd::Absorption::kNone, pkpd::Absorption::kFirstOrder,
                                  pkpd::Absorption::kZeroOrder, pkpd::Absorption::kTransit};
  for (auto a : abs) {
    const pkpd::PkModel m(1, a, pkpd::Elimination::kLinear);
    std::printf("  %s\n", pkpd::to_string(a));
    std::vector<pkpd::ParamSpec> extra(m.parameters().begin() + 2, m.parameters().end() - 2);
    print_params(extra);
  }
  std::printf("\nelimination (model.pk.elimination):\n  linear            CL\n");
  std::printf("  michaelis_menten  CL replaced by:\n");
  const pkpd::PkModel mm(1, pkpd::Absorption::kNone, pkpd::Elimination::kMichaelisMenten);
  print_params({mm.parameters()[1], mm.parameters()[2]});
  std::printf("    dA1/dt = ... - VMAX*C/(KM + C)\n");
  std::printf("\nevery model also takes:\n");
  print_params({mm.parameters()[3], mm.parameters()[4]});

  std::printf("\nPD models (model.pd[]), driven by C = Cc (default) or an effect-compartment Ce (input: NAME):\n\n");
  for (const auto& e : pkpd::registry().pd_models()) {
    const auto out = e.model->output();
    std::printf("%s  -> %s (%s)  %s\n", e.name.c_str(), out.name.c_str(), out.unit.c_str(), e.description.c_str());
    std::printf("  parameters:\n");
    print_params(e.model->parameters());
    if (e.model->n_states() > 0) {
      std::printf("  states:");
      for (const auto& st : e.model->states()) std::printf(" %s (%s)", st.name.c_str(), st.unit.c_str());
      std::printf("\n");
    }
    std::printf("  equations:\n");
    print_indented(e.model->equations());
    std::printf("\n");
  }
  return 0;
}

}  // namespace twinsim::cli
