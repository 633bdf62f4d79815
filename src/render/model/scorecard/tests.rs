use super::*;

#[test]
fn ranks_are_competition_ranks_highest_first() {
    let r = ranks(&[("a", 4.1), ("b", 4.5), ("c", 4.1), ("d", 3.9)]);
    assert_eq!(r["b"], 1);
    assert_eq!(r["a"], 2);
    assert_eq!(r["c"], 2);
    assert_eq!(r["d"], 4);
}

#[test]
fn only_significant_changes_have_a_tone() {
    assert_eq!(tone(Some(-0.2), Some(true)), "down");
    assert_eq!(tone(Some(0.2), Some(true)), "up");
    assert_eq!(tone(Some(-0.2), Some(false)), "");
    assert_eq!(tone(Some(-0.2), None), "");
    assert_eq!(tone(None, Some(true)), "");
    assert_eq!(change_text(Some(-0.123), Some(true), 2).unwrap(), "−0.12 ●");
    assert_eq!(change_text(Some(0.1), None, 1).unwrap(), "+0.1");
}

#[test]
fn file_names_keep_ids_and_replace_the_rest() {
    assert_eq!(file_stem("S01"), "S01");
    assert_eq!(file_stem("a/b c"), "a_b_c");
    assert_eq!(file_stem("上海-1"), "上海-1");
}
