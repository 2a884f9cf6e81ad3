#include <cstdio>
#include <string>

#include "commands.hpp"
#include "twinsim/pkpd/pd_model.hpp"
#include "twinsim/pkpd/pk_model.hpp"
#include "twinsim/pkpd/registry.hpp"

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

}  // namespace

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
