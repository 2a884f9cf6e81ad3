// Models composed into one: each component's driving inputs read any named
// output of an earlier component (a PD model on a PK model's Cc, a PD model on
// another PD model's output, a user PD on a built-in PK), and the whole is again
// a Model, with its Jacobian by the chain rule:
//
//   d dydt_k / d y = J_k E_k + dJdu_k G_k,   G_k = d u_k / d y (rows of the H of its sources)
//   H_k = d out_k / d y = dOdy_k E_k + dOdu_k G_k
//
// where E_k selects component k's states. Inputs left unlinked are inputs of
// the composed model (so compositions compose), and its dJdu and dOdu follow
// the same rule with respect to them.
//
// Names: a component with a label has its parameters and states named
// "label.NAME" (the scenario's "<block>.<PARAM>" convention), one without keeps
// them as they are; outputs keep their names (or a rename); every name must be
// unique across the composition, else the constructor throws
// std::invalid_argument saying which.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "twinsim/pkpd/model.hpp"

namespace twinsim::pkpd {

struct ComponentSpec {
  std::shared_ptr<const Model> model;
  std::string label;  // "" keeps the names of parameters and states
  // (input, output): the model's driving input `input` reads the composed
  // output named `output` of an earlier component. An input not listed reads
  // an earlier output of its own name if there is one, else it becomes an
  // input of the composed model (unlinked inputs of one name share it).
  std::vector<std::pair<std::string, std::string>> links;
  // (model's output name, composed output name).
  std::vector<std::pair<std::string, std::string>> rename;
};

class ComposedModel final : public Model {
 public:
  explicit ComposedModel(std::vector<ComponentSpec> components, std::string name = "composed");

  int n_components() const { return static_cast<int>(parts_.size()); }
  const Model& component(int k) const { return *parts_[static_cast<std::size_t>(k)].model; }
  // Where component k's states, parameters and outputs start in the composed vectors.
  int state_offset(int k) const { return parts_[static_cast<std::size_t>(k)].y0; }
  int parameter_offset(int k) const { return parts_[static_cast<std::size_t>(k)].p0; }
  int output_offset(int k) const { return parts_[static_cast<std::size_t>(k)].o0; }

  std::string check(const double* p) const override;
  void initial_state(double* y0, Workspace& ws) const override;
  void rhs(double t, const double* y, const double* u, double* dydt, Workspace& ws) const override;
  void jacobian(double t, const double* y, const double* u, double* J, double* dJdu, Workspace& ws) const override;
  void outputs(double t, const double* y, const double* u, double* out, Workspace& ws) const override;
  void output_jacobian(double t, const double* y, const double* u, double* dOdy, double* dOdu,
                       Workspace& ws) const override;
  DoseModifiers dose_modifiers(int r, const Workspace& ws) const override;

  // Where one driving input of a component reads from.
  struct Source {
    bool external = false;  // an input of the composed model
    int index = 0;          // composed output index, or composed input index when external
  };

 private:
  struct Part {
    std::shared_ptr<const Model> model;
    std::string label;            // for messages: the label, else the model's name
    int y0 = 0, p0 = 0, o0 = 0;   // offsets in the composed states, parameters, outputs
    std::vector<Source> inputs;   // one per driving input of the model
    bool feeds = false;           // some later component reads its outputs
    // Offsets of this part's buffers in the workspace arena.
    std::size_t u = 0, out = 0, J = 0, dJdu = 0, dOdy = 0, dOdu = 0, G = 0, H = 0;
  };
  struct Layout;
  struct Ws;
  explicit ComposedModel(Layout layout);
  static Layout lay_out(std::vector<ComponentSpec> components, std::string name);

  std::unique_ptr<Workspace> new_workspace() const override;
  void prepare(Workspace& ws) const override;
  // Reads part k's inputs from the outputs computed so far and from u, into its u buffer.
  void gather(const Part& part, const double* u, Ws& ws) const;
  // Part k's G rows: d u_k / d (y, u) from the H rows of its sources.
  void input_rows(const Part& part, Ws& ws) const;
  // Part k's outputs into the arena, and with `derivatives` its H rows.
  void part_outputs(const Part& part, double t, const double* y, Ws& ws, bool derivatives) const;

  std::vector<Part> parts_;
  std::vector<std::pair<int, int>> routes_;  // composed route -> (part, the part's route index)
  std::vector<std::size_t> out_pos_;         // composed output -> arena offset of its value
  std::vector<std::size_t> h_pos_;           // composed output -> arena offset of its H row
  std::size_t arena_size_ = 0;
  int width_ = 0;                            // columns of G and H rows: states, then composed inputs
};

}  // namespace twinsim::pkpd
