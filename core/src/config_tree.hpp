// The owned YAML tree behind ConfigNode, shared by config.cpp (parsing, reading)
// and config_edit.cpp (overrides, YAML text). Internal to core.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "twinsim/core/config.hpp"

namespace twinsim::core {

struct ConfigTreeNode {
  ConfigNode::Kind kind = ConfigNode::Kind::Null;
  std::string scalar;
  bool quoted = false;
  SourceMark mark;
  std::vector<std::pair<ConfigTreeNode, ConfigTreeNode>> map;  // key node, value node
  std::vector<ConfigTreeNode> seq;
};

}  // namespace twinsim::core
