package org.marginmax.data;

import java.net.URI;
import java.util.List;

/**
 * One file to download.
 *
 * @param name          file name in the target directory
 * @param size          size in bytes as published (informational; −1 if unknown)
 * @param sha256        SHA-256 of the file as downloaded
 * @param urls          where to get it, tried in order (mirrors)
 * @param contentSha256 SHA-256 of the decompressed content for a .gz IDX file (accepts a re-compressed copy of the
 *                      same data, e.g. Debian's), or null
 */
public record RemoteFile(String name, long size, String sha256, List<URI> urls, String contentSha256) {
    public RemoteFile {
        if (!sha256.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("bad SHA-256 for " + name + ": " + sha256);
        if (contentSha256 != null && !contentSha256.matches("[0-9a-f]{64}"))
            throw new IllegalArgumentException("bad content SHA-256 for " + name + ": " + contentSha256);
        urls = List.copyOf(urls);
        if (urls.isEmpty()) throw new IllegalArgumentException("no URL for " + name);
    }

    /** The file name without a trailing .gz: the name of its content. */
    public String contentName() { return name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name; }

    /** Whether this file is a .tar.gz to unpack after download. */
    public boolean tarball() { return name.endsWith(".tar.gz") || name.endsWith(".tgz"); }
}
