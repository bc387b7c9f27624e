package de.kollegium.tests.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.de.GermanLightStemFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.StringSetting;

/** The {@code stemmer} token filter, for the one language the Kollegium index uses. */
@NamedComponent("stemmer")
public class StemmerTokenFilterFactory implements TokenFilterFactory {

    @AnalysisSettings
    public interface Settings {
        @StringSetting(path = "language", defaultValue = "english")
        String language();
    }

    private final String language;

    /** Elasticsearch also builds every component once without settings: check on use. */
    @Inject
    public StemmerTokenFilterFactory(Settings settings) {
        language = settings.language();
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        if ("light_german".equals(language) == false && "lightGerman".equals(language) == false) {
            throw new IllegalArgumentException(
                "the test plugin's stemmer only knows light_german, not [" + language + "]");
        }
        return new GermanLightStemFilter(tokenStream);
    }
}
