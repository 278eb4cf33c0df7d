package org.ntmgate.lifecycle.impl;

import java.io.IOException;
import java.nio.file.Path;

/** Gogo commands in scope {@code ntmgate}: module hot-swap ({@link BundleSwap}). */
public final class SwapCommands {
    private final BundleSwap swap;

    SwapCommands(BundleSwap swap) {
        this.swap = swap;
    }

    /** ntmgate:swap JAR: swaps a new build in for the running bundle of the same symbolic name. */
    public String swap(String jar) throws IOException {
        return swap.swap(Path.of(jar).toAbsolutePath()).message();
    }

    /** ntmgate:revert BSN: puts the previous build back. */
    public String revert(String bsn) throws IOException {
        return swap.revert(bsn);
    }

    /** ntmgate:swaps: the previous builds kept. */
    public String swaps() throws IOException {
        return swap.list();
    }
}
