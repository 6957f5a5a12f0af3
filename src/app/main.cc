// hetong: the electronic-contract platform's single binary — the operator's toolbox
// (`hetong crypto ...`), instance management (`hetong init`) and the server (`hetong serve`).

#include <CLI/CLI.hpp>
#include <cstdio>

#include "app/cli_util.h"
#include "app/commands.h"
#include "app/version.h"
#include "base/log.h"

int main(int argc, char** argv) {
  CLI::App app{"hetong " HETONG_VERSION " — electronic contracts with SM2/SM3/SM4 and RSA"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "hetong " HETONG_VERSION);
  // Commands print their own results; the log only carries warnings (serve re-initialises it).
  hetong::base::LogOptions quiet;
  quiet.level = "warn";
  (void)hetong::base::InitLogging(quiet);
  int exit_code = hetong::app::kExitOk;
  hetong::app::RegisterCryptoCommands(app, &exit_code);
  hetong::app::RegisterInstanceCommands(app, &exit_code);
  hetong::app::RegisterPkiCommands(app, &exit_code);
  hetong::app::RegisterTsCommands(app, &exit_code);
  hetong::app::RegisterPdfCommands(app, &exit_code);
  hetong::app::RegisterEvidenceCommands(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "hetong: %s (see --help)\n", e.what());
    return hetong::app::kExitError;
  }
  return exit_code;
}
