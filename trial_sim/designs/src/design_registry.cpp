#include "twinsim/trial/designs/designs.hpp"

namespace twinsim::trial {

const std::vector<DesignEntry>& design_registry() {
  // One line per design.
  static const std::vector<DesignEntry> entries = {
      {"fixed", "protocol-defined arm: `patients` patients at `dose`", &parse_fixed},
      {"three_plus_three", "standard 3+3 rule (cohorts of 3, MTD = highest dose with <=1/6 DLTs)", &parse_three_plus_three},
      {"boin", "Bayesian optimal interval design (Liu & Yuan 2015; R package BOIN)", &parse_boin},
      {"crm", "continual reassessment method, empiric or logistic (O'Quigley 1990; R package dfcrm)", &parse_crm},
      {"mtpi2", "modified toxicity probability interval design 2 (Guo et al. 2017)", &parse_mtpi2},
      {"i3+3", "interval 3+3 design (Liu, Wang & Ji 2020)", &parse_i3p3},
  };
  return entries;
}

const DesignEntry* find_design(const std::string& type) {
  for (const auto& e : design_registry())
    if (e.type == type) return &e;
  return nullptr;
}

}  // namespace twinsim::trial
