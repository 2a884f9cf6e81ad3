#include <stdexcept>

#include "twinsim/trial/designs/designs.hpp"
#include "twinsim/trial/designs/phase2.hpp"
#include "twinsim/trial/designs/tite_crm.hpp"

namespace twinsim::trial {

namespace {

std::vector<DesignEntry>& entries() {
  // One line per design.
  static std::vector<DesignEntry> list = {
      {"fixed", "protocol-defined arm: `patients` patients at `dose`", &parse_fixed, false},
      {"three_plus_three", "standard 3+3 rule (cohorts of 3, MTD = highest dose with <=1/6 DLTs)", &parse_three_plus_three},
      {"boin", "Bayesian optimal interval design (Liu & Yuan 2015; R package BOIN)", &parse_boin},
      {"crm", "continual reassessment method, empiric or logistic (O'Quigley 1990; R package dfcrm)", &parse_crm},
      {"mtpi2", "modified toxicity probability interval design 2 (Guo et al. 2017)", &parse_mtpi2},
      {"i3+3", "interval 3+3 design (Liu, Wang & Ji 2020)", &parse_i3p3},
      {"blrm", "Bayesian logistic regression with EWOC (Neuenschwander, Branson & Gsponer 2008)", &parse_blrm},
      {"simon_two_stage", "Simon's optimal or minimax two-stage phase II design at one dose (Simon 1989)", &parse_simon_two_stage},
      {"bop2", "Bayesian optimal phase II design, futility monitoring of a binary response (Zhou, Lee & Yuan 2017)", &parse_bop2},
      {"boin12", "BOIN12 utility-based optimal biological dose finding (Lin, Zhou, Yan, Li & Yuan 2020)", &parse_boin12, true, true},
      {"tite_crm", "time-to-event CRM, decisions at each arrival with pending patients weighted (Cheung & Chappell 2000; dfcrm titesim)", &parse_tite_crm, true, false, true},
      {"tite_boin", "time-to-event BOIN with accrual suspension (Yuan et al. 2018; effective sample size of Lin & Yuan 2020)", &parse_tite_boin, true, false, true},
  };
  return list;
}

}  // namespace

const std::vector<DesignEntry>& design_registry() { return entries(); }

void register_design(const DesignEntry& entry) {
  if (entry.type.empty() || !entry.parse) throw std::invalid_argument("register_design: needs a type and a parser");
  if (find_design(entry.type)) throw std::invalid_argument("register_design: type '" + entry.type + "' exists");
  entries().push_back(entry);
}

bool design_type_is_dose_finding(const std::string& type) {
  const DesignEntry* e = find_design(type);
  return e == nullptr || e->dose_finding;
}

bool design_type_selects_obd(const std::string& type) {
  const DesignEntry* e = find_design(type);
  return e != nullptr && e->selects_obd;
}

bool design_type_is_time_driven(const std::string& type) {
  const DesignEntry* e = find_design(type);
  return e != nullptr && e->time_driven;
}

const DesignEntry* find_design(const std::string& type) {
  for (const auto& e : design_registry())
    if (e.type == type) return &e;
  return nullptr;
}

}  // namespace twinsim::trial
