// System compiler, content-hash cache, dlopen.
//
// Many processes (sweep shards, MPI ranks) may build the same model at once in
// one cache folder. Each compiles to its own temporary name in that folder,
// fsyncs it and links it to the final name, which fails if another process got
// there first: the loser then loads the winner's file. A final file is
// therefore always complete; one that does not load or carries the wrong key
// (a foreign or damaged file) is rebuilt and replaced by rename.
#include "native.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace twinsim::pkpd::user {

struct NativeLibrary {
  void* handle = nullptr;
  ~NativeLibrary() {
    if (handle) dlclose(handle);
  }
};

namespace {

// Flags are part of the cache key. -ffp-contract=off: no fused multiply-add,
// so the compiled code rounds exactly as the interpreter does.
const std::vector<std::string> kFlags = {"-O2", "-shared", "-fPIC", "-std=c99", "-ffp-contract=off"};

std::string getenv_string(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Full path of an executable named `word` (searched on PATH unless it has a '/').
std::string find_executable(const std::string& word) {
  if (word.find('/') != std::string::npos) return access(word.c_str(), X_OK) == 0 ? word : "";
  const std::string path = getenv_string("PATH");
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    const std::string dir = end > start ? path.substr(start, end - start) : ".";
    const std::string full = dir + "/" + word;
    struct stat st {};
    if (stat(full.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(full.c_str(), X_OK) == 0) return full;
    start = end + 1;
  }
  return "";
}

// The command line prefix and an identity that changes when the compiler is
// replaced (resolved path, size, modification time of each program named).
bool find_compiler(const CompileOptions& options, std::vector<std::string>& argv, std::string& identity,
                   std::string& tried) {
  std::vector<std::vector<std::string>> candidates;
  if (!options.compiler.empty()) candidates.push_back(split_words(options.compiler));
  else if (!getenv_string("CC").empty()) candidates.push_back(split_words(getenv_string("CC")));
  else candidates = {{"cc"}, {"gcc"}, {"clang"}};
  for (const auto& words : candidates) {
    if (words.empty()) continue;
    tried += (tried.empty() ? "" : ", ") + words[0];
    const std::string exe = find_executable(words[0]);
    if (exe.empty()) continue;
    argv = words;
    argv[0] = exe;
    identity.clear();
    for (const auto& w : words) {
      const std::string full = find_executable(w);
      identity += w;
      if (full.empty()) continue;
      char* real = realpath(full.c_str(), nullptr);
      struct stat st {};
      if (real && stat(real, &st) == 0)
        identity += "=" + std::string(real) + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) +
                    "." + std::to_string(st.st_mtim.tv_nsec);
      std::free(real);
      identity += ";";
    }
    return true;
  }
  return false;
}

bool write_file(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t w = ::write(fd, text.data() + done, text.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      ::close(fd);
      return false;
    }
    done += static_cast<std::size_t>(w);
  }
  return ::close(fd) == 0;
}

bool fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

std::string first_line_of(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) return line.size() > 200 ? line.substr(0, 200) + "..." : line;
  return "";
}

// Runs argv with stdout and stderr into `log`; "" on success, else why not.
std::string run_compiler(const std::vector<std::string>& argv, const std::string& log, double timeout_s) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return std::string("cannot run ") + argv[0] + ": " + std::strerror(rc);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  int status = 0;
  for (;;) {
    const pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) return std::string("waiting for the compiler failed: ") + std::strerror(errno);
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return argv[0] + std::string(" did not finish within ") + std::to_string(static_cast<int>(timeout_s)) + " s";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  const std::string first = first_line_of(log);
  return argv[0] + std::string(" failed") + (first.empty() ? "" : ": " + first);
}

// Loads `path` and checks that it is the library for `key`.
std::shared_ptr<NativeLibrary> load(const std::string& path, const std::string& key, UserModelFunctions& fns,
                                    std::string& why) {
  auto lib = std::make_shared<NativeLibrary>();
  lib->handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib->handle) {
    const char* e = dlerror();
    why = e ? e : "dlopen failed";
    return nullptr;
  }
  const auto* stored = static_cast<const char*>(dlsym(lib->handle, "twinsim_model_key"));
  if (!stored || key != stored) {
    why = "the cached library belongs to another model";
    return nullptr;
  }
  fns.rhs = reinterpret_cast<RhsFn>(dlsym(lib->handle, "twinsim_rhs"));
  fns.jac = reinterpret_cast<JacFn>(dlsym(lib->handle, "twinsim_jac"));
  fns.outputs = reinterpret_cast<OutputsFn>(dlsym(lib->handle, "twinsim_outputs"));
  fns.init = reinterpret_cast<InitFn>(dlsym(lib->handle, "twinsim_init"));
  fns.output_jac = reinterpret_cast<OutputJacFn>(dlsym(lib->handle, "twinsim_output_jac"));
  if (!fns.rhs || !fns.jac || !fns.outputs || !fns.init || !fns.output_jac) {
    why = "the cached library lacks a model function";
    fns = {};
    return nullptr;
  }
  return lib;
}

