// Pathways and exact enumeration (path_tree.hpp) by replaying paths into
// fresh runs of the design.
#include "twinsim/trial/designs/path_tree.hpp"

#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

#include "twinsim/trial/designs/designs.hpp"

namespace twinsim::trial {

namespace {

struct Replayed {
  Decision next;
  int selected = -1;
};

// The decision after `path` in a fresh run (and the selection when it stops).
// The path was built from the run's own decisions, so it is one the run takes.
Replayed replay(const Design& design, std::size_t n_doses, const std::vector<PathCohort>& path,
                DesignWorkspace* ws, TrialHistory& h) {
  auto run = design.start(ws);
  h.clear(n_doses);
  Replayed r;
  r.next = run->first();
  // Count-based designs do not read the clock: every decision on day 0.
  for (std::size_t k = 0; k < path.size(); ++k) {
    const PathCohort& c = path[k];
    for (int j = 0; j < c.size; ++j) {
      EnrolledPatient p;
      p.dose = c.dose;
      p.cohort = static_cast<int>(k);
      p.dlt = j < c.dlts;
      h.enrol(p);
    }
    h.end_cohort();
    r.next = run->next(h, 0.0);
  }
  const Decision& x = r.next;
  if (x.stop) {
    r.selected = run->select(h, 0.0);
    return r;
  }
  if (x.dose < 0 || static_cast<std::size_t>(x.dose) >= n_doses || x.cohort_size <= 0)
    throw std::logic_error("design returned an invalid decision (dose " + std::to_string(x.dose) + ")");
  if (h.counts().total_patients + x.cohort_size > kMaxPatientsPerTrial)
    throw std::logic_error("design exceeded the patient limit of one trial");
  return r;
}

double binomial_pmf(int y, int n, double p) {
  double c = 1.0;
  for (int i = 1; i <= y; ++i) c = c * (n - y + i) / i;
  return c * std::pow(p, y) * std::pow(1.0 - p, n - y);
}

class PathwayBuilder {
 public:
  PathwayBuilder(const Design& design, std::size_t n_doses, int cohorts, std::size_t max_nodes)
      : design_(design), n_doses_(n_doses), cohorts_(cohorts), max_nodes_(max_nodes) {}

  std::vector<PathNode> build() {
    std::vector<PathCohort> path;
    add(path, -1);
    return std::move(nodes_);
  }

 private:
  void add(std::vector<PathCohort>& path, int parent) {
    if (nodes_.size() >= max_nodes_) throw std::length_error(too_many(max_nodes_));
    const Replayed r = replay(design_, n_doses_, path, nullptr, history_);
    const int index = static_cast<int>(nodes_.size());
    nodes_.push_back({path, r.next, r.selected, parent});
    if (r.next.stop || static_cast<int>(path.size()) == cohorts_) return;
    for (int y = 0; y <= r.next.cohort_size; ++y) {
      path.push_back({r.next.dose, r.next.cohort_size, y});
      add(path, index);
      path.pop_back();
    }
  }

 public:
  static std::string too_many(std::size_t max_nodes) {
    return "the pathway tree has more than " + std::to_string(max_nodes) + " nodes; ask for fewer --cohorts";
  }

 private:
  const Design& design_;
  std::size_t n_doses_;
  int cohorts_;
  std::size_t max_nodes_;
  TrialHistory history_;
  std::vector<PathNode> nodes_;
};

}  // namespace

std::vector<PathNode> dose_pathways(const Design& design, std::size_t n_doses, int cohorts, std::size_t max_nodes) {
  if (cohorts < 0) throw std::invalid_argument("pathways: cohorts must be >= 0");
  // Refused before any work when the first cohort's size already makes the
  // full tree too big: sum over k of (c + 1)^k nodes.
  const double branches = design.start(nullptr)->first().cohort_size + 1.0;
  double bound = 0.0, level = 1.0;
  for (int k = 0; k <= cohorts && bound <= static_cast<double>(max_nodes); ++k, level *= branches) bound += level;
  if (bound > static_cast<double>(max_nodes)) throw std::length_error(PathwayBuilder::too_many(max_nodes));
  return PathwayBuilder(design, n_doses, cohorts, max_nodes).build();
}

ExactTree exact_outcomes(const Design& design, const std::vector<double>& p_true, DesignWorkspace* ws,
                         std::size_t max_states) {
  if (design.decision_basis() == DecisionBasis::other)
    throw std::invalid_argument("its decisions may depend on more than the DLT counts (e.g. follow-up times)");
  const std::size_t D = p_true.size();
  struct State {
    std::vector<PathCohort> path;  // one path that reaches the state
    double probability = 0.0, paths = 0.0;
  };
  ExactTree tree;
  TrialHistory history;
  std::vector<State> layer(1);
  layer[0].probability = layer[0].paths = 1.0;
  tree.states = 1;
  while (!layer.empty()) {
    std::map<std::vector<int>, std::size_t> index;  // counts -> position in `next`
    std::vector<State> next;
    for (const State& s : layer) {
      const Replayed r = replay(design, D, s.path, ws, history);
      const DoseCounts& c = history.counts();
      if (r.next.stop) {
        tree.outcomes.push_back({s.probability, r.selected, c.n, c.dlt, c.cohorts, s.paths});
        tree.paths += s.paths;
        continue;
      }
      const int d = r.next.dose, size = r.next.cohort_size;
      const auto du = static_cast<std::size_t>(d);
      // The key: every count a count-based design may read (DoseCounts).
      std::vector<int> key;
      key.reserve(2 * D + 3);
      key.insert(key.end(), c.n.begin(), c.n.end());
      key.insert(key.end(), c.dlt.begin(), c.dlt.end());
      key[du] += size;
      key.push_back(d);
      key.push_back(size);
      key.push_back(0);
      for (int y = 0; y <= size; ++y) {
        const double q = binomial_pmf(y, size, p_true[du]);
        if (q == 0.0) continue;
        key[D + du] = c.dlt[du] + y;
        key.back() = y;
        const auto [it, fresh] = index.emplace(key, next.size());
        if (fresh) {
          if (++tree.states > max_states)
            throw std::length_error("more than " + std::to_string(max_states) +
                                    " distinct trial states to enumerate; simulate instead, or lower max_patients");
          State child;
          child.path = s.path;
          child.path.push_back({d, size, y});
          next.push_back(std::move(child));
        }
        State& child = next[it->second];
        child.probability += s.probability * q;
        child.paths += s.paths;
      }
    }
    layer = std::move(next);
  }
  return tree;
}

}  // namespace twinsim::trial
