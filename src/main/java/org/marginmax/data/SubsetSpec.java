package org.marginmax.data;

/**
 * A deterministic subset of one split: the first N examples, or N examples stratified by class (drawn with the
 * experiment seed). At most one of the two may be set; neither means the whole split.
 */
public record SubsetSpec(Integer first, Integer stratified) {
    public SubsetSpec {
        if (first != null && stratified != null)
            throw new IllegalArgumentException("give either 'first' or 'stratified', not both");
        if (first != null && first <= 0) throw new IllegalArgumentException("'first' must be positive, got " + first);
        if (stratified != null && stratified <= 0)
            throw new IllegalArgumentException("'stratified' must be positive, got " + stratified);
    }

    public static SubsetSpec all() { return new SubsetSpec(null, null); }
}
