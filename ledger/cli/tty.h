/*
 * tty.h: what the CLI does only for a person at a terminal: a progress line on standard error
 * during long operations, and colour.
 *
 * Neither ever reaches a file or a pipe: the progress line is shown only when standard error
 * is a terminal, colour only when the stream written is one. Colour is off when NO_COLOR is
 * set and not empty (https://no-color.org), when TERM is unset, empty or "dumb", and never
 * used in csv or json output.
 */
#ifndef FUNDLEDGER_CLI_TTY_H
#define FUNDLEDGER_CLI_TTY_H

#include <stdint.h>
#include <stdio.h>

#include "fundledger/progress.h"

/* SGR sequences for cli_sgr. */
#define CLI_SGR_RED "\033[31m"
#define CLI_SGR_GREEN "\033[32m"
#define CLI_SGR_YELLOW "\033[33m"
#define CLI_SGR_BOLD_RED "\033[1;31m"
#define CLI_SGR_RESET "\033[0m"

/* 1 when what is written to f may be coloured (see above), else 0. */
int cli_color(FILE *f);
/* sgr when cli_color(f), else "": printf("%sOK%s", cli_sgr(f, GREEN), cli_sgr(f, RESET)). */
const char *cli_sgr(FILE *f, const char *sgr);

/*
 * The progress line, "\r<verb>: 45% (450000/1000000 <unit>)", or without the percentage when
 * the total is unknown. cli_progress_begin names the operation and turns the line on when
 * standard error is a terminal (and, with `stdout_too`, for an operation that writes standard
 * output as it goes, only when standard output is not one). cli_progress is the library's
 * callback (fl_progress_fn; its arg is unused): it redraws at most ten times a second, and
 * erases the line when done reaches a known total. cli_progress_end erases the line if it is
 * shown; every error message and result is printed after it (cli_fail and cli_usage_error
 * call it).
 */
void cli_progress_begin(const char *verb, const char *unit, int stdout_too);
void cli_progress(void *arg, uint64_t done, uint64_t total);
void cli_progress_end(void);

#endif
