package org.marginmax.data;

import org.junit.jupiter.api.Test;
import org.marginmax.TestPaths;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageDatasetTest {
    /** 12 images of 2×3×2 with labels cycling over 4 classes. */
    static ImageDataset small() {
        int n = 12, size = 12;
        return ImageDataset.fromRaw(new RawImages(Fixtures.pixels(n, size), Fixtures.cyclicLabels(n, 4), 2, 3, 2), 4);
    }

    @Test
    void pixelsAreBytesOver255InFloat32() {
        ImageDataset ds = small();
        INDArray x = ds.features();
        assertThat(x.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(x.shape()).containsExactly(12, 12);
        for (int i = 0; i < 12; i++)
            for (int j = 0; j < 12; j++)
                assertThat(x.getFloat(i, j)).isEqualTo((Fixtures.pixel(i, j) & 0xFF) / 255f);
    }

    @Test
    void nchwIsAViewInChwOrder() {
        ImageDataset ds = small();
        INDArray x4 = ds.features(true);
        assertThat(x4.shape()).containsExactly(12, 2, 3, 2);
        for (int i = 0; i < 12; i++)
            for (int c = 0; c < 2; c++)
                for (int h = 0; h < 3; h++)
                    for (int w = 0; w < 2; w++)
                        assertThat(x4.getFloat(i, c, h, w)).isEqualTo(ds.features().getFloat(i, c * 6 + h * 2 + w));
        assertThat(ds.features(false)).isSameAs(ds.features());
    }

    @Test
    void labelMatrixIsOneHotAndBuiltOnce() {
        ImageDataset ds = small();
        INDArray y = ds.labelMatrix();
        assertThat(y.shape()).containsExactly(12, 4);
        assertThat(y.dataType()).isEqualTo(DataType.FLOAT);
        for (int i = 0; i < 12; i++)
            for (int k = 0; k < 4; k++) assertThat(y.getFloat(i, k)).isEqualTo(k == i % 4 ? 1f : 0f);
        assertThat(ds.labelMatrix()).isSameAs(y);
        assertThat(ds.outputs()).isEqualTo(4);
        assertThat(ds.classCounts()).containsExactly(3, 3, 3, 3);
    }

    @Test
    void binaryLabelMatrixHoldsPlusMinusOne() {
        ImageDataset ds = small();
        int[] y = {0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1};
        ImageDataset b = ds.withLabels(y, 2, true);
        INDArray m = b.labelMatrix();
        assertThat(m.shape()).containsExactly(12, 1);
        for (int i = 0; i < 12; i++) {
            assertThat(m.getFloat(i, 0)).isEqualTo(y[i] == 1 ? 1f : -1f);
            assertThat(b.target(i)).isEqualTo(y[i] == 1 ? 1 : -1);
        }
        assertThat(b.outputs()).isEqualTo(1);
        assertThat(b.classCounts()).containsExactly(5, 7);
        assertThat(b.features()).isSameAs(ds.features());
    }

    @Test
    void subsetCopiesTheChosenRowsInOrder() {
        ImageDataset ds = small();
        ImageDataset sub = ds.subset(new int[]{7, 2, 7});
        assertThat(sub.size()).isEqualTo(3);
        assertThat(sub.labels()).containsExactly(3, 2, 3);
        assertThat(sub.features().getRow(0)).isEqualTo(ds.features().getRow(7));
        assertThat(sub.features().getRow(1)).isEqualTo(ds.features().getRow(2));
        assertThat(sub.features(true).shape()).containsExactly(3, 2, 3, 2);
        assertThatThrownBy(() -> ds.subset(new int[0])).isInstanceOf(DataException.class);
    }

    @Test
    void realMnist10kFeaturesAreInTheUnitInterval() {
        ImageDataset train = Datasets.loadFull("idx:" + TestPaths.mnist10k(), null).train();
        assertThat(train.features().shape()).containsExactly(8000, 784);
        assertThat(train.features(true).shape()).containsExactly(8000, 1, 28, 28);
        assertThat(train.features().minNumber().floatValue()).isEqualTo(0f);
        assertThat(train.features().maxNumber().floatValue()).isEqualTo(1f);
        // values are exactly k/255: scaling back gives integers
        INDArray scaled = train.features().getRows(0, 1, 2, 3999, 7999).mul(255f);
        INDArray rounded = org.nd4j.linalg.ops.transforms.Transforms.round(scaled, true);
        assertThat(scaled.sub(rounded).amaxNumber().floatValue()).isLessThan(1e-4f);
        assertThat(train.numClasses()).isEqualTo(10);
    }
}
