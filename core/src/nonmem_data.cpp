// Reading a NONMEM-format data set: the header names the columns, each record
// is parsed field by field (every problem reported at its field), NONMEM's
// defaults fill what is absent, and the record rules of nonmem_rules.cpp check
// what the values mean.
#include "twinsim/core/nonmem_data.hpp"

#include "nonmem_reader.hpp"
#include "twinsim/core/config.hpp"
#include "twinsim/core/csv.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace twinsim::core {

namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

struct ItemName {
  Item item;
  const char* name;
};

constexpr ItemName kItems[] = {
    {Item::id, "ID"},     {Item::time, "TIME"}, {Item::amt, "AMT"},       {Item::rate, "RATE"},
    {Item::ii, "II"},     {Item::addl, "ADDL"}, {Item::cmt, "CMT"},       {Item::evid, "EVID"},
    {Item::ss, "SS"},     {Item::mdv, "MDV"},   {Item::dv, "DV"},         {Item::output, "OUTPUT"},
    {Item::dvid, "DVID"}, {Item::blq, "BLQ"},   {Item::lloq, "LLOQ"},
};

Item item_of(const std::string& column_name) {
  const std::string u = upper(column_name);
  for (const auto& i : kItems)
    if (u == i.name) return i.item;
  return Item::extra;
}

bool looks_numeric(const std::string& s) {
  std::string ignored;
  return parse_double(s, Range{}, ignored).has_value();
}

}  // namespace

const char* item_name(Item item) {
  for (const auto& i : kItems)
    if (i.item == item) return i.name;
  return "?";
}

bool is_missing(const std::string& s) { return s.empty() || s == "." || s == "NA"; }

// --- header -----------------------------------------------------------------

void DataSetBuilder::error(const SourceMark& where, const std::string& key, const std::string& message) {
  if (++errors_ <= opt_.max_errors) diag_.error(where, key, message);
}

void DataSetBuilder::header(const CsvRecord& rec) {
  header_mark_ = at(rec.fields.front());
  if (looks_numeric(rec.fields.front().text)) {
    error(header_mark_, "",
          "the first record must be the header naming the columns (got '" + rec.fields.front().text +
              "'); a NONMEM header written as a comment ('#ID,TIME,...') is skipped here: write it without the '#'");
    broken_header_ = true;
    return;
  }
  for (std::size_t c = 0; c < rec.fields.size(); ++c) {
    const CsvField& f = rec.fields[c];
    const std::string& name = f.text;
    if (name.empty()) {
      error(at(f), "",
            "empty column name in the header (R's write.csv adds one for row names: write with row.names = FALSE)");
      broken_header_ = true;
    }
    for (std::size_t k = 0; k < c && !name.empty(); ++k) {
      if (upper(data_.columns_[k]) == upper(name)) {
        error(at(f), name,
              "duplicate column: column " + std::to_string(k + 1) + " is already '" + data_.columns_[k] +
                  "' (column names are case-insensitive)");
        broken_header_ = true;
      }
    }
    data_.columns_.push_back(name);
    const Item item = item_of(name);
    if (item == Item::extra) {
      data_.extra_names_.push_back(name);
      data_.extra_file_column_.push_back(c);
      data_.extra_text_record_.push_back(DataSet::kNone);
    } else if (index_[static_cast<int>(item)] == kAbsent) {
      index_[static_cast<int>(item)] = c;
    }
  }
  if (broken_header_) return;
  std::vector<Item> required = {Item::time, Item::amt};
  if (opt_.require_id) required.insert(required.begin(), Item::id);
  if (opt_.fitting) required.push_back(Item::dv);
  std::string missing;
  for (Item i : required)
    if (!has(i)) missing += std::string(missing.empty() ? "" : ", ") + item_name(i);
  if (!missing.empty()) {
    std::string need;
    for (std::size_t k = 0; k < required.size(); ++k)
      need += std::string(k == 0 ? "" : k + 1 == required.size() ? " and " : ", ") + item_name(required[k]);
    error(header_mark_, "",
          "missing required column" + std::string(missing.find(',') == std::string::npos ? " " : "s ") + missing +
              " (a data set needs " + need + "; the header has " + join(data_.columns_) + ")");
    broken_header_ = true;
  }
  if (has(Item::output) && has(Item::dvid)) {
    error(at(rec.fields[index_[static_cast<int>(Item::dvid)]]), data_.columns_[index_[static_cast<int>(Item::dvid)]],
          "give OUTPUT or DVID, not both: each names the model output of DV");
    broken_header_ = true;
  }
  if (opt_.fitting && has(Item::dv) && !has(Item::output) && !has(Item::dvid)) {
    error(at(rec.fields[index_[static_cast<int>(Item::dv)]]), data_.columns_[index_[static_cast<int>(Item::dv)]],
          "observations need an output name: add an OUTPUT (or DVID) column naming the model output each DV is of");
    broken_header_ = true;
  }
}

