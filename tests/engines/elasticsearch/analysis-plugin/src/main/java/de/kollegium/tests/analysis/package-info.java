/**
 * Test-only stand-ins for the analysis-common components the Kollegium search index uses.
 *
 * <p>Each factory registers the analysis-common name with {@code @NamedComponent}, reads the same
 * settings under the same names and defaults, and builds the same Lucene class analysis-common
 * builds. Settings the Kollegium index does not use are rejected loudly instead of being ignored,
 * so a setting that would behave differently here than in production cannot slip through.
 */
package de.kollegium.tests.analysis;
