package org.marginmax.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubsetsTest {
    static final int N = 250;

    /** 250 images whose first pixel identifies them (i·31 mod 256 is one-to-one), labels i mod 10. */
    static ImageDataset digits() {
        return ImageDataset.fromRaw(new RawImages(Fixtures.pixels(N, 4), Fixtures.cyclicLabels(N, 10), 1, 2, 2), 10);
    }

    /** The original index of each example, read back from its first pixel (223 = 31⁻¹ mod 256). */
    static int[] origin(ImageDataset ds) {
        int[] idx = new int[ds.size()];
        for (int i = 0; i < ds.size(); i++) idx[i] = (Math.round(ds.features().getFloat(i, 0) * 255f) * 223) & 0xFF;
        return idx;
    }

    static DataSplit split(ImageDataset train, ImageDataset test) { return new DataSplit(train, test, "synthetic", "0"); }

    @Test
    void firstNKeepsFileOrder() {
        ImageDataset sub = Subsets.firstN(digits(), 17);
        assertThat(origin(sub)).containsExactly(java.util.stream.IntStream.range(0, 17).toArray());
        assertThat(sub.labels()).containsExactly(Fixtures.cyclicLabels(17, 10));
    }

    @Test
    void stratifiedTakesAnEqualShareOfEachClass() {
        ImageDataset sub = Subsets.stratified(digits(), 53, 42L, "data.train");
        assertThat(sub.size()).isEqualTo(53);
        // 53 = 10·5 + 3: classes 0, 1, 2 get one more
        assertThat(sub.classCounts()).containsExactly(6, 6, 6, 5, 5, 5, 5, 5, 5, 5);
        int[] o = origin(sub);
        assertThat(o).isSorted().doesNotHaveDuplicates();
        for (int i = 0; i < o.length; i++) assertThat(sub.label(i)).isEqualTo(o[i] % 10);
    }

    @Test
    void stratifiedIsDeterministicForASeedAndDiffersForAnother() {
        ImageDataset ds = digits();
        int[] a = origin(Subsets.stratified(ds, 50, 1L, "k"));
        int[] b = origin(Subsets.stratified(ds, 50, 1L, "k"));
        int[] c = origin(Subsets.stratified(ds, 50, 2L, "k"));
        assertThat(a).isEqualTo(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void trainAndTestDrawFromDifferentStreams() {
        DataSpec spec = new DataSpec("x", new SubsetSpec(null, 50), new SubsetSpec(null, 50), null, null);
        DataSplit s = Subsets.apply(split(digits(), digits()), spec, 7L);
        assertThat(origin(s.train())).isNotEqualTo(origin(s.test()));
        DataSplit again = Subsets.apply(split(digits(), digits()), spec, 7L);
        assertThat(origin(again.train())).isEqualTo(origin(s.train()));
        assertThat(origin(again.test())).isEqualTo(origin(s.test()));
    }

    @Test
    void classSubsetRelabelsInListedOrder() {
        ImageDataset sub = Subsets.classSubset(digits(), new int[]{7, 2, 4}, "training");
        assertThat(sub.numClasses()).isEqualTo(3);
        assertThat(sub.binary()).isFalse();
        assertThat(sub.size()).isEqualTo(75);
        int[] o = origin(sub);
        for (int i = 0; i < o.length; i++) {
            int original = o[i] % 10;
            assertThat(original).isIn(7, 2, 4);
            assertThat(sub.label(i)).isEqualTo(original == 7 ? 0 : original == 2 ? 1 : 2);
        }
    }

    @Test
    void binaryPairMapsAToMinusOneAndBToPlusOne() {
        ImageDataset b = Subsets.binaryTask(digits(), "3,8", "training");
        assertThat(b.binary()).isTrue();
        assertThat(b.outputs()).isEqualTo(1);
        assertThat(b.size()).isEqualTo(50);
        int[] o = origin(b);
        for (int i = 0; i < o.length; i++) {
            assertThat(o[i] % 10).isIn(3, 8);
            assertThat(b.target(i)).isEqualTo(o[i] % 10 == 3 ? -1 : 1);
            assertThat(b.labelMatrix().getFloat(i, 0)).isEqualTo(o[i] % 10 == 3 ? -1f : 1f);
        }
    }

    @Test
    void evenVsOddKeepsEveryExample() {
        ImageDataset b = Subsets.binaryTask(digits(), "even-vs-odd", "training");
        assertThat(b.size()).isEqualTo(N);
        assertThat(b.classCounts()).containsExactly(125, 125);
        for (int i = 0; i < N; i++) assertThat(b.target(i)).isEqualTo(i % 2 == 0 ? -1 : 1);
    }

    @Test
    void specAppliesTaskThenSubsets() {
        DataSpec spec = new DataSpec("x", new SubsetSpec(null, 20), new SubsetSpec(5, null), null, "1,0");
        DataSplit s = Subsets.apply(split(digits(), digits()), spec, 3L);
        assertThat(s.train().classCounts()).containsExactly(10, 10);
        assertThat(s.train().binary()).isTrue();
        // first 5 of the test examples of classes 0 and 1, in file order: 0, 1, 10, 11, 20
        assertThat(origin(s.test())).containsExactly(0, 1, 10, 11, 20);
        assertThat(s.test().labels()).containsExactly(1, 0, 1, 0, 1);
        DataSpec classes = new DataSpec("x", null, null, List.of(5, 6), null);
        assertThat(Subsets.apply(split(digits(), digits()), classes, 3L).test().classCounts()).containsExactly(25, 25);
    }

    @Test
    void impossibleSubsetsFailWithTheSetting() {
        ImageDataset ds = digits();
        assertThatThrownBy(() -> Subsets.stratified(ds, 260, 1L, "data.train"))
                .isInstanceOf(DataException.class).hasMessageContaining("data.train.stratified = 260 needs 26 examples of class 0 but the split has 25");
        DataSpec first = new DataSpec("x", new SubsetSpec(300, null), null, null, null);
        assertThatThrownBy(() -> Subsets.apply(split(ds, ds), first, 1L))
                .isInstanceOf(DataException.class).hasMessageContaining("data.train.first = 300 but the split has only 250");
        assertThatThrownBy(() -> Subsets.binaryTask(ds, "3-8", "training"))
                .isInstanceOf(DataException.class).hasMessageContaining("\"A,B\"");
        assertThatThrownBy(() -> Subsets.binaryTask(ds, "3,12", "training"))
                .isInstanceOf(DataException.class).hasMessageContaining("class 12");
        assertThatThrownBy(() -> Subsets.binaryTask(ds, "4,4", "training")).isInstanceOf(DataException.class);
        assertThatThrownBy(() -> Subsets.classSubset(ds, new int[]{1, 10}, "training"))
                .isInstanceOf(DataException.class).hasMessageContaining("data.classes lists 10");
        assertThatThrownBy(() -> Subsets.classSubset(ds, new int[]{1, 1}, "training"))
                .isInstanceOf(DataException.class).hasMessageContaining("twice");
        ImageDataset onlyEvens = ds.subset(Arrays.stream(java.util.stream.IntStream.range(0, N).toArray()).filter(i -> i % 2 == 0).toArray());
        assertThatThrownBy(() -> Subsets.binaryTask(onlyEvens, "1,3", "test"))
                .isInstanceOf(DataException.class).hasMessageContaining("keeps no example of the test split");
    }
}
