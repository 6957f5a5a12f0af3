// A main() for builds without libFuzzer (gcc, or clang without HETONG_FUZZ): runs a fuzz
// target's LLVMFuzzerTestOneInput once over every regular file in the directories (or the
// files) named on the command line, so that the seed corpus and saved crash inputs are
// replayed as an ordinary test in every build.
//
// --mutations=N also runs N mutants of every input (byte flips, insertions, deletions,
// duplicated ranges, truncations, changed decimal numbers), chosen by a fixed-seed PRNG so
// that a run is reproducible: a blind fuzzer for targets that libFuzzer cannot build. Before
// each mutant runs it is written to $TMPDIR/<program>.last-input, so that an input that
// aborts the process is left behind to replay.
//
// Exit status: 0 when every input ran (a crashing input aborts the process, as under
// libFuzzer), 2 when an argument cannot be read or no input was found.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool ReadFile(const std::filesystem::path& path, std::vector<uint8_t>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

// One random mutation of `in`.
std::vector<uint8_t> Mutate(const std::vector<uint8_t>& in, std::mt19937_64& rng) {
  std::vector<uint8_t> out = in;
  auto pick = [&](size_t n) { return n == 0 ? size_t{0} : static_cast<size_t>(rng() % n); };
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    switch (rng() % 7) {
      case 0:  // flip bits
        if (!out.empty()) out[pick(out.size())] ^= static_cast<uint8_t>(1u << (rng() % 8));
        break;
      case 1:  // random byte
        if (!out.empty()) out[pick(out.size())] = static_cast<uint8_t>(rng());
        break;
      case 2: {  // insert bytes
        size_t at = pick(out.size() + 1), n = 1 + pick(16);
        std::vector<uint8_t> bytes(n);
        for (auto& b : bytes) b = static_cast<uint8_t>(rng());
        out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), bytes.begin(), bytes.end());
        break;
      }
      case 3: {  // delete a range
        if (out.empty()) break;
        size_t at = pick(out.size()), n = std::min(out.size() - at, 1 + pick(64));
        out.erase(out.begin() + static_cast<std::ptrdiff_t>(at),
                  out.begin() + static_cast<std::ptrdiff_t>(at + n));
        break;
      }
      case 4: {  // duplicate a range
        if (out.empty()) break;
        size_t at = pick(out.size()), n = std::min(out.size() - at, 1 + pick(256));
        std::vector<uint8_t> range(out.begin() + static_cast<std::ptrdiff_t>(at),
                                   out.begin() + static_cast<std::ptrdiff_t>(at + n));
        size_t to = pick(out.size() + 1);
        out.insert(out.begin() + static_cast<std::ptrdiff_t>(to), range.begin(), range.end());
        break;
      }
      case 5:  // truncate
        if (!out.empty()) out.resize(pick(out.size()));
        break;
      default: {  // change a decimal number (offsets, lengths, object numbers)
        if (out.empty()) break;
        size_t at = pick(out.size());
        while (at < out.size() && (out[at] < '0' || out[at] > '9')) ++at;
        size_t end = at;
        while (end < out.size() && out[end] >= '0' && out[end] <= '9') ++end;
        if (at == end) break;
        static const char* kNumbers[] = {"0",     "1", "-1", "2147483648", "99999999999999999999",
                                         "65535", "7"};
        std::string repl = (rng() % 2) ? kNumbers[rng() % 7] : std::to_string(rng() % 100000);
        out.erase(out.begin() + static_cast<std::ptrdiff_t>(at),
                  out.begin() + static_cast<std::ptrdiff_t>(end));
        out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), repl.begin(), repl.end());
        break;
      }
    }
  }
  return out;
}

void RunOne(const std::vector<uint8_t>& data) {
  // A heap copy of exactly the input's size (never a null pointer), as libFuzzer passes
  // it, so that ASan sees a read past the end.
  auto copy = std::make_unique<uint8_t[]>(data.size() + (data.empty() ? 1 : 0));
  std::copy(data.begin(), data.end(), copy.get());
  LLVMFuzzerTestOneInput(copy.get(), data.size());
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s [--mutations=N] <corpus directory or file>...\n", argv[0]);
    return 2;
  }
  long mutations = 0;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--mutations=", 0) == 0) {
      mutations = std::strtol(a.c_str() + 12, nullptr, 10);
      continue;
    }
    fs::path arg(argv[i]);
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (const auto& entry : fs::recursive_directory_iterator(arg, ec)) {
        if (entry.is_regular_file()) inputs.push_back(entry.path());
      }
      if (ec) {
        std::fprintf(stderr, "%s: cannot list %s: %s\n", argv[0], argv[i], ec.message().c_str());
        return 2;
      }
    } else if (fs::is_regular_file(arg, ec)) {
      inputs.push_back(arg);
    } else {
      std::fprintf(stderr, "%s: no such file or directory: %s\n", argv[0], argv[i]);
      return 2;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "%s: no inputs found\n", argv[0]);
    return 2;
  }
  std::sort(inputs.begin(), inputs.end());
  std::vector<uint8_t> data;
  for (const auto& path : inputs) {
    if (!ReadFile(path, &data)) {
      std::fprintf(stderr, "%s: cannot read %s\n", argv[0], path.c_str());
      return 2;
    }
    std::fprintf(stderr, "running %s (%zu bytes)\n", path.c_str(), data.size());
    RunOne(data);
    if (mutations > 0) {
      const char* tmp = std::getenv("TMPDIR");
      std::string last = std::string(tmp ? tmp : "/tmp") + "/" +
                         fs::path(argv[0]).filename().string() + ".last-input";
      std::mt19937_64 rng(std::hash<std::string>{}(path.filename().string()));
      for (long m = 0; m < mutations; ++m) {
        std::vector<uint8_t> mutant = Mutate(data, rng);
        {
          std::ofstream keep(last, std::ios::binary | std::ios::trunc);
          keep.write(reinterpret_cast<const char*>(mutant.data()),
                     static_cast<std::streamsize>(mutant.size()));
        }
        RunOne(mutant);
      }
      std::remove(last.c_str());
    }
  }
  std::printf(
      "replayed %zu inputs%s\n", inputs.size(),
      mutations > 0 ? (" and " + std::to_string(mutations) + " mutants of each").c_str() : "");
  return 0;
}
