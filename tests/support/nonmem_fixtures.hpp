// Reading NONMEM-format data sets in tests: the options of a one-compartment
// oral model (CMT 1 = depot, bolus only; 2 = central, infusions) with outputs
// Cc and ANC, and the diagnostics a text gives.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "twinsim/core/nonmem_data.hpp"

namespace twinsim::test {

inline core::DataSetOptions oral_options() {
  core::DataSetOptions o;
  o.compartments = {{1, "depot", false}, {2, "central", true}};
  o.outputs = {"Cc", "ANC"};
  return o;
}

inline core::DataSetOptions fit_options() {
  core::DataSetOptions o = oral_options();
  o.fitting = true;
  return o;
}

inline core::DataSet read_text(const std::string& text, const core::DataSetOptions& o = oral_options()) {
  return core::read_data_set_text(text, "d.csv", o);
}

// Every diagnostic of a rejected text, formatted; {"accepted"} if it reads.
inline std::vector<std::string> errors_of(const std::string& text, const core::DataSetOptions& o = oral_options()) {
  try {
    (void)read_text(text, o);
  } catch (const core::DataSetError& e) {
    std::vector<std::string> out;
    for (const auto& d : e.diagnostics()) out.push_back(d.format());
    return out;
  }
  return {"accepted"};
}

// The one diagnostic a text must give.
inline std::string error_of(const std::string& text, const core::DataSetOptions& o = oral_options()) {
  const auto all = errors_of(text, o);
  INFO("diagnostics: " << all.size());
  for (const auto& a : all) UNSCOPED_INFO(a);
  CHECK(all.size() == 1);
  return all.empty() ? std::string() : all.front();
}

// The one diagnostic of the DataSetError that `run` must throw; "accepted" if none.
template <class Run>
std::string only_error(Run run) {
  try {
    run();
  } catch (const core::DataSetError& e) {
    CHECK(e.diagnostics().size() == 1);
    return e.diagnostics().front().format();
  }
  return "accepted";
}

}  // namespace twinsim::test
