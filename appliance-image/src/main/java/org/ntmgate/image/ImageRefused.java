package org.ntmgate.image;

/** An image the box will not take, with the reason in words an operator can act on. */
public final class ImageRefused extends Exception {
    private static final long serialVersionUID = 1L;

    public ImageRefused(String message) {
        super(message);
    }
}
