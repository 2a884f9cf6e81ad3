#include "twinsim/pkpd/user/user_pd_model.hpp"

#include <algorithm>
#include <vector>

#include "twinsim/pkpd/pk_model.hpp"

namespace twinsim::pkpd::user {

namespace {

class UserPdModel final : public PdModel {
 public:
  explicit UserPdModel(UserModel m) : m_(std::move(m)) {
    for (const auto& p : m_.parameters())
      params_.push_back({p.name, p.unit, "user-defined parameter", core::Range{p.lower, p.upper, false, false}, p.value});
    for (const auto& s : m_.state_names()) states_.push_back({s, ""});
    for (const auto& o : m_.output_names()) outputs_.push_back({o, ""});
    for (const auto& e : m_.spec().equations) equations_ += (equations_.empty() ? "" : "\n") + e;
  }

  std::vector<ParamSpec> parameters() const override { return params_; }
  std::vector<StateSpec> states() const override { return states_; }
  StateSpec output() const override { return outputs_.empty() ? StateSpec{} : outputs_.front(); }
  std::string equations() const override { return equations_; }
  int n_outputs() const override { return static_cast<int>(outputs_.size()); }

  void initial(const double* p, double* y) const override { m_.initial_state(p, y, scratch()); }
  void rhs(const double* p, double t, double c, const double* y, double* dy) const override {
    m_.rhs(t, y, p, input(c), dy, scratch());
  }
  void jacobian(const double* p, double t, double c, const double* y, double* dfdy, int ld,
                double* dfdc) const override {
    const int n = m_.n_states();
    double dJdu[kMaxStates];
    double* du = m_.n_inputs() > 0 ? dJdu : nullptr;
    if (ld == n) {
      m_.jacobian(t, y, p, input(c), dfdy, du, scratch());
    } else {
      double J[kMaxStates * kMaxStates];
      m_.jacobian(t, y, p, input(c), J, du, scratch());
      for (int j = 0; j < n; ++j)
        for (int i = 0; i < n; ++i) dfdy[i + static_cast<std::ptrdiff_t>(j) * ld] = J[i + j * n];
    }
    for (int i = 0; i < n; ++i) dfdc[i] = du ? dJdu[i] : 0.0;
  }
  double value(const double* p, double c, const double* y) const override { return value_of(0, p, c, y); }
  void value_gradient(const double* p, double c, const double* y, double* dvdy, double* dvdc) const override {
    gradient_of(0, p, c, y, dvdy, dvdc);
  }
  double value_of(int k, const double* p, double c, const double* y) const override {
    double out[kMaxUserOutputs];
    m_.outputs(0.0, y, p, input(c), out, scratch());
    return out[k];
  }
  void gradient_of(int k, const double* p, double c, const double* y, double* dvdy, double* dvdc) const override {
    const int n = m_.n_states(), no = m_.n_outputs();
    double dOdy[kMaxUserOutputs * kMaxStates], dOdu[kMaxUserOutputs];
    m_.output_jacobian(0.0, y, p, input(c), dOdy, m_.n_inputs() > 0 ? dOdu : nullptr, scratch());
    for (int j = 0; j < n; ++j) dvdy[j] = dOdy[k + j * no];
    *dvdc = m_.n_inputs() > 0 ? dOdu[k] : 0.0;
  }

 private:
  // The one input (Cc), or none; c lives on the caller's stack for the call.
  const double* input(const double& c) const { return m_.n_inputs() > 0 ? &c : nullptr; }
  // Interpreter registers of this thread for this model (native code ignores them).
  UserModel::Scratch& scratch() const {
    if (m_.backend() == Backend::kNative) {
      static thread_local UserModel::Scratch none;
      return none;
    }
    struct Slot {
      const UserPdModel* owner;
      UserModel::Scratch scratch;
    };
    static thread_local std::vector<Slot> slots;
    for (auto& s : slots)
      if (s.owner == this) return s.scratch;
    slots.push_back({this, m_.make_scratch()});
    return slots.back().scratch;
  }

  UserModel m_;
  std::vector<ParamSpec> params_;
  std::vector<StateSpec> states_, outputs_;
  std::string equations_;
};

bool reads_time(const ExprPool& pool, NodeId id, std::vector<signed char>& memo) {
  if (id < 0) return false;
  auto& m = memo[static_cast<std::size_t>(id)];
  if (m >= 0) return m == 1;
  const Node& n = pool.node(id);
  const bool r = n.op == Op::kTime || reads_time(pool, n.a, memo) || reads_time(pool, n.b, memo) ||
                 reads_time(pool, n.c, memo);
  m = r ? 1 : 0;
  return r;
}

}  // namespace

std::shared_ptr<const PdModel> as_pd_model(UserModel model) { return std::make_shared<UserPdModel>(std::move(model)); }

bool depends_on_time(const UserModelSpec& spec, NodeId id) {
  std::vector<signed char> memo(spec.pool.size(), -1);
  return reads_time(spec.pool, id, memo);
}

void add_auc_state(UserModelSpec& spec, int cc_output) {
  spec.states.push_back({"AUC", "0", spec.pool.constant(0.0)});
  spec.rhs.push_back(spec.outputs[static_cast<std::size_t>(cc_output)].value);
}

}  // namespace twinsim::pkpd::user
