package org.ntmgate.lifecycle.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Web Console's door to {@link BundleSwap} (docs/image.md section 6). The console's Bundles page uploads builds
 * as a multipart POST with {@code action=install} and one or more {@code bundlefile} parts: its "Install/Update"
 * dialog, and a bundle's "Update" dialog, which adds {@code uploadid} (that bundle's id). Left alone, the console
 * would update an installed bundle in place and keep nothing to go back to. This whiteboard filter sits in front of
 * the console's servlets, in the console's own servlet context, so the console's login has already been checked when
 * it runs; it hands every uploaded build of an installed bundle to {@link BundleSwap} (the running build is kept,
 * {@code ntmgate:revert} puts it back, a build that fails is reported) and answers with what happened. Uploads of
 * bundles that are not installed go on to the console unchanged. One upload mixing both is refused: the page
 * would otherwise report half of it.
 */
final class ConsoleUploadSwap implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleUploadSwap.class);
    /** The Web Console's servlet context (its ServletContextHelper's name) and its Bundles page within it. */
    static final String CONSOLE_CONTEXT = "org.apache.felix.webconsole";
    static final String BUNDLES = "/bundles";

    private final BundleSwap swap;
    private final Path uploads;

    private ConsoleUploadSwap(BundleSwap swap, Path uploads) {
        this.swap = swap;
        this.uploads = uploads;
    }

    /** Registers the filter with the HTTP whiteboard, in the Web Console's context; removes uploads a kill left behind. */
    static ServiceRegistration<?> register(BundleContext context, BundleSwap swap, Path uploads) {
        if (Files.isDirectory(uploads)) {
            try (var left = Files.newDirectoryStream(uploads, "upload*.jar")) {
                for (Path p : left) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                LOG.warn("Could not empty {}: {}", uploads, e.getMessage());
            }
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.filter.name", "ntmgate-console-swap");
        props.put("osgi.http.whiteboard.filter.pattern", new String[] { BUNDLES, BUNDLES + "/*" });
        props.put("osgi.http.whiteboard.context.select", "(osgi.http.whiteboard.context.name=" + CONSOLE_CONTEXT + ")");
        return context.registerService(Filter.class, new ConsoleUploadSwap(swap, uploads), props);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        String type = req.getContentType();
        if (!"POST".equals(req.getMethod()) || type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")
                || !"install".equals(req.getParameter("action"))) {
            chain.doFilter(request, response);
            return;
        }
        List<Upload> builds = new ArrayList<>();
        try {
            List<Upload> others = new ArrayList<>();
            List<Upload> notBundles = new ArrayList<>();
            for (Part part : files(req.getParts())) {
                Upload u = Upload.save(part, uploads);
                (u.bsn == null ? notBundles : u.installed(swap).isPresent() ? builds : others).add(u);
            }
            if (!notBundles.isEmpty()) {
                // the console would answer 500 with a stack trace: say what is wrong instead, and install nothing
                notBundles.forEach(Upload::delete);
                others.forEach(Upload::delete);
                List<String> said = notBundles.stream().map(u -> "refused: " + u.name
                        + " is not an OSGi bundle (not a jar, or its manifest has no Bundle-SymbolicName); nothing was installed").toList();
                said.forEach(l -> LOG.warn("Web Console upload by {}: {}", req.getRemoteUser(), l));
                answer(req, (HttpServletResponse) response, 400, said);
                return;
            }
            if (builds.isEmpty()) {
                others.forEach(Upload::delete);
                chain.doFilter(request, response); // new bundles: the console installs them
                return;
            }
            HttpServletResponse resp = (HttpServletResponse) response;
            if (!others.isEmpty()) {
                others.forEach(Upload::delete);
                answer(req, resp, 400, List.of("refused: this upload mixes new builds of installed bundles (" + names(builds)
                        + ") with bundles that are not installed (" + names(others) + "); upload them separately"));
                return;
            }
            String target = req.getParameter("uploadid");
            if (target != null) {
                String mismatch = mismatch(target, builds);
                if (mismatch != null) {
                    answer(req, resp, 400, List.of(mismatch));
                    return;
                }
            }
            int status = 200;
            List<String> said = new ArrayList<>();
            for (Upload u : builds) {
                BundleSwap.Outcome o = swap.swap(u.file);
                LOG.info("Web Console upload {} by {}: {}", u.name, req.getRemoteUser(), o.message());
                said.add(u.name + ": " + o.message());
                if (o.result() != BundleSwap.Result.SWAPPED) {
                    status = Math.max(status, o.result() == BundleSwap.Result.REFUSED ? 400 : 500);
                }
            }
            answer(req, resp, status, said);
        } finally {
            builds.forEach(Upload::delete);
        }
    }

    /** The Update dialog names one bundle: every build uploaded there must be a build of it. */
    private String mismatch(String target, List<Upload> builds) {
        long id;
        try {
            id = Long.parseLong(target.trim());
        } catch (NumberFormatException e) {
            return "refused: uploadid '" + target + "' is not a bundle id";
        }
        for (Upload u : builds) {
            Bundle b = u.installed(swap).orElseThrow();
            if (b.getBundleId() != id) {
                return "refused: " + u.name + " is a build of " + u.bsn + " (bundle " + b.getBundleId() + "), not of bundle " + id;
            }
        }
        return null;
    }

    private static List<Part> files(Collection<Part> parts) {
        List<Part> files = new ArrayList<>();
        for (Part p : parts) {
            if ("bundlefile".equals(p.getName()) && p.getSubmittedFileName() != null && p.getSize() > 0) {
                files.add(p);
            }
        }
        return files;
    }

    private static String names(List<Upload> uploads) {
        return String.join(", ", uploads.stream().map(u -> u.name).toList());
    }

    /** A short page saying what happened, with the way back to the Bundles page (the console's form posts land here). */
    private static void answer(HttpServletRequest req, HttpServletResponse resp, int status, List<String> lines) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/html");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html><head><title>ntmgate: bundle upload</title></head><body>\n");
        for (String l : lines) {
            sb.append("<p>").append(html(l)).append("</p>\n");
        }
        sb.append("<p><a href=\"").append(html(req.getContextPath() + BUNDLES)).append("\">Back to Bundles</a></p>\n</body></html>\n");
        resp.getWriter().write(sb.toString());
    }

    static String html(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** One uploaded file, saved in the lifecycle bundle's data area until the swap has read it. */
    private record Upload(String name, Path file, String bsn) {
        static Upload save(Part part, Path dir) throws IOException {
            Files.createDirectories(dir);
            Path file = Files.createTempFile(dir, "upload", ".jar");
            try (InputStream in = part.getInputStream()) {
                Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                String bsn;
                try {
                    bsn = BundleSwap.symbolicName(file);
                } catch (IOException e) {
                    bsn = null; // not a jar: refused as a file that is not a bundle
                }
                String name = part.getSubmittedFileName().replaceFirst("^.*[/\\\\]", "");
                return new Upload(name.isEmpty() ? "upload" : name, file, bsn);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(file);
                throw e;
            }
        }

        Optional<Bundle> installed(BundleSwap swap) {
            return bsn == null ? Optional.empty() : swap.installed(bsn);
        }

        void delete() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("Could not delete the uploaded copy {}: {}", file, e.getMessage());
            }
        }
    }
}
