/* The command line: parses arguments and runs a command (list, import, analyze, ...)
 * or the explorer. Returns the process exit status (0 done, 1 --check found paths, 2 bad
 * usage or input). */
#ifndef BREAKOUT_CLI_H
#define BREAKOUT_CLI_H

int cli_main(int argc, char **argv);

#endif
