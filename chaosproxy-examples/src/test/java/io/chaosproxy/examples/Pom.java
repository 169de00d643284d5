package io.chaosproxy.examples;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/** Just enough of a pom (or a pom fragment) read as plain XML, for the tests that check the README against the build. */
record Pom(Element project) {

    /** A dependency as written: version, type and scope are empty when not given. */
    record Dependency(String groupId, String artifactId, String version, String type, String scope) {
        String key() {
            return groupId + ":" + artifactId;
        }
    }

    static Pom read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    static Pom parse(String xml) {
        try {
            return new Pom(DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new InputSource(new StringReader(xml))).getDocumentElement());
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalArgumentException("not XML: " + e.getMessage(), e);
        }
    }

    String text(String... path) {
        return element(project, path).map(Node::getTextContent).map(String::trim).orElse("");
    }

    List<String> modules() {
        return element(project, "modules").map(m -> children(m, "module").stream()
                .map(e -> e.getTextContent().trim()).toList()).orElse(List.of());
    }

    /** The project's own dependencies ({@code dependencies}, not those it manages). */
    List<Dependency> dependencies() {
        return dependencies(element(project, "dependencies"));
    }

    List<Dependency> managedDependencies() {
        return dependencies(element(project, "dependencyManagement", "dependencies"));
    }

    /** Its properties, to resolve a {@code ${name}} version. */
    Map<String, String> properties() {
        Map<String, String> properties = new TreeMap<>();
        element(project, "properties").ifPresent(p -> children(p, null)
                .forEach(e -> properties.put(e.getTagName(), e.getTextContent().trim())));
        return properties;
    }

    /** Whether a {@code build/plugins} entry of maven-deploy-plugin says {@code <skip>true</skip>}. */
    boolean skipsDeploy() {
        return element(project, "build", "plugins").stream()
                .flatMap(plugins -> children(plugins, "plugin").stream())
                .filter(plugin -> textOf(plugin, "artifactId").equals("maven-deploy-plugin"))
                .anyMatch(plugin -> textOf(plugin, "configuration", "skip").equals("true"));
    }

    private static List<Dependency> dependencies(Optional<Element> list) {
        return list.map(l -> children(l, "dependency").stream()
                .map(d -> new Dependency(textOf(d, "groupId"), textOf(d, "artifactId"), textOf(d, "version"),
                        textOf(d, "type"), textOf(d, "scope")))
                .toList()).orElse(List.of());
    }

    private static String textOf(Element from, String... path) {
        return element(from, path).map(Node::getTextContent).map(String::trim).orElse("");
    }

    private static Optional<Element> element(Element from, String... path) {
        Element current = from;
        for (String name : path) {
            List<Element> next = children(current, name);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            current = next.get(0);
        }
        return Optional.of(current);
    }

    /** The direct child elements named {@code name} (all of them for null). */
    private static List<Element> children(Element parent, String name) {
        List<Element> children = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && (name == null || e.getTagName().equals(name))) {
                children.add(e);
            }
        }
        return children;
    }
}
