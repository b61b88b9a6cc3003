/* The command line. */
#include "cli.h"

#include <stdio.h>

int cli_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("breakout %s\n", BREAKOUT_VERSION);
    return 0;
}
