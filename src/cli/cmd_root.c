/*
 * The root of the command table: global options (parsed by cli.c, listed
 * here for --help) and the top-level commands.
 */
#include <stddef.h>

#include "cli/commands.h"
#include "base/banned.h"

static const struct cli_opt root_opts[] = {
    {"dev", 0, NULL,
     "Dev profile: state in ~/.openclaw-dev, gateway port 19001"},
    {"profile", 0, "<name>",
     "Use a named profile (state in ~/.openclaw-<name>)"},
    {"log-level", 0, "<level>",
     "Log level: silent|fatal|error|warn|info|debug|trace"},
    {"no-color", 0, NULL, "Disable ANSI colors (NO_COLOR works too)"},
    {"help", 'h', NULL, "Display help for command"},
    {"version", 'V', NULL, "Print the version"},
    {NULL, 0, NULL, NULL},
};

static const struct cli_cmd *const top[] = {
    &cmd_agent,  &cmd_agents,  &cmd_chat,    &cmd_config,
    &cmd_daemon, &cmd_doctor,  &cmd_gateway, &cmd_health,
    &cmd_models, &cmd_onboard, NULL,
};

const struct cli_cmd cli_root = {
    .name = "openclaw",
    .summary = "OpenClaw's model-provider auth, Anthropic provider and "
               "gateway in one small C binary.\nIt reads and writes the "
               "same files as OpenClaw (~/.openclaw).",
    .help = "Commands marked * have subcommands: run 'openclaw <command> "
            "--help'.\n"
            "Paths: OPENCLAW_STATE_DIR (default ~/.openclaw), "
            "OPENCLAW_CONFIG_PATH,\nOPENCLAW_HOME. Logs: OPENCLAW_LOG_LEVEL. "
            "Manual: man openclaw.\n",
    .opts = root_opts,
    .subs = top,
};
