//! Map geometry: every framed place lands on the map, and placed labels never overlap.

use izumi::geo::{Bounds, LabelRequest, cells, place_labels, place_labels_with_leaders};
use proptest::prelude::*;

fn places() -> impl Strategy<Value = Vec<(f64, f64)>> {
    prop::collection::vec((-60.0..70.0f64, -170.0..170.0f64), 1..30)
}

proptest! {
    #[test]
    fn every_framed_place_lands_inside_the_map(points in places(), columns in 1u16..250, rows in 1u16..80) {
        let bounds = Bounds::framing(&points, columns, rows);
        for (lat, lon) in points {
            let cell = bounds.cell(lat, lon, columns, rows);
            prop_assert!(cell.is_some(), "{lat},{lon} outside {bounds:?}");
            let (column, row) = cell.unwrap();
            prop_assert!(column < columns && row < rows);
        }
    }

    #[test]
    fn placed_labels_never_overlap_and_stay_inside(
        points in prop::collection::vec((0u16..250, 0u16..80, "[A-Za-z東京哈尔滨ロー]{1,16}"), 1..40),
        columns in 1u16..250,
        rows in 1u16..80,
        required in 0usize..4,
        leaders: bool,
    ) {
        let requests: Vec<LabelRequest> = points
            .into_iter()
            .map(|(column, row, text)| LabelRequest { column: column % columns, row: row % rows, text })
            .collect();
        let placed = if leaders {
            place_labels_with_leaders(&requests, &[], required, columns, rows)
        } else {
            place_labels(&requests, &[], required, columns, rows)
        };
        for index in 0..required.min(requests.len()) {
            // A scene's place is always named, or numbered; only a second place in the same
            // cell as one already named may go without.
            let shares = requests[..index]
                .iter()
                .any(|other| (other.column, other.row) == (requests[index].column, requests[index].row));
            prop_assert!(shares || placed.iter().any(|label| label.request == index), "{index} unnamed: {placed:?}");
        }
        for label in &placed {
            let width = cells(&label.text);
            prop_assert!(label.column + width <= columns, "{label:?} runs off the map");
            prop_assert!(label.row < rows);
        }
        for (i, a) in placed.iter().enumerate() {
            for b in &placed[i + 1..] {
                let (aw, bw) = (cells(&a.text), cells(&b.text));
                let overlap = a.row == b.row && a.column < b.column + bw && b.column < a.column + aw;
                prop_assert!(!overlap, "{a:?} overlaps {b:?}");
            }
        }
    }
}
