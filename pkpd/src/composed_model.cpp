#include "twinsim/pkpd/composed_model.hpp"

#include <algorithm>
#include <stdexcept>

#include "twinsim/core/config.hpp"

namespace twinsim::pkpd {

struct ComposedModel::Layout {
  ModelInfo info;
  std::vector<Part> parts;
  std::vector<std::pair<int, int>> routes;
};

struct ComposedModel::Ws final : Workspace {
  std::vector<std::unique_ptr<Workspace>> parts;
  std::vector<double> arena;
};

namespace {

std::string names_of(const std::vector<VariableSpec>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x.name;
  return s.empty() ? "none" : s;
}

std::string hint(const std::string& word, const std::vector<VariableSpec>& v) {
  std::vector<std::string> names;
  for (const auto& x : v) names.push_back(x.name);
  const std::string h = core::closest_match(word, names);
  return h.empty() ? "" : " (did you mean '" + h + "'?)";
}

// Structural patterns as rows of flags over `width` columns.
using Rows = std::vector<std::vector<char>>;

void or_into(std::vector<char>& row, const std::vector<char>& other) {
  for (std::size_t c = 0; c < row.size(); ++c) row[c] = static_cast<char>(row[c] | other[c]);
}

Sparsity from_rows(const Rows& rows, int col_begin, int col_end) {
  std::vector<std::pair<int, int>> nz;
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (int c = col_begin; c < col_end; ++c)
      if (rows[i][static_cast<std::size_t>(c)]) nz.push_back({static_cast<int>(i), c - col_begin});
  return Sparsity::of(static_cast<int>(rows.size()), col_end - col_begin, std::move(nz));
}

}  // namespace

ComposedModel::ComposedModel(std::vector<ComponentSpec> components, std::string name)
    : ComposedModel(lay_out(std::move(components), std::move(name))) {}

ComposedModel::Layout ComposedModel::lay_out(std::vector<ComponentSpec> components, std::string name) {
  Layout L;
  ModelInfo& info = L.info;
  info.name = std::move(name);
  info.description = "composed of";
  if (components.empty()) throw std::invalid_argument("a composed model needs at least one component");
  int y0 = 0, p0 = 0, o0 = 0;
  for (std::size_t k = 0; k < components.size(); ++k) {
    ComponentSpec& spec = components[k];
    if (!spec.model) throw std::invalid_argument("component " + std::to_string(k) + " has no model");
    const ModelInfo& mi = spec.model->info();
    Part part;
    part.model = spec.model;
    part.label = spec.label.empty() ? mi.name : spec.label;
    part.y0 = y0;
    part.p0 = p0;
    part.o0 = o0;
    const std::string who = "component '" + part.label + "'";
    auto qualify = [&](const std::string& n) { return spec.label.empty() ? n : spec.label + "." + n; };
    for (ParamSpec p : mi.parameters) {
      p.name = qualify(p.name);
      for (const auto& q : info.parameters)
        if (q.name == p.name) throw std::invalid_argument(who + ": parameter '" + p.name + "' is already a parameter; give the component a label");
      info.parameters.push_back(std::move(p));
    }
    for (VariableSpec s : mi.states) {
      s.name = qualify(s.name);
      if (find_variable(info.states, s.name) >= 0)
        throw std::invalid_argument(who + ": state '" + s.name + "' is already a state; give the component a label");
      info.states.push_back(std::move(s));
    }
    for (const auto& link : spec.links)
      if (find_variable(mi.inputs, link.first) < 0)
        throw std::invalid_argument(who + ": '" + link.first + "' is not an input of " + mi.name + hint(link.first, mi.inputs) +
                                    "; its inputs: " + names_of(mi.inputs));
    for (const VariableSpec& in : mi.inputs) {
      const auto link = std::find_if(spec.links.begin(), spec.links.end(), [&](const auto& l) { return l.first == in.name; });
      const std::string& wanted = link == spec.links.end() ? in.name : link->second;
      const int o = find_variable(info.outputs, wanted);
      if (o >= 0) {
        part.inputs.push_back({false, o});
      } else if (link != spec.links.end()) {
        throw std::invalid_argument(who + ": input '" + in.name + "' reads '" + wanted +
                                    "', which no earlier component outputs" + hint(wanted, info.outputs) +
                                    "; earlier outputs: " + names_of(info.outputs));
      } else {
        int e = find_variable(info.inputs, in.name);
        if (e < 0) {
          e = static_cast<int>(info.inputs.size());
          info.inputs.push_back(in);
        }
        part.inputs.push_back({true, e});
      }
    }
    for (const auto& r : spec.rename)
      if (find_variable(mi.outputs, r.first) < 0)
        throw std::invalid_argument(who + ": cannot rename '" + r.first + "', which is not an output of " + mi.name +
                                    hint(r.first, mi.outputs) + "; its outputs: " + names_of(mi.outputs));
    for (VariableSpec out : mi.outputs) {
      const auto r = std::find_if(spec.rename.begin(), spec.rename.end(), [&](const auto& x) { return x.first == out.name; });
      if (r != spec.rename.end()) out.name = r->second;
      if (find_variable(info.outputs, out.name) >= 0)
        throw std::invalid_argument(who + ": output '" + out.name + "' is already an output of an earlier component; rename it");
      info.outputs.push_back(std::move(out));
    }
    for (std::size_t r = 0; r < mi.dosing.size(); ++r) {
      for (const auto& d : info.dosing)
        if (d.route == mi.dosing[r].route)
          throw std::invalid_argument(who + ": dosing route '" + d.route + "' already goes to another component");
      info.dosing.push_back({mi.dosing[r].route, mi.dosing[r].state + y0});
      L.routes.push_back({static_cast<int>(k), static_cast<int>(r)});
    }
    info.description += (k ? ", " : " ") + part.label;
    info.equations += (k ? "\n" : "") + ("[" + part.label + "]\n") + mi.equations;
    y0 += spec.model->n_states();
    p0 += spec.model->n_parameters();
    o0 += spec.model->n_outputs();
    L.parts.push_back(std::move(part));
  }
  for (const Part& part : L.parts)
    for (const Source& s : part.inputs)
      if (!s.external)
        for (Part& src : L.parts)
          if (s.index >= src.o0 && s.index < src.o0 + src.model->n_outputs()) src.feeds = true;

  // Structural patterns by the same chain rule as the numbers.
  const int N = y0, W = N + static_cast<int>(info.inputs.size());
  Rows J(static_cast<std::size_t>(N), std::vector<char>(static_cast<std::size_t>(W), 0));
  Rows H(static_cast<std::size_t>(o0), std::vector<char>(static_cast<std::size_t>(W), 0));
  for (const Part& part : L.parts) {
    const ModelInfo& mi = part.model->info();
    Rows G;
    for (const Source& s : part.inputs) {
      G.emplace_back(static_cast<std::size_t>(W), 0);
      if (s.external) G.back()[static_cast<std::size_t>(N + s.index)] = 1;
      else G.back() = H[static_cast<std::size_t>(s.index)];
    }
    const int n = part.model->n_states(), m = part.model->n_inputs(), no = part.model->n_outputs();
    // Row r of a block: the part's own columns where `own` may be non-zero,
    // and every column its inputs reach where `via_inputs` may be.
    auto fill = [&](std::vector<char>& row, const Sparsity& own, const Sparsity& via_inputs, int r) {
      for (int j = 0; j < n; ++j)
        if (own.may_be_nonzero(r, j)) row[static_cast<std::size_t>(part.y0 + j)] = 1;
      for (int l = 0; l < m; ++l)
        if (via_inputs.may_be_nonzero(r, l)) or_into(row, G[static_cast<std::size_t>(l)]);
    };
    for (int i = 0; i < n; ++i) fill(J[static_cast<std::size_t>(part.y0 + i)], mi.jacobian, mi.input_jacobian, i);
    for (int o = 0; o < no; ++o)
      fill(H[static_cast<std::size_t>(part.o0 + o)], mi.output_jacobian, mi.output_input_jacobian, o);
  }
  info.jacobian = from_rows(J, 0, N);
  info.input_jacobian = from_rows(J, N, W);
  info.output_jacobian = from_rows(H, 0, N);
  info.output_input_jacobian = from_rows(H, N, W);
  return L;
}

ComposedModel::ComposedModel(Layout layout)
    : Model(std::move(layout.info)), parts_(std::move(layout.parts)), routes_(std::move(layout.routes)) {
  width_ = n_states() + n_inputs();
  const auto W = static_cast<std::size_t>(width_);
  std::size_t at = 0;
  auto take = [&](std::size_t count) {
    const std::size_t start = at;
    at += count;
    return start;
  };
  for (Part& part : parts_) {
    const auto n = static_cast<std::size_t>(part.model->n_states());
    const auto m = static_cast<std::size_t>(part.model->n_inputs());
    const auto no = static_cast<std::size_t>(part.model->n_outputs());
    part.u = take(m);
    part.out = take(no);
    part.J = take(n * n);
    part.dJdu = take(n * m);
    part.dOdy = take(no * n);
    part.dOdu = take(no * m);
    part.G = take(m * W);
    part.H = take(no * W);
    for (std::size_t o = 0; o < no; ++o) {
      out_pos_.push_back(part.out + o);
      h_pos_.push_back(part.H + o * W);
    }
  }
  arena_size_ = at;
}

std::unique_ptr<Workspace> ComposedModel::new_workspace() const {
  auto ws = std::make_unique<Ws>();
  for (const Part& part : parts_) ws->parts.push_back(part.model->make_workspace());
  ws->arena.assign(arena_size_, 0.0);
  return ws;
}

void ComposedModel::prepare(Workspace& w) const {
  Ws& ws = own<Ws>(w);
  for (std::size_t k = 0; k < parts_.size(); ++k) parts_[k].model->bind(*ws.parts[k], w.parameters() + parts_[k].p0);
}

std::string ComposedModel::check(const double* p) const {
  for (const Part& part : parts_) {
    const std::string problem = part.model->check(p + part.p0);
    if (!problem.empty()) return part.label + ": " + problem;
  }
  return "";
}

void ComposedModel::initial_state(double* y0, Workspace& w) const {
  Ws& ws = own<Ws>(w);
  for (std::size_t k = 0; k < parts_.size(); ++k) parts_[k].model->initial_state(y0 + parts_[k].y0, *ws.parts[k]);
}

DoseModifiers ComposedModel::dose_modifiers(int r, const Workspace& w) const {
  const Ws& ws = own<Ws>(w);
  const auto [k, local] = routes_[static_cast<std::size_t>(r)];
  return parts_[static_cast<std::size_t>(k)].model->dose_modifiers(local, *ws.parts[static_cast<std::size_t>(k)]);
}

void ComposedModel::gather(const Part& part, const double* u, Ws& ws) const {
  double* uk = ws.arena.data() + part.u;
  for (std::size_t l = 0; l < part.inputs.size(); ++l) {
    const Source& s = part.inputs[l];
    uk[l] = s.external ? u[s.index] : ws.arena[out_pos_[static_cast<std::size_t>(s.index)]];
  }
}

void ComposedModel::input_rows(const Part& part, Ws& ws) const {
  const auto W = static_cast<std::size_t>(width_);
  double* G = ws.arena.data() + part.G;
  for (std::size_t l = 0; l < part.inputs.size(); ++l) {
    const Source& s = part.inputs[l];
    double* row = G + l * W;
    if (s.external) {
      std::fill(row, row + W, 0.0);
      row[static_cast<std::size_t>(n_states() + s.index)] = 1.0;
    } else {
      const double* h = ws.arena.data() + h_pos_[static_cast<std::size_t>(s.index)];
      std::copy(h, h + W, row);
    }
  }
}

void ComposedModel::part_outputs(const Part& part, double t, const double* y, Ws& ws, bool derivatives) const {
  const std::size_t k = static_cast<std::size_t>(&part - parts_.data());
  double* a = ws.arena.data();
  const Model& m = *part.model;
  const int n = m.n_states(), nu = m.n_inputs(), no = m.n_outputs();
  m.outputs(t, y + part.y0, a + part.u, a + part.out, *ws.parts[k]);
  if (!derivatives) return;
  m.output_jacobian(t, y + part.y0, a + part.u, a + part.dOdy, nu ? a + part.dOdu : nullptr, *ws.parts[k]);
  const auto W = static_cast<std::size_t>(width_);
  const double* dOdy = a + part.dOdy;
  const double* dOdu = a + part.dOdu;
  const double* G = a + part.G;
  for (int o = 0; o < no; ++o) {
    double* row = a + part.H + static_cast<std::size_t>(o) * W;
    std::fill(row, row + W, 0.0);
    for (int j = 0; j < n; ++j) row[part.y0 + j] = dOdy[o + j * no];
    for (int l = 0; l < nu; ++l) {
      const double d = dOdu[o + l * no];
      if (d == 0.0) continue;
      const double* g = G + static_cast<std::size_t>(l) * W;
      for (std::size_t c = 0; c < W; ++c)
        if (g[c] != 0.0) row[c] += d * g[c];
    }
  }
}

void ComposedModel::rhs(double t, const double* y, const double* u, double* dydt, Workspace& w) const {
  Ws& ws = own<Ws>(w);
  for (std::size_t k = 0; k < parts_.size(); ++k) {
    const Part& part = parts_[k];
    gather(part, u, ws);
    if (part.feeds) part_outputs(part, t, y, ws, false);
    part.model->rhs(t, y + part.y0, ws.arena.data() + part.u, dydt + part.y0, *ws.parts[k]);
  }
}

void ComposedModel::jacobian(double t, const double* y, const double* u, double* J, double* dJdu,
                             Workspace& w) const {
  Ws& ws = own<Ws>(w);
  const int N = n_states(), E = n_inputs();
  const auto W = static_cast<std::size_t>(width_);
  std::fill(J, J + N * N, 0.0);
  if (dJdu) std::fill(dJdu, dJdu + N * E, 0.0);
  double* a = ws.arena.data();
  for (std::size_t k = 0; k < parts_.size(); ++k) {
    const Part& part = parts_[k];
    const Model& m = *part.model;
    const int n = m.n_states(), nu = m.n_inputs();
    gather(part, u, ws);
    input_rows(part, ws);
    m.jacobian(t, y + part.y0, a + part.u, a + part.J, nu ? a + part.dJdu : nullptr, *ws.parts[k]);
    const double* Jk = a + part.J;
    const double* dJk = a + part.dJdu;
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) J[(part.y0 + i) + (part.y0 + j) * N] = Jk[i + j * n];
    for (int l = 0; l < nu; ++l) {
      const double* g = a + part.G + static_cast<std::size_t>(l) * W;
      for (int i = 0; i < n; ++i) {
        const double d = dJk[i + l * n];
        if (d == 0.0) continue;
        const int row = part.y0 + i;
        for (int c = 0; c < N; ++c)
          if (g[c] != 0.0) J[row + c * N] += d * g[c];
        if (dJdu)
          for (int e = 0; e < E; ++e)
            if (g[N + e] != 0.0) dJdu[row + e * N] += d * g[N + e];
      }
    }
    if (part.feeds) part_outputs(part, t, y, ws, true);
  }
}

void ComposedModel::outputs(double t, const double* y, const double* u, double* out, Workspace& w) const {
  Ws& ws = own<Ws>(w);
  for (const Part& part : parts_) {
    gather(part, u, ws);
    part_outputs(part, t, y, ws, false);
    const double* o = ws.arena.data() + part.out;
    std::copy(o, o + part.model->n_outputs(), out + part.o0);
  }
}

void ComposedModel::output_jacobian(double t, const double* y, const double* u, double* dOdy, double* dOdu,
                                    Workspace& w) const {
  Ws& ws = own<Ws>(w);
  const int N = n_states(), E = n_inputs(), O = n_outputs();
  for (const Part& part : parts_) {
    gather(part, u, ws);
    input_rows(part, ws);
    part_outputs(part, t, y, ws, true);
  }
  for (int o = 0; o < O; ++o) {
    const double* h = ws.arena.data() + h_pos_[static_cast<std::size_t>(o)];
    for (int j = 0; j < N; ++j) dOdy[o + j * O] = h[j];
    if (dOdu)
      for (int e = 0; e < E; ++e) dOdu[o + e * O] = h[N + e];
  }
}

}  // namespace twinsim::pkpd
