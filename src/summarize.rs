//! `summarize(response)`: a lookup's backlinks counted by referring domain
//! (`domain_source`), by anchor text and by linked URL (`url_target`).
//!
//! Each list is ordered by its count, largest first, then by its name in
//! plain UTF-16 code-unit order (JS's own string order, which is not Rust's
//! `str` order for characters beyond U+FFFF), so the names are compared as
//! UTF-16 here. An empty anchor (or domain, or URL) is counted under `""`
//! like any other value.
//!
//! The JS half (`js/summarize.js`) hands over the three columns' code units
//! row by row, and gets back, for each group, the first row that holds its
//! name and its count: it then names each group with the row's own string,
//! so text comes back exactly as it came in.

use crate::prelude::*;

/// How many values each row gives: domain, anchor, URL.
pub const COLUMNS: usize = 3;

/// One group: the first row holding its name, and how many rows do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    /// The index of the first row with this name.
    pub row: u32,
    /// How many rows have it.
    pub backlinks: u32,
}

/// The counts of one response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    /// How many backlinks (rows) there are.
    pub backlinks: u32,
    /// By `domain_source`.
    pub referring_domains: Vec<Group>,
    /// By `anchor_text`.
    pub anchors: Vec<Group>,
    /// By `url_target`.
    pub targets: Vec<Group>,
}

/// Rows of UTF-16 values: `lens` holds [`COLUMNS`] lengths per row (domain,
/// anchor, URL), and `units` the values' code units one after another.
#[derive(Debug, Clone, Copy)]
pub struct Rows<'a> {
    /// The code units of every value, row after row.
    pub units: &'a [u16],
    /// The length of each value, in code units.
    pub lens: &'a [u32],
}

/// Counts `rows` by each column. Rows past the end of `units` (lengths that
/// do not add up) are read as empty values rather than trusted.
pub fn summarize(rows: Rows<'_>) -> Summary {
    let count = rows.lens.len() / COLUMNS;
    // Where each value starts in `units`, row by row.
    let mut starts: Vec<u32> = Vec::with_capacity(rows.lens.len());
    let mut at = 0u32;
    for &len in rows.lens {
        starts.push(at);
        at = at.saturating_add(len);
    }
    let value = |row: u32, column: usize| -> &[u16] {
        let i = row as usize * COLUMNS + column;
        let start = starts.get(i).copied().unwrap_or(0) as usize;
        let len = rows.lens.get(i).copied().unwrap_or(0) as usize;
        rows.units.get(start..start + len).unwrap_or(&[])
    };
    let [referring_domains, anchors, targets] =
        [0, 1, 2].map(|column| groups(count as u32, &|row| value(row, column)));
    Summary {
        backlinks: count as u32,
        referring_domains,
        anchors,
        targets,
    }
}

/// Groups the `count` rows by the value `value` gives each: each group's
/// first row and count, by count descending, then by value ascending in
/// code-unit order.
fn groups<'a>(count: u32, value: &dyn Fn(u32) -> &'a [u16]) -> Vec<Group> {
    // Rows by value; a stable sort keeps each value's first row first.
    let mut rows: Vec<u32> = (0..count).collect();
    sort(&mut rows, &|a, b| value(a) < value(b));
    let mut out: Vec<Group> = Vec::new();
    let mut last: Option<&[u16]> = None;
    for row in rows {
        let v = value(row);
        match out.last_mut() {
            Some(group) if last == Some(v) => group.backlinks += 1,
            _ => {
                out.push(Group { row, backlinks: 1 });
                last = Some(v);
            }
        }
    }
    // Stable, and already in value order: ties stay in ascending order.
    let mut order: Vec<u32> = (0..out.len() as u32).collect();
    let backlinks = |i: u32| out.get(i as usize).map_or(0, |g| g.backlinks);
    sort(&mut order, &|a, b| backlinks(a) > backlinks(b));
    order
        .into_iter()
        .filter_map(|i| out.get(i as usize).copied())
        .collect()
}

/// A stable merge sort of `items` by `less`. Written here because the
/// standard library's sorts (driftsort and ipnsort), instantiated for the
/// two orders, added about 13 KB to the .wasm; this one is a few hundred
/// bytes, and sorts 10,000 rows in well under a millisecond.
fn sort(items: &mut Vec<u32>, less: &dyn Fn(u32, u32) -> bool) {
    let n = items.len();
    let mut from = core::mem::take(items);
    let mut to = from.clone();
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in to.iter_mut().take(end).skip(start) {
                let take_right = match (from.get(i), from.get(j)) {
                    (Some(&a), Some(&b)) if i < mid && j < end => less(b, a),
                    _ => i >= mid,
                };
                if take_right {
                    *slot = from.get(j).copied().unwrap_or(0);
                    j += 1;
                } else {
                    *slot = from.get(i).copied().unwrap_or(0);
                    i += 1;
                }
            }
            start = end;
        }
        core::mem::swap(&mut from, &mut to);
        width *= 2;
    }
    *items = from;
}

