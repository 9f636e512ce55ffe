/*
 * The command-line front end: global options, the command table, help.
 */
#ifndef OC_CLI_CLI_H
#define OC_CLI_CLI_H

/* Run the program; returns the process exit code. */
int cli_main(int argc, char **argv);

#endif
