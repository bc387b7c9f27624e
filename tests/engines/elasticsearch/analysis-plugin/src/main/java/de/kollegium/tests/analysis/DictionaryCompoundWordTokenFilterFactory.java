package de.kollegium.tests.analysis;

import java.util.List;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.compound.CompoundWordTokenFilterBase;
import org.apache.lucene.analysis.compound.DictionaryCompoundWordTokenFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;
import org.elasticsearch.plugin.settings.IntSetting;
import org.elasticsearch.plugin.settings.ListSetting;

/** The {@code dictionary_decompounder} token filter over an inline, case-sensitive word list. */
@NamedComponent("dictionary_decompounder")
public class DictionaryCompoundWordTokenFilterFactory implements TokenFilterFactory {

    @AnalysisSettings
    public interface Settings {
        @ListSetting(path = "word_list")
        List<String> wordList();

        @IntSetting(path = "min_word_size", defaultValue = CompoundWordTokenFilterBase.DEFAULT_MIN_WORD_SIZE)
        int minWordSize();

        @IntSetting(path = "min_subword_size", defaultValue = CompoundWordTokenFilterBase.DEFAULT_MIN_SUBWORD_SIZE)
        int minSubwordSize();

        @IntSetting(path = "max_subword_size", defaultValue = CompoundWordTokenFilterBase.DEFAULT_MAX_SUBWORD_SIZE)
        int maxSubwordSize();

        @BooleanSetting(path = "only_longest_match", defaultValue = false)
        boolean onlyLongestMatch();
    }

    private final CharArraySet wordList;
    private final int minWordSize;
    private final int minSubwordSize;
    private final int maxSubwordSize;
    private final boolean onlyLongestMatch;

    @Inject
    public DictionaryCompoundWordTokenFilterFactory(Settings settings) {
        wordList = new CharArraySet(settings.wordList(), false);
        minWordSize = settings.minWordSize();
        minSubwordSize = settings.minSubwordSize();
        maxSubwordSize = settings.maxSubwordSize();
        onlyLongestMatch = settings.onlyLongestMatch();
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        if (wordList.isEmpty()) {
            throw new IllegalArgumentException("dictionary_decompounder requires `word_list`");
        }
        return new DictionaryCompoundWordTokenFilter(
            tokenStream, wordList, minWordSize, minSubwordSize, maxSubwordSize, onlyLongestMatch);
    }
}
