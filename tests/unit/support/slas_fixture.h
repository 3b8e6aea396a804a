/*
 * The SLAs the availability tests compute by hand with (test_slo.c,
 * test_tradeoff.c): the published figures of data/slas.json, with short
 * sources, so that a refresh of the data file does not move their figures.
 */
#ifndef SM_TEST_SLAS_FIXTURE_H
#define SM_TEST_SLAS_FIXTURE_H

extern const char test_slas_json[];

#endif
