// One named column of a result table, shared by the endpoints that declare
// columns and the tables that hold them.
#pragma once

#include <string>

namespace twinsim::trial {

// A per-patient or per-cycle output column beyond the fixed ones
// (PatientModel::extra_columns, cycle_columns; Endpoint declarations).
struct ColumnSpec {
  std::string name;
  std::string unit;  // "" where the value has no unit
  bool integer = false;
};

}  // namespace twinsim::trial
