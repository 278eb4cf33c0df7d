package org.ntmgate.image;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Image versions: {@code major.minor.patch} with an optional {@code -qualifier}; a version with a qualifier comes
 * before the same one without (1.2.0-SNAPSHOT &lt; 1.2.0), qualifiers compare as text.
 */
public record Version(int major, int minor, int patch, String qualifier) implements Comparable<Version> {
    private static final Pattern FORM = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)(?:-([0-9A-Za-z.-]+))?");

    public static Version parse(String text) throws ImageRefused {
        Matcher m = FORM.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new ImageRefused("'" + text + "' is not a version (major.minor.patch[-qualifier])");
        }
        return new Version(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(4));
    }

    @Override
    public int compareTo(Version o) {
        int c = Integer.compare(major, o.major);
        c = c != 0 ? c : Integer.compare(minor, o.minor);
        c = c != 0 ? c : Integer.compare(patch, o.patch);
        if (c != 0) {
            return c;
        }
        if (qualifier == null || o.qualifier == null) {
            return qualifier == null ? (o.qualifier == null ? 0 : 1) : -1;
        }
        return qualifier.compareTo(o.qualifier);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch + (qualifier == null ? "" : "-" + qualifier);
    }
}
