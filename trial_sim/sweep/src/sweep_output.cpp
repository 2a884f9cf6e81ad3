// The sweep output folder: manifest, completion markers, and what prepare()
// accepts in a folder that is not empty (other shards' files, a resumed run).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <unordered_map>

#include "twinsim/core/file_safety.hpp"
#include "twinsim/core/h5.hpp"
#include "twinsim/trial/io/schema.hpp"
#include "twinsim/trial/sweep/sweep_lock.hpp"
#include "twinsim/trial/sweep/sweep_run.hpp"

namespace twinsim::trial {

namespace fs = std::filesystem;

namespace {

constexpr const char* kManifest = "manifest.tsv";

// Writes text to a temporary file beside path, syncs it and renames it into place.
void write_atomic(const std::string& path, const std::string& text) {
  std::random_device rd;
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd() % 1000000);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw core::RuntimeError("cannot create '" + tmp + "'");
  std::size_t off = 0;
  while (off < text.size()) {
    const ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n <= 0) {
      ::close(fd);
      std::remove(tmp.c_str());
      throw core::RuntimeError("cannot write '" + tmp + "' (disk full?)");
    }
    off += static_cast<std::size_t>(n);
  }
  const bool ok = ::fsync(fd) == 0;
  if (::close(fd) != 0 || !ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw core::RuntimeError("cannot write '" + path + "'");
  }
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = line.find(sep, start);
    out.push_back(line.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) return out;
    start = at + 1;
  }
}

// The manifest without its sweep_file line: the same sweep named by another
// path (./s.yaml, an absolute path from a SLURM script) is the same sweep.
std::string manifest_identity(const std::string& text) {
  std::string out;
  for (const auto& line : split(text, '\n'))
    if (line.rfind("# sweep_file\t", 0) != 0) out += line + "\n";
  return out;
}

std::string manifest_text(const Sweep& s) {
  std::string t =
      "# twinsim sweep manifest (docs/sweeps.md). Variant <id> is complete when <id>.done exists\n"
      "# and holds \"<id> <hash>\" with the hash below; <id>.h5 is its result file.\n";
  t += "# sweep_file\t" + s.path + "\n";
  t += "# sweep_hash\t" + s.hash + "\n";
  t += "# combine\t" + s.combine + "\n";
  t += "index\tid\thash";
  for (const auto& a : s.axes) t += "\t" + a.path;
  t += "\n";
  for (const auto& v : s.variants) {
    t += std::to_string(v.index) + "\t" + v.id + "\t" + v.hash;
    for (const auto& x : v.values) t += "\t" + x;
    t += "\n";
  }
  return t;
}

// The id part of a file name in the folder ("v003-1a2b3c4d.h5.tmp-12-34" -> "v003-1a2b3c4d").
std::string id_of(const std::string& name) { return name.substr(0, name.find('.')); }

std::string list_some(const std::vector<std::string>& names) {
  std::string s;
  for (std::size_t i = 0; i < names.size() && i < 5; ++i) s += (i ? ", " : "") + names[i];
  if (names.size() > 5) s += ", ... (" + std::to_string(names.size()) + " in all)";
  return s;
}

}  // namespace

std::vector<std::size_t> shard_units(std::size_t n_variants, int shard, int shards) {
  std::vector<std::size_t> out;
  for (std::size_t i = static_cast<std::size_t>(shard); i < n_variants; i += static_cast<std::size_t>(shards))
    out.push_back(i);
  return out;
}

SweepOutput::SweepOutput(std::string outdir, const Sweep& sweep) : dir_(std::move(outdir)), sweep_(sweep) {}

std::string SweepOutput::result_path(const SweepVariant& v) const { return (fs::path(dir_) / (v.id + ".h5")).string(); }

bool variant_complete(const std::string& outdir, const std::string& id, const std::string& hash) {
  const fs::path dir(outdir);
  std::error_code ec;
  if (!fs::is_regular_file(dir / (id + ".h5"), ec)) return false;
  return read_text((dir / (id + ".done")).string()) == id + " " + hash + "\n";
}

bool SweepOutput::is_complete(const SweepVariant& v) const { return variant_complete(dir_, v.id, v.hash); }

std::string verify_variant_file(const std::string& path, const std::string& hash) {
  try {
    const core::H5Reader r(path);
    namespace attr = schema::attr;
    if (!r.has_attribute(schema::kRoot, attr::kComplete) || r.attribute_int(schema::kRoot, attr::kComplete) != 1)
      return "its result file has no completion attribute (not written to the end by twinsim)";
    if (!r.has_attribute(schema::kRoot, attr::kSweepVariantHash))
      return std::string("its result file has no ") + attr::kSweepVariantHash + " attribute";
    const std::string got = r.attribute_string(schema::kRoot, attr::kSweepVariantHash);
    if (got != hash)
      return "its result file is of another variant or run (" + std::string(attr::kSweepVariantHash) + " " + got + ", not " + hash + ")";
  } catch (const core::TwinsimError& e) {
    return std::string("its result file cannot be read (") + e.what() + ")";
  }
  return {};
}

void SweepOutput::mark_complete(const SweepVariant& v) const {
  write_atomic((fs::path(dir_) / (v.id + ".done")).string(), v.id + " " + v.hash + "\n");
}

