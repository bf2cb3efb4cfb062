package org.marginmax.data;

/**
 * Images as read from disk, before conversion to float: {@code pixels} holds {@code count} images of
 * channels×height×width unsigned bytes each, channel-major (CHW) within an image.
 */
public record RawImages(byte[] pixels, int[] labels, int channels, int height, int width) {
    public RawImages {
        long expected = (long) labels.length * channels * height * width;
        if (pixels.length != expected)
            throw new IllegalArgumentException(pixels.length + " pixel bytes for " + labels.length + " images of "
                    + channels + "x" + height + "x" + width);
    }

    public int count() { return labels.length; }

    public int imageSize() { return channels * height * width; }

    public int maxLabel() {
        int max = -1;
        for (int y : labels) max = Math.max(max, y);
        return max;
    }
}
