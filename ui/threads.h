/* Threads lent to the engine: an EngineRunner that runs an analysis' parts at once, one
 * thread each (the calling thread among them), as many as there are online CPUs, at most
 * THREADS_MAX. */
#ifndef BREAKOUT_THREADS_H
#define BREAKOUT_THREADS_H

#include "engine.h"

#define THREADS_MAX 8

/* A runner for EngineOptions.runner; parts is the number of online CPUs (1 .. THREADS_MAX).
 * It keeps no state: the same one serves every analysis. */
EngineRunner threads_runner(void);

#endif
