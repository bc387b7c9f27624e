package de.kollegium.tests.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.AnalyzerFactory;

/** The plain {@code german} analyzer (default stop words, no stem exclusions): the baseline. */
@NamedComponent("german")
public class GermanAnalyzerFactory implements AnalyzerFactory {

    @Override
    public Analyzer create() {
        return new GermanAnalyzer();
    }
}
