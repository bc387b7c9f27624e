package de.kollegium.tests.analysis;

import java.io.Reader;
import java.util.regex.Pattern;

import org.apache.lucene.analysis.pattern.PatternReplaceCharFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.CharFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.StringSetting;

/** The {@code pattern_replace} char filter (Java regular expression, no flags). */
@NamedComponent("pattern_replace")
public class PatternReplaceCharFilterFactory implements CharFilterFactory {

    @AnalysisSettings
    public interface Settings {
        @StringSetting(path = "pattern", defaultValue = "")
        String pattern();

        @StringSetting(path = "replacement", defaultValue = "")
        String replacement();

        @StringSetting(path = "flags", defaultValue = "")
        String flags();
    }

    private final Pattern pattern;
    private final String replacement;

    /**
     * Elasticsearch also builds every component once without settings, so a missing pattern only
     * fails when the filter is used.
     */
    @Inject
    public PatternReplaceCharFilterFactory(Settings settings) {
        if (settings.flags().isEmpty() == false) {
            throw new IllegalArgumentException("the test plugin's pattern_replace takes no flags");
        }
        pattern = settings.pattern().isEmpty() ? null : Pattern.compile(settings.pattern());
        replacement = settings.replacement();
    }

    @Override
    public Reader create(Reader reader) {
        if (pattern == null) {
            throw new IllegalArgumentException("pattern is missing for [pattern_replace] char filter");
        }
        return new PatternReplaceCharFilter(pattern, replacement, reader);
    }
}
