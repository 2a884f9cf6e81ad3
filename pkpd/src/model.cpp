#include "twinsim/pkpd/model.hpp"

#include <algorithm>
#include <stdexcept>

namespace twinsim::pkpd {

namespace {
// Column-major order of (row, column) pairs.
bool column_major_less(const std::pair<int, int>& a, const std::pair<int, int>& b) {
  return a.second != b.second ? a.second < b.second : a.first < b.first;
}
}  // namespace

Sparsity Sparsity::full(int rows, int cols) {
  Sparsity s;
  s.rows = rows;
  s.cols = cols;
  return s;
}

Sparsity Sparsity::of(int rows, int cols, std::vector<std::pair<int, int>> entries) {
  for (const auto& [i, j] : entries)
    if (i < 0 || i >= rows || j < 0 || j >= cols) throw std::invalid_argument("Sparsity: entry out of range");
  std::sort(entries.begin(), entries.end(), column_major_less);
  entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
  Sparsity s;
  s.rows = rows;
  s.cols = cols;
  s.dense = false;
  s.nonzeros = std::move(entries);
  return s;
}

bool Sparsity::may_be_nonzero(int row, int col) const {
  if (row < 0 || row >= rows || col < 0 || col >= cols) return false;
  if (dense) return true;
  const std::pair<int, int> key{row, col};
  return std::binary_search(nonzeros.begin(), nonzeros.end(), key, column_major_less);
}

std::size_t Sparsity::count() const {
  return dense ? static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols) : nonzeros.size();
}

int find_variable(const std::vector<VariableSpec>& specs, const std::string& name) {
  for (std::size_t i = 0; i < specs.size(); ++i)
    if (specs[i].name == name) return static_cast<int>(i);
  return -1;
}

std::vector<double> Model::default_parameters() const {
  std::vector<double> p;
  p.reserve(info_.parameters.size());
  for (const auto& s : info_.parameters) p.push_back(s.default_value);
  return p;
}

std::unique_ptr<Workspace> Model::make_workspace() const {
  std::unique_ptr<Workspace> ws = new_workspace();
  ws->model_ = this;
  ws->p_ = default_parameters();
  return ws;
}

std::unique_ptr<Workspace> Model::make_workspace(const double* p) const {
  std::unique_ptr<Workspace> ws = make_workspace();
  bind(*ws, p);
  return ws;
}

void Model::bind(Workspace& ws, const double* p) const {
  assert(ws.model_ == this && "workspace of another model");
  std::copy(p, p + ws.p_.size(), ws.p_.begin());
  prepare(ws);
}

}  // namespace twinsim::pkpd
