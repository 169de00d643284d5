package io.chaosproxy.config;

import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Rejects YAML tags other than the standard ones (str, int, float, bool, null, map, seq). The parser only
 * records tags and nothing here constructs objects from them, so {@code !!java.net.URL} could do no harm; it is
 * still an error, so that a file written for a loader that does construct objects is not silently misread.
 */
final class Tags {
    private static final String STANDARD = "tag:yaml.org,2002:";

    private Tags() {
    }

    /**
     * Records every non-standard tag under {@code node}, then gives that node its kind's plain tag, so that
     * reading goes on without reporting the same node twice.
     */
    static void check(Node node, String path, Problems problems) {
        if (node == null) {
            return;
        }
        Tag plain = node instanceof ScalarNode ? Tag.STR : node instanceof SequenceNode ? Tag.SEQ : Tag.MAP;
        if (!isStandard(node.getTag())) {
            problems.add(path, node, "tag " + shown(node.getTag()) + " is not allowed; config files hold plain"
                    + " values (strings, numbers, booleans, lists, objects)");
            node.setTag(plain);
        }
        if (node instanceof SequenceNode sequence) {
            for (int i = 0; i < sequence.getValue().size(); i++) {
                check(sequence.getValue().get(i), path + "[" + i + "]", problems);
            }
        } else if (node instanceof MappingNode mapping) {
            for (NodeTuple tuple : mapping.getValue()) {
                Node key = tuple.getKeyNode();
                String name = key instanceof ScalarNode scalar ? scalar.getValue() : "?";
                check(key, path.isEmpty() ? name : path + "." + name, problems);
                check(tuple.getValueNode(), path.isEmpty() ? name : path + "." + name, problems);
            }
        }
    }

    private static boolean isStandard(Tag tag) {
        return tag.equals(Tag.STR) || tag.equals(Tag.INT) || tag.equals(Tag.FLOAT) || tag.equals(Tag.BOOL)
                || tag.equals(Tag.NULL) || tag.equals(Tag.MAP) || tag.equals(Tag.SEQ);
    }

    private static String shown(Tag tag) {
        String value = tag.getValue();
        return value.startsWith(STANDARD) ? "!!" + value.substring(STANDARD.length()) : value;
    }
}
