// Registration of the `hetong` subcommands (one function per group). Each subcommand's
// callback stores its exit code in `*exit_code` (see cli_util.h for the convention).
#pragma once

#include <CLI/CLI.hpp>

namespace hetong::app {

void RegisterCryptoCommands(CLI::App& app, int* exit_code);
void RegisterInstanceCommands(CLI::App& app, int* exit_code);
void RegisterPkiCommands(CLI::App& app, int* exit_code);
void RegisterTsCommands(CLI::App& app, int* exit_code);
void RegisterPdfCommands(CLI::App& app, int* exit_code);
void RegisterEvidenceCommands(CLI::App& app, int* exit_code);

}  // namespace hetong::app
