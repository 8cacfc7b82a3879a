#include "common/cli/cli_app.h"

#include <cctype>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

#include "common/cli/version.h"

namespace dioh::cli {
namespace {

bool IsPlaceholderWord(const std::string& word) {
  if (word.empty()) return false;
  for (char c : word) {
    if (!(c >= 'A' && c <= 'Z') && c != '_') return false;
  }
  return true;
}

// "--on-violation" -> "ON_VIOLATION": the word for a string value nothing better names.
std::string NameWord(const CLI::Option* option) {
  const std::vector<std::string> names = option->get_lnames();
  std::string word = names.empty() ? "VALUE" : names.front();
  for (char& c : word) c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return word;
}

// The word a value stands for in help. CLI11 joins the type's name and each
// validator's description with ':' ("UINT:INT in [1 - 255]", "TEXT:FILE",
// "TEXT:{all,failed,none}"): a set of choices reads as a|b|c, a word such as
// FILE or DIR is kept, numbers read N, a bare string is named after its
// option (--profile PROFILE), and the rest is left out.
std::string Placeholder(const CLI::Option* option) {
  const std::string type_name = option->get_type_name();
  std::vector<std::string> pieces;
  for (std::size_t start = 0; start <= type_name.size();) {
    const std::size_t colon = std::min(type_name.find(':', start), type_name.size());
    pieces.push_back(type_name.substr(start, colon - start));
    start = colon + 1;
  }
  for (auto it = pieces.rbegin(); it != pieces.rend(); ++it) {
    if (it->size() > 2 && it->front() == '{' && it->back() == '}') {
      std::string choices = it->substr(1, it->size() - 2);
      for (char& c : choices) c = c == ',' ? '|' : c;
      return choices;
    }
  }
  for (auto it = pieces.rbegin(); it + 1 != pieces.rend(); ++it) {
    if (IsPlaceholderWord(*it)) return *it;
  }
  const std::string& base = pieces.front();
  if (base == "UINT" || base == "INT" || base == "POSITIVE" || base == "NONNEGATIVE") return "N";
  if (base == "FLOAT" || base == "NUMBER") return "X";
  if (base.empty() || base == "TEXT") return NameWord(option);
  return base;
}

class PlainFormatter : public CLI::Formatter {
 public:
  std::string make_option_opts(const CLI::Option* option) const override {
    if (!option->get_option_text().empty()) return " " + option->get_option_text();
    // A flag takes no value (CLI11 gives flags no type name and expects 0 values).
    if (option->get_type_size() == 0 || option->get_expected_max() == 0 || option->get_type_name().empty()) return "";
    const bool repeatable = option->get_expected_max() == CLI::detail::expected_max_vector_size;
    // A positional's name is its placeholder already ("FILE ...", not "FILE TEXT").
    if (!option->nonpositional()) return repeatable ? " ..." : "";
    return " " + Placeholder(option) + (repeatable ? " ..." : "");
  }
  std::string make_option_desc(const CLI::Option* option) const override {
    std::string text = option->get_description();
    if (option->get_type_size() != 0 && option->get_expected_max() != 0 && !option->get_default_str().empty()) {
      text += " (default: " + option->get_default_str() + ")";
    }
    return text;
  }
};

// "dioharness run": the words that name the command whose parse failed.
std::string CommandPath(const CLI::App* app) {
  std::string path = app->get_name();
  for (const CLI::App* parent = app->get_parent(); parent != nullptr; parent = parent->get_parent()) {
    path = parent->get_name() + " " + path;
  }
  return path;
}

// The command the user was in: the last subcommand selected on the line.
const CLI::App* Innermost(const CLI::App* app) {
  const std::vector<CLI::App*> selected = app->get_subcommands();
  return selected.empty() ? app : Innermost(selected.back());
}

// The first word no command took, and the command it was left to. CLI11
// checks required options before leftovers, so `run --bogus` would otherwise
// report "FILE is required" instead of the word that is wrong.
struct Leftover {
  const CLI::App* app = nullptr;
  std::string word;
};
std::optional<Leftover> FirstLeftover(const CLI::App* app) {
  const std::vector<std::string> left = app->remaining(false);
  if (!left.empty()) return Leftover{app, left.front()};
  for (const CLI::App* sub : app->get_subcommands()) {
    if (auto found = FirstLeftover(sub)) return found;
  }
  return std::nullopt;
}

std::string SubcommandNames(const CLI::App* app) {
  std::string names;
  for (const CLI::App* sub : app->get_subcommands([](const CLI::App*) { return true; })) {
    names += (names.empty() ? "" : ", ") + sub->get_name();
  }
  return names;
}

std::string Explain(const CLI::App& root, const CLI::ParseError& error, const CLI::App*& where) {
  where = Innermost(&root);
  if (auto left = FirstLeftover(&root)) {
    where = left->app;
    if (left->word.rfind('-', 0) == 0 && left->word.size() > 1) return "unknown option '" + left->word + "'";
    const std::string commands = SubcommandNames(left->app);
    if (!commands.empty() && left->app->get_subcommands().empty()) {
      return "unknown command '" + left->word + "' (commands: " + commands + ")";
    }
    return "unexpected argument '" + left->word + "'";
  }
  const std::string message = error.what();
  if (message.rfind("A subcommand is required", 0) == 0 || message.rfind("Requires at least", 0) == 0) {
    return "a command is required: " + SubcommandNames(where);
  }
  return message;
}

}  // namespace

void SetUpApp(CLI::App& app, std::string_view program) {
  app.name(std::string(program));
  app.formatter(std::make_shared<PlainFormatter>());
  app.set_version_flag("--version", VersionLine(program), "print the version and exit");
}

ParseErrorOutcome DescribeParseError(const CLI::App& app, const CLI::ParseError& error) {
  const bool help = error.get_name() == "CallForHelp" || error.get_name() == "CallForAllHelp";
  // `dioharness bench --help`: the unknown command is the answer, not the
  // top-level help (CLI11 acts on --help before it looks at leftovers).
  if (const auto left = FirstLeftover(&app); help && left && left->word.rfind('-', 0) != 0 &&
                                             left->app->get_subcommands().empty() && !SubcommandNames(left->app).empty()) {
    const std::string path = CommandPath(left->app);
    const std::string line = "unknown command '" + left->word + "' (commands: " + SubcommandNames(left->app) +
                             ") (see '" + path + " --help')";
    return {2, path + ": " + line + "\n", false, line};
  }
  if (error.get_name() == "CallForHelp") return {0, app.help(), true};
  if (error.get_name() == "CallForAllHelp") return {0, app.help("", CLI::AppFormatMode::All), true};
  if (error.get_name() == "CallForVersion") return {0, std::string(error.what()) + "\n", true};
  const CLI::App* where = nullptr;
  const std::string what = Explain(app, error, where);
  const std::string path = CommandPath(where);
  const std::string line = what + " (see '" + path + " --help')";
  return {2, path + ": " + line + "\n", false, line};
}

int ExitForParseError(const CLI::App& app, const CLI::ParseError& error) {
  const ParseErrorOutcome outcome = DescribeParseError(app, error);
  (outcome.to_stdout ? std::cout : std::cerr) << outcome.text << std::flush;
  return outcome.exit_code;
}

}  // namespace dioh::cli
