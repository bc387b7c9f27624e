package de.kollegium.tests.analysis;

import static org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter.CATENATE_ALL;
import static org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter.CATENATE_NUMBERS;
import static org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter.CATENATE_WORDS;
import static org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter.GENERATE_NUMBER_PARTS;
import static org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter.GENERATE_WORD_PARTS;
import static org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter.IGNORE_KEYWORDS;
import static org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter.PRESERVE_ORIGINAL;
import static org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter.SPLIT_ON_CASE_CHANGE;
import static org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter.SPLIT_ON_NUMERICS;
import static org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter.STEM_ENGLISH_POSSESSIVE;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterGraphFilter;
import org.apache.lucene.analysis.miscellaneous.WordDelimiterIterator;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;

/** The {@code word_delimiter_graph} token filter with analysis-common's defaults. */
@NamedComponent("word_delimiter_graph")
public class WordDelimiterGraphTokenFilterFactory implements TokenFilterFactory {

    @AnalysisSettings
    public interface Settings {
        @BooleanSetting(path = "generate_word_parts", defaultValue = true)
        boolean generateWordParts();

        @BooleanSetting(path = "generate_number_parts", defaultValue = true)
        boolean generateNumberParts();

        @BooleanSetting(path = "catenate_words", defaultValue = false)
        boolean catenateWords();

        @BooleanSetting(path = "catenate_numbers", defaultValue = false)
        boolean catenateNumbers();

        @BooleanSetting(path = "catenate_all", defaultValue = false)
        boolean catenateAll();

        @BooleanSetting(path = "split_on_case_change", defaultValue = true)
        boolean splitOnCaseChange();

        @BooleanSetting(path = "preserve_original", defaultValue = false)
        boolean preserveOriginal();

        @BooleanSetting(path = "split_on_numerics", defaultValue = true)
        boolean splitOnNumerics();

        @BooleanSetting(path = "stem_english_possessive", defaultValue = true)
        boolean stemEnglishPossessive();

        @BooleanSetting(path = "ignore_keywords", defaultValue = false)
        boolean ignoreKeywords();

        @BooleanSetting(path = "adjust_offsets", defaultValue = true)
        boolean adjustOffsets();
    }

    private final int flags;
    private final boolean adjustOffsets;

    @Inject
    public WordDelimiterGraphTokenFilterFactory(Settings settings) {
        int configured = 0;
        configured |= settings.generateWordParts() ? GENERATE_WORD_PARTS : 0;
        configured |= settings.generateNumberParts() ? GENERATE_NUMBER_PARTS : 0;
        configured |= settings.catenateWords() ? CATENATE_WORDS : 0;
        configured |= settings.catenateNumbers() ? CATENATE_NUMBERS : 0;
        configured |= settings.catenateAll() ? CATENATE_ALL : 0;
        configured |= settings.splitOnCaseChange() ? SPLIT_ON_CASE_CHANGE : 0;
        configured |= settings.preserveOriginal() ? PRESERVE_ORIGINAL : 0;
        configured |= settings.splitOnNumerics() ? SPLIT_ON_NUMERICS : 0;
        configured |= settings.stemEnglishPossessive() ? STEM_ENGLISH_POSSESSIVE : 0;
        configured |= settings.ignoreKeywords() ? IGNORE_KEYWORDS : 0;
        flags = configured;
        adjustOffsets = settings.adjustOffsets();
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new WordDelimiterGraphFilter(
            tokenStream, adjustOffsets, WordDelimiterIterator.DEFAULT_WORD_DELIM_TABLE, flags, null);
    }
}