std::string unique_suffix() {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  return std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(rd());
}

}  // namespace

std::string sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr) != 1) return "";
  static const char* const hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

std::string cache_folder(const CompileOptions& options) {
  if (!options.cache_dir.empty()) return options.cache_dir;
  if (const std::string d = getenv_string("TWINSIM_CACHE_DIR"); !d.empty()) return d;
  if (const std::string x = getenv_string("XDG_CACHE_HOME"); !x.empty()) return x + "/twinsim";
  if (const std::string h = getenv_string("HOME"); !h.empty()) return h + "/.cache/twinsim";
  return "";
}

NativeResult compile_native(const std::string& code, const CompileOptions& options) {
  NativeResult r;
  std::vector<std::string> argv;
  std::string identity, tried;
  if (!find_compiler(options, argv, identity, tried)) {
    r.note = "no C compiler found (tried " + tried + "): the user model is interpreted (slower, same results)";
    return r;
  }
  std::string flags;
  for (const auto& f : kFlags) flags += f + " ";
  const std::string key = sha256_hex(code + '\0' + identity + '\0' + flags);
  const std::string base = cache_folder(options);
  if (base.empty() || key.empty()) {
    r.note = "no cache folder (set TWINSIM_CACHE_DIR or HOME): the user model is interpreted";
    return r;
  }
  const std::string dir = base + "/models";
  for (const std::string& d : {base, dir}) {
    if (::mkdir(d.c_str(), 0755) != 0 && errno != EEXIST) {
      r.note = "cannot create the cache folder " + d + " (" + std::strerror(errno) + "): the user model is interpreted";
      return r;
    }
  }
  const std::string final_so = dir + "/" + key + ".so";
  std::string why;
  if (access(final_so.c_str(), F_OK) == 0) {
    r.library = load(final_so, key, r.functions, why);
    if (r.library) {
      r.cache_hit = true;
      r.path = final_so;
      return r;
    }
  }
  const bool replace = access(final_so.c_str(), F_OK) == 0;  // present but unusable
  const std::string tmp = dir + "/" + key + ".tmp-" + unique_suffix();
  const std::string tmp_c = tmp + ".c", tmp_so = tmp + ".so", log = tmp + ".log";
  const std::string source = code + "const char twinsim_model_key[] = \"" + key + "\";\n";
  auto cleanup = [&] {
    ::unlink(tmp_c.c_str());
    ::unlink(tmp_so.c_str());
    ::unlink(log.c_str());
  };
  if (!write_file(tmp_c, source)) {
    r.note = "cannot write to the cache folder " + dir + " (" + std::strerror(errno) + "): the user model is interpreted";
    cleanup();
    return r;
  }
  std::vector<std::string> cmd = argv;
  cmd.insert(cmd.end(), kFlags.begin(), kFlags.end());
  cmd.insert(cmd.end(), {"-o", tmp_so, tmp_c, "-lm"});
  if (const std::string failed = run_compiler(cmd, log, options.compile_timeout_s); !failed.empty()) {
    r.note = "compiling the user model failed (" + failed + "): it is interpreted (slower, same results)";
    cleanup();
    return r;
  }
  // Durable before visible: a crash cannot leave a truncated file under the final name.
  if (!fsync_path(tmp_so, O_RDONLY)) {
    r.note = std::string("cannot sync the compiled model (") + std::strerror(errno) + "): it is interpreted";
    cleanup();
    return r;
  }
  bool published = false;
  if (!replace) {
    published = ::link(tmp_so.c_str(), final_so.c_str()) == 0;
    // EEXIST: another process won the race; its file is complete (it was fsynced first).
    if (!published && errno != EEXIST) published = ::rename(tmp_so.c_str(), final_so.c_str()) == 0;
  } else {
    published = ::rename(tmp_so.c_str(), final_so.c_str()) == 0;
  }
  if (published) {
    fsync_path(dir, O_RDONLY | O_DIRECTORY);
    ::rename(tmp_c.c_str(), (dir + "/" + key + ".c").c_str());  // kept for inspection
  }
  cleanup();
  r.library = load(final_so, key, r.functions, why);
  if (!r.library) {
    r.functions = {};
    r.note = "loading the compiled model failed (" + why + "): it is interpreted (slower, same results)";
    return r;
  }
  r.path = final_so;
  return r;
}

}  // namespace twinsim::pkpd::user
