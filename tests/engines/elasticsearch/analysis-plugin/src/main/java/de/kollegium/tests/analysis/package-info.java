/**
 * Test-only stand-ins for the analysis-common components the Kollegium search index uses.
 *
 * <p>Each factory registers the analysis-common name with {@code @NamedComponent}, reads the
 * settings the Kollegium index uses under the same names and with the same defaults, and builds
 * the same Lucene class analysis-common builds. Where this plugin supports less than
 * analysis-common (stemmer languages, pattern flags) it refuses the value instead of guessing, so
 * a setting that would behave differently here than in production cannot slip through.
 *
 * <p>Elasticsearch instantiates every registered component once without settings, so the
 * constructors accept empty settings and a missing required setting fails when the component is
 * used.
 */
package de.kollegium.tests.analysis;