impl Summary {
    /// The summary as one list of numbers, for the JS half: the backlinks,
    /// then each list as its length followed by `row, backlinks` pairs.
    pub fn to_words(&self) -> Vec<u32> {
        let mut out = vec![self.backlinks];
        for list in [&self.referring_domains, &self.anchors, &self.targets] {
            out.push(list.len() as u32);
            out.extend(list.iter().flat_map(|g| [g.row, g.backlinks]));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Summarizes rows of `(domain, anchor, url)` and names each group.
    fn run(rows: &[(&str, &str, &str)]) -> (u32, [Vec<(String, u32)>; 3]) {
        let mut units = Vec::new();
        let mut lens = Vec::new();
        for (d, a, t) in rows {
            for v in [d, a, t] {
                let before = units.len();
                units.extend(v.encode_utf16());
                lens.push((units.len() - before) as u32);
            }
        }
        let s = summarize(Rows {
            units: &units,
            lens: &lens,
        });
        let name = |list: &[Group], col: usize| -> Vec<(String, u32)> {
            list.iter()
                .map(|g| {
                    let (d, a, t) = rows[g.row as usize];
                    ([d, a, t][col].to_string(), g.backlinks)
                })
                .collect()
        };
        (
            s.backlinks,
            [
                name(&s.referring_domains, 0),
                name(&s.anchors, 1),
                name(&s.targets, 2),
            ],
        )
    }

    fn named(list: &[(&str, u32)]) -> Vec<(String, u32)> {
        list.iter().map(|(s, n)| (s.to_string(), *n)).collect()
    }

    #[test]
    fn counts_and_orders_each_column() {
        let (n, [domains, anchors, targets]) = run(&[
            ("b.com", "", "https://x/"),
            ("a.com", "click", "https://x/"),
            ("c.com", "", "https://y/"),
            ("b.com", "click", "https://x/"),
            ("a.com", "Click", "https://x/"),
            ("10.com", "", "https://x/"),
            ("2.com", "z", "https://x/"),
        ]);
        assert_eq!(n, 7);
        assert_eq!(
            domains,
            named(&[
                ("a.com", 2),
                ("b.com", 2),
                ("10.com", 1),
                ("2.com", 1),
                ("c.com", 1)
            ])
        );
        assert_eq!(
            anchors,
            named(&[("", 3), ("click", 2), ("Click", 1), ("z", 1)])
        );
        assert_eq!(targets, named(&[("https://x/", 6), ("https://y/", 1)]));
    }

    #[test]
    fn ties_order_by_utf16_code_units_not_code_points() {
        // U+FF5E (one unit, 0xFF5E) and U+1F600 (units 0xD83D 0xDE00):
        // code-point order puts U+FF5E first; code-unit order (JS's) does not.
        let (_, [domains, ..]) = run(&[("\u{FF5E}", "", ""), ("\u{1F600}", "", ""), ("a", "", "")]);
        assert_eq!(
            domains,
            named(&[("a", 1), ("\u{1F600}", 1), ("\u{FF5E}", 1)])
        );
    }

    #[test]
    fn each_group_names_its_first_row_and_empty_is_a_name() {
        let units: Vec<u16> = "xyx".encode_utf16().collect();
        let s = summarize(Rows {
            units: &units,
            lens: &[1, 0, 0, 1, 0, 0, 1, 0, 0],
        });
        assert_eq!(
            s.referring_domains,
            [
                Group {
                    row: 0,
                    backlinks: 2
                },
                Group {
                    row: 1,
                    backlinks: 1
                }
            ]
        );
        assert_eq!(
            s.anchors,
            [Group {
                row: 0,
                backlinks: 3
            }]
        );
        assert_eq!(s.to_words(), [3, 2, 0, 2, 1, 1, 1, 0, 3, 1, 0, 3]);
    }

    #[test]
    fn the_merge_sort_is_stable_and_sorts() {
        let mut seed = 7u64;
        for n in [0usize, 1, 2, 3, 5, 8, 13, 100, 1000] {
            let keys: Vec<u32> = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    ((seed >> 33) % 10) as u32
                })
                .collect();
            let mut items: Vec<u32> = (0..n as u32).collect();
            sort(&mut items, &|a, b| keys[a as usize] < keys[b as usize]);
            let mut expected: Vec<u32> = (0..n as u32).collect();
            expected.sort_by_key(|&i| keys[i as usize]);
            assert_eq!(items, expected, "n = {n}");
        }
    }

    #[test]
    fn empty_and_inconsistent_input() {
        let s = summarize(Rows {
            units: &[],
            lens: &[],
        });
        assert_eq!(s, Summary::default());
        assert_eq!(s.to_words(), [0, 0, 0, 0]);
        // Lengths that run past the units read as empty values.
        let s = summarize(Rows {
            units: &[97],
            lens: &[5, 1, 0],
        });
        assert_eq!(s.backlinks, 1);
        assert_eq!(s.anchors.len(), 1);
    }
}