std::string DataSetBuilder::join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// --- fields -------------------------------------------------------------------

const CsvField* DataSetBuilder::field(const CsvRecord& rec, Item item) const {
  const std::size_t c = index_[static_cast<int>(item)];
  return c == kAbsent ? nullptr : &rec.fields[c];
}

const std::string& DataSetBuilder::key(Item item) const { return data_.columns_[index_[static_cast<int>(item)]]; }

DataSetBuilder::Value DataSetBuilder::number(const CsvRecord& rec, Item item) {
  Value v;
  const CsvField* f = field(rec, item);
  if (!f) return v;
  v.where = at(*f);
  if (is_missing(f->text)) return v;
  std::string why;
  const auto d = parse_double(f->text, Range{}, why);
  if (!d) {
    if (item == Item::time && f->text.find(':') != std::string::npos)
      why += " (clock times are not translated: give TIME in hours)";
    error(v.where, key(item), why);
    v.bad = true;
    return v;
  }
  v.given = true;
  v.value = *d;
  return v;
}

DataSetBuilder::Value DataSetBuilder::whole(const CsvRecord& rec, Item item) {
  Value v = number(rec, item);
  if (v.given && (v.value != std::floor(v.value) || std::abs(v.value) > 1e9)) {
    error(v.where, key(item), "expected a whole number, got " + quote_for_message(field(rec, item)->text));
    v.given = false;
    v.bad = true;
  }
  return v;
}

DataSetBuilder::Value DataSetBuilder::compartment(const CsvRecord& rec) {
  const CsvField* f = field(rec, Item::cmt);
  if (f && !is_missing(f->text) && !looks_numeric(f->text)) {
    for (const auto& c : opt_.compartments) {
      if (!c.name.empty() && upper(c.name) == upper(f->text)) {
        Value v;
        v.where = at(*f);
        v.given = true;
        v.value = c.cmt;
        return v;
      }
    }
    Value v;
    v.where = at(*f);
    v.bad = true;
    error(v.where, key(Item::cmt),
          "expected a compartment number" + (opt_.compartments.empty() ? std::string() : " or name (" +
                                                                                            compartment_list() + ")") +
              ", got " + quote_for_message(f->text));
    return v;
  }
  return whole(rec, Item::cmt);
}

std::string DataSetBuilder::compartment_list() const {
  std::string out;
  for (const auto& c : opt_.compartments)
    out += (out.empty() ? "" : ", ") + std::to_string(c.cmt) + (c.name.empty() ? "" : " = " + c.name);
  return out;
}

// --- records ------------------------------------------------------------------

