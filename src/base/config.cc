#include "base/config.h"

#include <charconv>
#include <sstream>

#include "base/file.h"

namespace hetong::base {
namespace {

std::string_view Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

bool ValidName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

StatusOr<Config> Config::Parse(std::string_view text) {
  Config cfg;
  std::string section;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view raw =
        text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    std::string_view line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    auto where = [&](std::string what) {
      return InvalidArgumentError("config line " + std::to_string(line_no) + ": " + what);
    };
    if (line[0] == '[') {
      if (line.back() != ']') return where("section header must end with ']'");
      std::string_view name = Trim(line.substr(1, line.size() - 2));
      if (!ValidName(name)) return where("bad section name");
      section = std::string(name);
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return where("expected 'key = value'");
    std::string_view key = Trim(line.substr(0, eq));
    std::string_view value = Trim(line.substr(eq + 1));
    if (!ValidName(key)) return where("bad key name");
    std::string v;
    if (!value.empty() && value[0] == '"') {
      size_t close = value.find('"', 1);
      if (close == std::string_view::npos) return where("unterminated quoted value");
      std::string_view after = Trim(value.substr(close + 1));
      if (!after.empty() && after[0] != '#' && after[0] != ';') {
        return where("text after a quoted value");
      }
      v = std::string(value.substr(1, close - 1));
    } else {
      size_t hash = value.find(" #");
      if (hash != std::string_view::npos) value = Trim(value.substr(0, hash));
      v = std::string(value);
    }
    std::string full = section.empty() ? std::string(key) : section + "." + std::string(key);
    cfg.values_[full] = std::move(v);
  }
  return cfg;
}

StatusOr<Config> Config::Load(const std::string& path) {
  HETONG_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  auto cfg = Parse(text);
  if (!cfg.ok()) return cfg.status().WithContext(path);
  return cfg;
}

std::optional<std::string> Config::Get(std::string_view key) const {
  auto it = values_.find(std::string(key));
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Config::GetOr(std::string_view key, std::string_view fallback) const {
  auto v = Get(key);
  return v ? *v : std::string(fallback);
}

StatusOr<int64_t> Config::GetInt(std::string_view key, int64_t fallback) const {
  auto v = Get(key);
  if (!v) return fallback;
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || ptr != v->data() + v->size()) {
    return InvalidArgumentError("config key '" + std::string(key) + "' must be an integer");
  }
  return out;
}

StatusOr<bool> Config::GetBool(std::string_view key, bool fallback) const {
  auto v = Get(key);
  if (!v) return fallback;
  if (*v == "true" || *v == "yes" || *v == "on" || *v == "1") return true;
  if (*v == "false" || *v == "no" || *v == "off" || *v == "0") return false;
  return InvalidArgumentError("config key '" + std::string(key) + "' must be true or false");
}

void Config::Set(std::string_view key, std::string_view value) {
  values_[std::string(key)] = std::string(value);
}

std::string Config::Serialize() const {
  std::ostringstream out;
  out << "# hetong instance configuration\n";
  std::map<std::string, std::map<std::string, std::string>> sections;
  for (const auto& [k, v] : values_) {
    size_t dot = k.find('.');
    if (dot == std::string::npos) {
      sections[""][k] = v;
    } else {
      sections[k.substr(0, dot)][k.substr(dot + 1)] = v;
    }
  }
  auto emit = [&](const std::map<std::string, std::string>& kv) {
    for (const auto& [k, v] : kv) {
      bool quote = v.empty() || v.front() == ' ' || v.back() == ' ' ||
                   v.find('#') != std::string::npos || v.front() == '"';
      out << k << " = " << (quote ? "\"" + v + "\"" : v) << "\n";
    }
  };
  if (sections.contains("")) emit(sections[""]);
  for (const auto& [name, kv] : sections) {
    if (name.empty()) continue;
    out << "\n[" << name << "]\n";
    emit(kv);
  }
  return out.str();
}

Status Config::Save(const std::string& path) const {
  return WriteFileAtomic(path, AsBytes(Serialize()), 0600);
}

}  // namespace hetong::base
