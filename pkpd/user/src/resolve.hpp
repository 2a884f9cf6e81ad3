// Name resolution: parsed statements and expressions -> nodes of the spec's
// pool, with the errors a modeller can act on (unknown names with "did you
// mean", use before assignment, cycles, reassignment, d/dt of a non-state,
// states without an equation). Internal to pkpd/user.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "twinsim/core/config.hpp"
#include "twinsim/pkpd/user/model_spec.hpp"
#include "twinsim/pkpd/user/syntax.hpp"

namespace twinsim::pkpd::user {

class Resolver {
 public:
  Resolver(UserModelSpec& spec, core::Diagnostics& diag, int max_depth);

  // `node` is the equations scalar; offsets in `statements` index its text.
  void equations(const core::ConfigNode& node, const std::vector<Statement>& statements);
  // A state's initial value: parameters only.
  NodeId initial(const core::ConfigNode& node, const Ast& ast);
  // An output: anything the equations can read, and every assigned name.
  NodeId output(const core::ConfigNode& node, const Ast& ast);
  // States given no d/dt equation; call after equations(); `states` is the map node.
  void check_every_state_has_equation(const core::ConfigNode& states);

 private:
  enum class Kind { kParam, kState, kInput, kLocal };
  struct Symbol {
    Kind kind;
    int index = 0;       // param/state/input index
    NodeId node = -1;    // local: its value
    int line = 0;        // local: where assigned
  };
  enum class Scope { kInitial, kEquation, kOutput };

  NodeId lower(const Ast& a, const core::ConfigNode& src, Scope scope);
  NodeId name(const Ast& a, const core::ConfigNode& src, Scope scope);
  NodeId call(const Ast& a, const core::ConfigNode& src, Scope scope);
  void error(const core::ConfigNode& src, std::size_t offset, const std::string& message);
  std::string suggestion(const std::string& word, Scope scope) const;
  NodeId checked_depth(NodeId id, const core::ConfigNode& src, std::size_t offset);
  // For a name used at statement `at` but assigned at statement `later` >= at:
  // the assignment chain back to `at`'s target, if there is one.
  std::vector<std::string> cycle(std::size_t at, std::size_t later) const;

  UserModelSpec& spec_;
  core::Diagnostics& diag_;
  int max_depth_;
  std::map<std::string, Symbol> symbols_;
  // Every assignment in the text: target -> statement index; names each statement reads.
  std::map<std::string, std::size_t> assigned_at_;
  std::vector<std::vector<std::string>> reads_;
  std::vector<std::string> targets_;
  std::vector<int> derivative_line_;  // per state: line of its d/dt, 0 if none
  std::size_t current_ = 0;          // statement being lowered
};

}  // namespace twinsim::pkpd::user