std::vector<std::string> SweepOutput::prepare(const std::vector<std::size_t>& units, bool resume, bool force,
                                              const std::string& others_running) const {
  std::error_code ec;
  if (fs::exists(dir_, ec) && !fs::is_directory(dir_, ec))
    throw core::UsageError("output folder '" + dir_ + "' exists and is not a folder");
  fs::create_directories(dir_, ec);
  if (ec) throw core::RuntimeError("cannot create output folder '" + dir_ + "': " + ec.message());

  const std::string manifest = (fs::path(dir_) / kManifest).string();
  const std::string old = read_text(manifest);
  const std::string wanted = manifest_text(sweep_);
  const bool same_sweep = manifest_identity(old) == manifest_identity(wanted);
  if (!old.empty() && !same_sweep && !force) {
    std::string old_hash = "?";
    for (const auto& line : split(old, '\n'))
      if (line.rfind("# sweep_hash\t", 0) == 0) old_hash = line.substr(13);
    throw core::UsageError("output folder '" + dir_ + "' holds another sweep (its manifest has sweep_hash " +
                           old_hash + ", this sweep is " + sweep_.hash +
                           "; a changed base scenario, axis, population.csv file or twinsim version makes another sweep); use another folder, or --force to replace it");
  }
  if (!old.empty() && !same_sweep && !others_running.empty())
    throw core::UsageError("output folder '" + dir_ + "' holds another sweep whose shards are running (" +
                           others_running + "); --force would replace its manifest under them: wait until they "
                           "have finished");
  std::unordered_map<std::string, std::size_t> mine;  // id -> variant index
  std::set<std::string> all;
  for (std::size_t u : units) mine.emplace(sweep_.variants[u].id, u);
  for (const auto& v : sweep_.variants) all.insert(v.id);

  // A complete variant is kept only if its file is what the marker says:
  // with --resume it is opened and its completion and hash attributes checked
  // (a truncated or swapped file under an intact marker is run again).
  std::vector<std::string> notes;
  std::unordered_map<std::string, bool> kept;
  const auto keep = [&](const SweepVariant& v) {
    const auto it = kept.find(v.id);
    if (it != kept.end()) return it->second;
    bool ok = !force && is_complete(v);
    if (ok && resume) {
      const std::string why = verify_variant_file(result_path(v), v.hash);
      if (!why.empty()) {
        ok = false;
        notes.push_back("variant " + v.id + ": " + why + "; it is run again");
      }
    }
    return kept[v.id] = ok;
  };

  std::vector<std::string> own, foreign, remove;
  for (const auto& e : fs::directory_iterator(dir_)) {
    const std::string name = e.path().filename().string();
    if (name == kManifest || name.rfind(std::string(kManifest) + ".tmp-", 0) == 0 || is_lock_file_name(name))
      continue;
    const std::string id = id_of(name);
    const auto m = mine.find(id);
    if (m != mine.end()) {
      own.push_back(name);
      // Only regular files (and links, whose removal leaves their target) of
      // this run's variants are ever removed or replaced.
      struct stat st {};
      if (::lstat(e.path().c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
        throw core::UsageError("'" + e.path().string() + "' is " + core::file_kind(st.st_mode) +
                               ", not a regular file; twinsim does not remove or replace it, with or without "
                               "--force: remove it yourself, or use another folder");
      const bool temp = name.find(".tmp-") != std::string::npos;
      if (temp || !keep(sweep_.variants[m->second])) remove.push_back(e.path().string());
    } else if (!all.count(id)) {
      foreign.push_back(name);
    }
  }
  // Other files are fine in this sweep's own folder (logs, the merged file),
  // not in a folder that is not yet one.
  if (!foreign.empty() && !force && !same_sweep)
    throw core::UsageError("output folder '" + dir_ + "' holds files that are not part of this sweep (" +
                           list_some(foreign) + "); use another folder, or --force");
  if (!own.empty() && !resume && !force)
    throw core::UsageError("output folder '" + dir_ + "' already holds results of this sweep (" + list_some(own) +
                           "); pass --resume to continue it or --force to start again");
  for (const auto& p : remove) fs::remove(p, ec);
  if (old != wanted) write_atomic(manifest, wanted);
  return notes;
}

SweepManifest read_manifest(const std::string& outdir) {
  const std::string path = (fs::path(outdir) / kManifest).string();
  std::error_code ec;
  if (!fs::is_regular_file(path, ec))
    throw core::UsageError("'" + outdir + "' is not a sweep output folder (no " + kManifest + ")");
  SweepManifest m;
  bool header = false;
  for (const auto& line : split(read_text(path), '\n')) {
    if (line.empty()) continue;
    const auto f = split(line, '\t');
    if (line[0] == '#') {
      if (f.size() == 2 && f[0] == "# sweep_file") m.sweep_file = f[1];
      if (f.size() == 2 && f[0] == "# sweep_hash") m.sweep_hash = f[1];
      if (f.size() == 2 && f[0] == "# combine") m.combine = f[1];
      continue;
    }
    if (!header) {
      if (f.size() < 3 || f[0] != "index") throw core::RuntimeError("'" + path + "': no header row");
      m.axes.assign(f.begin() + 3, f.end());
      header = true;
      continue;
    }
    if (f.size() != 3 + m.axes.size()) throw core::RuntimeError("'" + path + "': malformed row '" + line + "'");
    SweepManifest::Row r;
    r.index = static_cast<std::size_t>(std::stoull(f[0]));
    r.id = f[1];
    r.hash = f[2];
    r.values.assign(f.begin() + 3, f.end());
    m.variants.push_back(std::move(r));
  }
  if (!header || m.sweep_hash.empty()) throw core::RuntimeError("'" + path + "': incomplete manifest");
  return m;
}

}  // namespace twinsim::trial
