// The sweep loaded with its stop poll, one variant into its file, and the
// in-process loop over a list of units.
#include <cstdio>

#include "twinsim/trial/io/hdf5_sink.hpp"
#include "twinsim/trial/io/schema.hpp"
#include "twinsim/trial/runner/run.hpp"
#include "twinsim/trial/sweep/sweep_run.hpp"

namespace twinsim::trial {

Sweep load_sweep_file(const std::string& path, const std::function<bool()>& stop) {
  return load_sweep_spec(path, [&] {
    if (stop && stop()) throw Interrupted("interrupted while expanding the sweep");
  });
}

void run_variant(const Sweep& sweep, const SweepVariant& v, const SweepOutput& out, const VariantRunOptions& opt) {
  if (opt.stop && opt.stop()) throw Interrupted("interrupted before variant " + v.id);
  const Scenario s = load_variant(sweep, v);
  // A marker left from an earlier, different run must not vouch for the new file.
  std::remove((out.dir() + "/" + v.id + ".done").c_str());
  RunOptions ro;
  ro.label = out.result_path(v);
  ro.threads = opt.threads;
  ro.stop = opt.stop;
  std::vector<core::InputFile> inputs = scenario_inputs(s);
  inputs.push_back({"sweep file", sweep.path});
  if (!sweep.base_file.empty()) inputs.push_back({"base scenario file", sweep.base_file});
  // What --resume checks before it trusts the .done marker (verify_variant_file).
  ro.attributes = {{schema::attr::kSweepVariantId, v.id}, {schema::attr::kSweepVariantHash, v.hash}};
  ro.progress = [&](std::int64_t done, std::int64_t total) {
    // Thrown on the main thread between blocks: run() unwinds and the
    // HDF5 sink deletes its temporary file.
    if (opt.stop && opt.stop()) throw Interrupted("interrupted during variant " + v.id);
    if (opt.progress && total > 0) opt.progress(static_cast<double>(done) / static_cast<double>(total));
  };
  RunSummary r;
  {
    Hdf5Sink sink(out.result_path(v), true, std::move(inputs));  // prepare() already decided what may be replaced
    r = run(s, sink, ro);
  }
  out.mark_complete(v);
  if (opt.finished) opt.finished(v, s, r);
}

VariantRunOptions variant_options(const SweepRunOptions& opt) {
  VariantRunOptions vo;
  vo.threads = opt.threads;
  vo.stop = opt.stop;
  vo.finished = opt.finished;
  return vo;
}

std::size_t run_units(const Sweep& sweep, const std::vector<std::size_t>& units, const SweepOutput& out,
                      const SweepRunOptions& opt) {
  std::vector<std::size_t> todo;
  for (std::size_t u : units)
    if (!out.is_complete(sweep.variants[u])) todo.push_back(u);
  std::size_t done = 0;
  if (opt.progress) opt.progress(0, todo.size(), 0.0);
  for (std::size_t u : todo) {
    VariantRunOptions vo = variant_options(opt);
    if (opt.progress) vo.progress = [&](double f) { opt.progress(done, todo.size(), f); };
    run_variant(sweep, sweep.variants[u], out, vo);
    ++done;
    if (opt.progress) opt.progress(done, todo.size(), 0.0);
  }
  return done;
}

}  // namespace twinsim::trial
