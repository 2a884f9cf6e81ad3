// The reader behind read_data_set_*: nonmem_data.cpp parses the header and the
// fields, nonmem_rules.cpp applies NONMEM's defaults and the record rules.
#pragma once

#include "twinsim/core/csv.hpp"
#include "twinsim/core/nonmem_data.hpp"

#include <map>
#include <string>
#include <vector>

namespace twinsim::core {

// The columns NONMEM gives a meaning to; every other column is `extra`.
enum class Item : int { id, time, amt, rate, ii, addl, cmt, evid, ss, mdv, dv, output, dvid, blq, lloq, extra };

const char* item_name(Item item);
// '.', "" and NA are missing values (NONMEM reads '.' and blank; R writes NA).
bool is_missing(const std::string& text);

// Where a field starts; the file name is added only to a diagnostic.
struct Pos {
  int line = 0, column = 0;
};

class DataSetBuilder {
 public:
  DataSetBuilder(std::string name, const DataSetOptions& options);
  void header(const CsvRecord& rec);
  void record(const CsvRecord& rec);
  // Throws DataSetError if anything was reported.
  DataSet finish(bool saw_header);

 private:
  static constexpr std::size_t kAbsent = static_cast<std::size_t>(-1);

  // One field as parsed: present in the file and not missing (`given`), or
  // unreadable (`bad`, already reported), or neither (absent or '.').
  struct Value {
    bool given = false;
    bool bad = false;
    double value = 0.0;
    Pos where;  // the field; line 0 when the column is absent
  };
  struct Fields {
    Pos start;  // the record's first field
    Value id, time, amt, rate, ii, addl, cmt, evid, ss, mdv, dv, blq, lloq;
    std::string output;
    Pos output_where;
    const std::string* output_key = nullptr;  // the OUTPUT or DVID column, if any
    bool output_is_dvid = false;
  };
  // What the rules remember of the records before this one.
  struct Individual {
    double id = 0.0;
    int first_line = 0;
  };

  void error(const SourceMark& where, const std::string& key, const std::string& message);
  void error(Pos where, const std::string& key, const std::string& message) {
    error(SourceMark{data_.file_, where.line, where.column}, key, message);
  }
  static Pos at(const CsvField& f) { return Pos{f.line, f.column}; }
  bool has(Item item) const { return index_[static_cast<int>(item)] != kAbsent; }
  const CsvField* field(const CsvRecord& rec, Item item) const;
  const std::string& key(Item item) const;  // the column's name as written
  Value number(const CsvRecord& rec, Item item);
  Value whole(const CsvRecord& rec, Item item);
  Value compartment(const CsvRecord& rec);
  std::string compartment_list() const;
  static std::string join(const std::vector<std::string>& names);

  // nonmem_rules.cpp
  void apply_rules(const Fields& v, DataRecord& r);
  void rule_evid(const Fields& v, DataRecord& r);
  void rule_dose(const Fields& v, DataRecord& r);
  void rule_not_dose(const Fields& v, DataRecord& r);
  void rule_observation(const Fields& v, DataRecord& r);
  void rule_cmt(const Fields& v, DataRecord& r);
  void rule_order(const Fields& v, DataRecord& r);
  const DataCompartment* find_compartment(int cmt) const;
  std::string output_name(const Fields& v);
  void check_individuals();
  // The field of `v`, or the record's first field when the column is absent.
  static Pos where(const Fields& f, const Value& v) { return v.where.line > 0 ? v.where : f.start; }
  std::string key_or(const Value& v, Item item) const { return v.where.line > 0 ? key(item) : ""; }

  DataSetOptions opt_;
  DataSet data_;
  Diagnostics diag_;
  std::size_t errors_ = 0;
  Pos header_mark_;
  bool broken_header_ = false;
  std::size_t index_[static_cast<int>(Item::extra)];  // column of each item, kAbsent if none
  // Order rules: the ID being read, the IDs already closed, the last time.
  bool in_individual_ = false;
  Individual current_;
  std::map<double, int> closed_ids_;  // ID -> line of its first record
  double last_time_ = 0.0;
  int last_time_line_ = 0;
};

}  // namespace twinsim::core
