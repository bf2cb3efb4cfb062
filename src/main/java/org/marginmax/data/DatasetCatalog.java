package org.marginmax.data;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The official files of the named datasets, their mirrors and their known SHA-256 checksums.
 *
 * <p>Sources of the checksums (archive SHA-256 = the file as downloaded):
 * <ul>
 * <li>MNIST .gz files: TensorFlow Datasets, tensorflow/datasets, tensorflow_datasets/url_checksums/mnist.txt
 *   (commit 31f1255e57e519a6c004f0b097a2f5cfcf0dde7d), for the copies at storage.googleapis.com/cvdf-datasets/mnist;
 *   the same files (same sizes, 9,912,422 / 28,881 / 1,648,877 / 4,542 bytes) are at LeCun's page and torchvision's
 *   ossci-datasets mirror.</li>
 * <li>Fashion-MNIST .gz files: tensorflow/datasets, tensorflow_datasets/url_checksums/fashion_mnist.txt
 *   (commit 333639b37af6c6fedf3610a4a2d42f1c6ef6f7d5), for Zalando's fashion-mnist.s3-website.eu-central-1 bucket.</li>
 * <li>CIFAR-10 binary tarball: tensorflow/datasets, tensorflow_datasets/url_checksums/cifar10.txt
 *   (commit 333639b37af6c6fedf3610a4a2d42f1c6ef6f7d5), for www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz
 *   (170,052,171 bytes).</li>
 * </ul>
 * Content SHA-256 (the decompressed IDX bytes): the values several public loaders pin for the uncompressed files
 * (e.g. MNIST train-images-idx3-ubyte ba891046…, 47,040,016 bytes). The Fashion-MNIST ones were also recomputed
 * here from Debian's dataset-fashion-mnist 0.0~git20200523.55506a9-1, whose .gz files differ from Zalando's only
 * in the gzip header (no stored file name, another mtime), so their archive hashes differ but their content
 * hashes match.
 */
public final class DatasetCatalog {
    private DatasetCatalog() {}

    private static final List<String> MNIST_MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
            "http://yann.lecun.com/exdb/mnist/");
    private static final List<String> FASHION_MIRRORS = List.of(
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/");
    private static final String CIFAR_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";

    /** Name → files of the official distribution. */
    public static final Map<String, List<RemoteFile>> OFFICIAL = Map.of(
            DatasetId.MNIST, List.of(
                    idx(MNIST_MIRRORS, IdxLayout.TRAIN_IMAGES, 9912422,
                            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
                            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
                    idx(MNIST_MIRRORS, IdxLayout.TRAIN_LABELS, 28881,
                            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
                            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
                    idx(MNIST_MIRRORS, IdxLayout.TEST_IMAGES, 1648877,
                            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
                            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
                    idx(MNIST_MIRRORS, IdxLayout.TEST_LABELS, 4542,
                            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
                            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2")),
            DatasetId.FASHION_MNIST, List.of(
                    idx(FASHION_MIRRORS, IdxLayout.TRAIN_IMAGES, 26421880,
                            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
                    idx(FASHION_MIRRORS, IdxLayout.TRAIN_LABELS, 29515,
                            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
                    idx(FASHION_MIRRORS, IdxLayout.TEST_IMAGES, 4422102,
                            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
                    idx(FASHION_MIRRORS, IdxLayout.TEST_LABELS, 5148,
                            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
                            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34")),
            DatasetId.CIFAR10, List.of(
                    new RemoteFile("cifar-10-binary.tar.gz", 170052171,
                            "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
                            List.of(URI.create(CIFAR_URL)), null)));

    /** The official files of a named dataset. */
    public static List<RemoteFile> official(DatasetId id) {
        List<RemoteFile> files = OFFICIAL.get(id.text());
        if (files == null) throw new DataException("'" + id.text() + "' has no official download (use mnist, fashion-mnist or cifar10)");
        return files;
    }

    private static RemoteFile idx(List<String> mirrors, String base, long size, String sha, String contentSha) {
        List<URI> urls = new ArrayList<>();
        for (String m : mirrors) urls.add(URI.create(m + base + ".gz"));
        return new RemoteFile(base + ".gz", size, sha, urls, contentSha);
    }
}
