package de.kollegium.tests.analysis;

import java.io.Reader;
import java.util.List;

import org.apache.lucene.analysis.charfilter.MappingCharFilter;
import org.apache.lucene.analysis.charfilter.NormalizeCharMap;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.CharFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.ListSetting;

/** The {@code mapping} char filter: rules of the form {@code source=>target}. */
@NamedComponent("mapping")
public class MappingCharFilterFactory implements CharFilterFactory {

    @AnalysisSettings
    public interface Settings {
        @ListSetting(path = "mappings")
        List<String> mappings();
    }

    private final NormalizeCharMap charMap;

    @Inject
    public MappingCharFilterFactory(Settings settings) {
        NormalizeCharMap.Builder builder = new NormalizeCharMap.Builder();
        for (String rule : settings.mappings()) {
            int arrow = rule.lastIndexOf("=>");
            if (arrow < 0) {
                throw new IllegalArgumentException("Invalid mapping rule: [" + rule + "]");
            }
            String source = unescape(rule.substring(0, arrow).trim());
            if (source.isEmpty()) {
                throw new IllegalArgumentException("Invalid mapping rule: [" + rule + "]");
            }
            builder.add(source, unescape(rule.substring(arrow + 2).trim()));
        }
        charMap = builder.build();
    }

    /** The escapes the mapping rule syntax knows: backslash, quote, \n \t \r \b \f and \\uXXXX. */
    static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (++i >= text.length()) {
                throw new IllegalArgumentException("Invalid escaped char in [" + text + "]");
            }
            char escaped = text.charAt(i);
            switch (escaped) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    if (i + 4 >= text.length()) {
                        throw new IllegalArgumentException("Invalid escaped char in [" + text + "]");
                    }
                    out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(escaped);
            }
        }
        return out.toString();
    }

    @Override
    public Reader create(Reader reader) {
        return new MappingCharFilter(charMap, reader);
    }

    @Override
    public Reader normalize(Reader reader) {
        return create(reader);
    }
}
