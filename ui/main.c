/* The breakout executable: everything happens in cli_main (ui/cli.c). */
#include "cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