void DataSetBuilder::record(const CsvRecord& rec) {
  if (broken_header_) return;
  if (rec.fields.size() != data_.columns_.size()) {
    error(at(rec.fields.front()), "",
          "record has " + std::to_string(rec.fields.size()) + " fields; the header has " +
              std::to_string(data_.columns_.size()));
    return;
  }
  Fields v;
  v.start = at(rec.fields.front());
  v.id = number(rec, Item::id);
  v.time = number(rec, Item::time);
  v.amt = number(rec, Item::amt);
  v.rate = number(rec, Item::rate);
  v.ii = number(rec, Item::ii);
  v.addl = whole(rec, Item::addl);
  v.cmt = compartment(rec);
  v.evid = whole(rec, Item::evid);
  v.ss = whole(rec, Item::ss);
  v.mdv = whole(rec, Item::mdv);
  v.dv = number(rec, Item::dv);
  v.blq = whole(rec, Item::blq);
  v.lloq = number(rec, Item::lloq);
  const CsvField* out = field(rec, has(Item::output) ? Item::output : Item::dvid);
  if (out) {
    if (!is_missing(out->text)) v.output = out->text;
    v.output_where = at(*out);
    v.output_key = &key(has(Item::output) ? Item::output : Item::dvid);
    v.output_is_dvid = !has(Item::output);
  }
  DataRecord r;
  r.line = rec.line;
  apply_rules(v, r);  // nonmem_rules.cpp
  data_.records_.push_back(std::move(r));
  for (const auto& f : rec.fields) data_.field_pos_.push_back({f.line, f.column});
  for (std::size_t c = 0; c < data_.extra_names_.size(); ++c) {
    const CsvField& f = rec.fields[data_.extra_file_column_[c]];
    double x = std::numeric_limits<double>::quiet_NaN();
    if (!is_missing(f.text)) {
      std::string why;
      if (const auto d = parse_double(f.text, Range{}, why)) {
        x = *d;
      } else if (data_.extra_text_record_[c] == DataSet::kNone) {
        data_.extra_text_record_[c] = data_.records_.size() - 1;
      }
    }
    data_.extra_values_.push_back(x);
    data_.extra_texts_.push_back(f.text);
  }
}

DataSetBuilder::DataSetBuilder(std::string name, const DataSetOptions& options) : opt_(options) {
  data_.file_ = std::move(name);
  std::fill(std::begin(index_), std::end(index_), kAbsent);
}

DataSet DataSetBuilder::finish(bool saw_header) {
  if (!saw_header) {
    error(SourceMark{data_.file_, 0, 0}, "",
          "no header row (the file is empty or holds only blank and comment lines)");
  } else if (!broken_header_ && data_.records_.empty() && errors_ == 0) {
    error(header_mark_, "", "a header but no records");
  }
  if (errors_ == 0) check_individuals();  // nonmem_rules.cpp
  if (errors_ > opt_.max_errors)
    diag_.error(SourceMark{data_.file_, 0, 0}, "",
                std::to_string(errors_ - opt_.max_errors) + " more errors in this file not shown");
  if (!diag_.empty()) throw DataSetError(diag_.items());
  return std::move(data_);
}

// --- entry points ---------------------------------------------------------------

namespace {

DataSet read(CsvReader csv, const DataSetOptions& options) {
  DataSetBuilder b(csv.name(), options);
  CsvRecord rec;
  bool saw_header = false;
  try {
    while (csv.next(rec)) {
      if (!saw_header) {
        saw_header = true;
        b.header(rec);
      } else {
        b.record(rec);
      }
    }
  } catch (const CsvError& e) {
    throw DataSetError(e.mark(), "", e.cause());
  }
  return b.finish(saw_header);
}

CsvOptions csv_options(const DataSetOptions& options) {
  CsvOptions c;
  c.max_bytes = options.max_bytes;
  c.max_fields = 10'000;
  return c;
}

}  // namespace

DataSet read_data_set_file(const std::string& path, const DataSetOptions& options) {
  try {
    return read(CsvReader::from_file(path, csv_options(options)), options);
  } catch (const CsvError& e) {  // the file as a whole: missing, a directory, too large
    throw DataSetError(e.mark(), "", e.cause());
  }
}

DataSet read_data_set_text(std::string text, const std::string& name, const DataSetOptions& options) {
  return read(CsvReader(std::move(text), name, csv_options(options)), options);
}

// --- DataSet --------------------------------------------------------------------

std::size_t DataSet::column(const std::string& name) const {
  const std::string u = upper(name);
  for (std::size_t c = 0; c < columns_.size(); ++c)
    if (upper(columns_[c]) == u) return c;
  return columns_.size();
}

std::size_t DataSet::extra_column(const std::string& name) const {
  return static_cast<std::size_t>(std::find(extra_names_.begin(), extra_names_.end(), name) - extra_names_.begin());
}

SourceMark DataSet::mark(std::size_t record, std::size_t column) const {
  const FieldPos& p = field_pos_[record * columns_.size() + column];
  return SourceMark{file_, p.line, p.column};
}

}  // namespace twinsim::core
