package org.ntmgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every bundle README's table of its configuration fields is the text of the Metatype the gateway serves (what the
 * console's Configuration page shows): for each ntmgate bundle in the exported jar, each designated PID's fields
 * with their defaults, ranges and descriptions, between {@code <!-- fields:<pid> -->} and {@code <!-- /fields -->}
 * in {@code bundles/<name>/README.md}. {@code -Ddocs.write=true} writes the tables instead of checking them.
 */
class ConfigurationFieldsDocIT {
    private static final Path JAR = Path.of(System.getProperty("ntmgate.jar", "target/ntmgate.jar"));
    private static final Path BUNDLES = Path.of("../bundles");
    /** Attributes that are for the Web Console only. */
    private static final String NAME_HINT = "webconsole.configurationFactory.nameHint";

    /** One PID's table, from its bundle's Metatype. */
    record Fields(String bundle, String pid, boolean factory, String table) {
    }

    @Test
    void everyBundleReadmeListsItsConfigurationFieldsAsTheMetatypeStatesThem() throws Exception {
        List<Fields> all = fromJar();
        assertTrue(all.size() >= 12, "the roles' PIDs are all found: " + all.stream().map(Fields::pid).toList());
        boolean write = Boolean.getBoolean("docs.write");
        List<String> wrong = new ArrayList<>();
        for (Fields f : all) {
            Path readme = BUNDLES.resolve(f.bundle()).resolve("README.md");
            String text = Files.readString(readme);
            Pattern section = Pattern.compile("<!-- fields:" + Pattern.quote(f.pid()) + " -->\\n(.*?)<!-- /fields -->", Pattern.DOTALL);
            Matcher m = section.matcher(text);
            if (write) {
                String block = "<!-- fields:" + f.pid() + " -->\n" + f.table() + "<!-- /fields -->";
                String heading = "**Configuration fields** of " + (f.factory() ? "factory PID `" : "PID `") + f.pid()
                        + "`, as its Metatype states them (the console's Configuration page shows the same; files in `deploy/`: docs/deploy.md):\n\n";
                text = m.find() ? text.substring(0, m.start()) + block + text.substring(m.end()) : text.stripTrailing() + "\n\n" + heading + block + "\n";
                Files.writeString(readme, text);
            } else if (!m.find()) {
                wrong.add(readme + " has no fields table of " + f.pid() + "; it should read:\n" + f.table());
            } else if (!m.group(1).equals(f.table())) {
                wrong.add(readme + ": the fields of " + f.pid() + " differ from the Metatype's; they should read:\n" + f.table());
            }
        }
        assertEquals(List.of(), wrong);
    }

    /** The fields of every PID the ntmgate bundles in the exported jar designate, by PID. */
    static List<Fields> fromJar() throws Exception {
        Map<String, Fields> byPid = new TreeMap<>();
        try (JarInputStream outer = new JarInputStream(Files.newInputStream(JAR))) {
            for (JarEntry e; (e = outer.getNextJarEntry()) != null;) {
                Matcher m = Pattern.compile("jar/org\\.ntmgate\\.([a-z]+)-[^/]*\\.jar").matcher(e.getName());
                if (m.matches()) {
                    JarInputStream inner = new JarInputStream(outer);
                    for (JarEntry x; (x = inner.getNextJarEntry()) != null;) {
                        if (x.getName().startsWith("OSGI-INF/metatype/") && x.getName().endsWith(".xml")) {
                            Fields f = fields(m.group(1), inner);
                            byPid.put(f.pid(), f);
                        }
                    }
                }
            }
        }
        return new ArrayList<>(byPid.values());
    }

    private static Fields fields(String bundle, InputStream xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        Document d = f.newDocumentBuilder().parse(new NonClosing(xml));
        Element designate = (Element) d.getElementsByTagName("Designate").item(0);
        boolean factory = !designate.getAttribute("factoryPid").isEmpty();
        String pid = factory ? designate.getAttribute("factoryPid") : designate.getAttribute("pid");
        StringBuilder t = new StringBuilder("| field | default | range | what it is |\n|---|---|---|---|\n");
        NodeList ads = d.getElementsByTagName("AD");
        for (int i = 0; i < ads.getLength(); i++) {
            Element ad = (Element) ads.item(i);
            if (ad.getAttribute("id").equals(NAME_HINT)) {
                continue;
            }
            boolean list = !ad.getAttribute("cardinality").isEmpty();
            String def = !ad.hasAttribute("default") ? "required" : ad.getAttribute("default").isEmpty() ? (list ? "none" : "empty")
                    : "`" + ad.getAttribute("default") + "`";
            String min = ad.getAttribute("min");
            String max = ad.getAttribute("max");
            String range = min.isEmpty() && max.isEmpty() ? "" : max.isEmpty() ? "at least " + min : min + " to " + max;
            String type = ad.getAttribute("type").equals("Password") ? " (secret)" : list ? " (a list)" : "";
            t.append("| `").append(ad.getAttribute("id")).append('`').append(type).append(" | ").append(def).append(" | ").append(range).append(" | ")
                    .append(cell(ad.getAttribute("description"))).append(" |\n");
        }
        assertFalse(pid.isEmpty(), "a Designate with a PID in " + bundle);
        return new Fields(bundle, pid, factory, t.toString());
    }

    /** A description as a table cell: '|' escaped, '<' and '>' as entities (Markdown would read them as HTML). */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The nested jar's stream, left open for the next entry of the outer jar. */
    private static final class NonClosing extends java.io.FilterInputStream {
        NonClosing(InputStream in) {
            super(in);
        }

        @Override
        public void close() throws IOException {
            // the outer jar's stream goes on
        }
    }
}
