//! Map geometry, the same for the terminal and the web: framing a set of places, projecting them
//! onto a grid of cells, placing labels so that none covers another, the places a scene has come
//! through and which of them are named, and the land behind them.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::widgets::Widget;
use ratatui::widgets::canvas::{Canvas, Map, MapResolution};

use crate::story::{LocationId, Reach, SceneId, Story};

pub mod timescale;

/// A longitude/latitude box, in degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    pub west: f64,
    pub east: f64,
    pub south: f64,
    pub north: f64,
}

impl Bounds {
    /// The smallest box holding every point, widened by a margin and then stretched along one
    /// axis so that a grid of `columns` × `rows` cells shows it without distortion (a cell is about
    /// twice as tall as it is wide; a degree of longitude shrinks with the cosine of the latitude).
    pub fn framing(points: &[(f64, f64)], columns: u16, rows: u16) -> Self {
        let (mut west, mut east, mut south, mut north) =
            (180.0_f64, -180.0_f64, 90.0_f64, -90.0_f64);
        for &(lat, lon) in points {
            west = west.min(lon);
            east = east.max(lon);
            south = south.min(lat);
            north = north.max(lat);
        }
        if points.is_empty() {
            (west, east, south, north) = (-180.0, 180.0, -80.0, 80.0);
        }
        let margin_x = ((east - west) * 0.08).max(3.0);
        let margin_y = ((north - south) * 0.12).max(3.0);
        let (mut west, mut east) = (west - margin_x, east + margin_x);
        let (mut south, mut north) = (south - margin_y, north + margin_y);

        // `libm`'s cosine rather than `f64::cos`: the standard one is glibc's libm, a shared
        // library loaded at every start-up (about half a megabyte of resident memory) for this
        // one call.
        let mid_lat = libm::cos(((south + north) / 2.0).to_radians()).max(0.2);
        let width = (east - west) * mid_lat;
        let height = north - south;
        let wanted = f64::from(columns.max(1)) / (2.0 * f64::from(rows.max(1)));
        if width / height < wanted {
            let grow = (height * wanted / mid_lat - (east - west)) / 2.0;
            west -= grow;
            east += grow;
        } else {
            let grow = (width / wanted - height) / 2.0;
            south -= grow;
            north += grow;
        }
        Self {
            west: west.max(-180.0),
            east: east.min(180.0),
            south: south.max(-90.0),
            north: north.min(90.0),
        }
    }

    /// The cell (column, row) of a point within a grid of `columns` × `rows` cells, row 0 at the
    /// north; `None` outside the box.
    pub fn cell(&self, lat: f64, lon: f64, columns: u16, rows: u16) -> Option<(u16, u16)> {
        if columns == 0 || rows == 0 || !(self.west..=self.east).contains(&lon) {
            return None;
        }
        if !(self.south..=self.north).contains(&lat) {
            return None;
        }
        let x = (lon - self.west) / (self.east - self.west) * f64::from(columns);
        let y = (self.north - lat) / (self.north - self.south) * f64::from(rows);
        Some(((x as u16).min(columns - 1), (y as u16).min(rows - 1)))
    }
}

/// A label to place next to a point, most important first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelRequest {
    pub column: u16,
    pub row: u16,
    pub text: String,
}

/// How a request's label came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelKind {
    /// The whole name.
    Full,
    /// The name cut short with "…": nowhere had room for all of it.
    Shortened,
    /// A number standing for the name, which a legend beside the map gives in full: nowhere had
    /// room even for a shortened name of a place that must be named.
    Numbered(u8),
}

/// A label given a place on the grid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacedLabel {
    /// Which request this label answers.
    pub request: usize,
    pub column: u16,
    pub row: u16,
    pub text: String,
    pub kind: LabelKind,
}

/// Width in display cells (a CJK character takes two, an emoji two), as the map's grid counts.
pub fn cells(text: &str) -> u16 {
    u16::try_from(crate::wrap::cells(text)).unwrap_or(u16::MAX)
}

/// `text` cut to at most `width` display cells, ending in "…" when cut: the terminal's one
/// truncation ([`crate::wrap::truncate`]), in the grid's units.
pub fn shorten(text: &str, width: u16) -> String {
    crate::wrap::truncate(text, usize::from(width))
}

impl PlacedLabel {
    /// Its width in display cells.
    pub fn width(&self) -> u16 {
        cells(&self.text)
    }

    /// Whether it stands two rows or more from its point, to be joined to it by a leader line.
    pub fn is_apart(&self, request: &LabelRequest) -> bool {
        self.row.abs_diff(request.row) > 1
    }

    /// Whether the label sits on a cell.
    fn covers(&self, column: u16, row: u16) -> bool {
        self.row == row && (self.column..self.column.saturating_add(self.width())).contains(&column)
    }

    /// Whether two labels would touch, counting a column of space on either side.
    pub fn collides(&self, other: &PlacedLabel) -> bool {
        self.row == other.row
            && self.column < other.column.saturating_add(other.width()).saturating_add(1)
            && other.column < self.column.saturating_add(self.width()).saturating_add(1)
    }
}

/// The fewest cells a shortened name keeps before its "…".
const SHORTEST: u16 = 3;

/// Places labels in order of importance. Each tries eight places around its point (right, left,
/// the four corners, above, below), keeping inside the grid, a column clear of every label
/// already placed and off every point (`requests`' and the unlabelled `marks`). Names are never
/// clipped (only one wider than the whole grid is shortened with "…"): where the whole name fits
/// nowhere, the first `required` requests (the scene's own places) get a number beside or on
/// their point instead, for a legend to name ([`LabelKind::Numbered`]); the others are left
/// unnamed (they are missing from the answer, which a caller can say).
pub fn place_labels(
    requests: &[LabelRequest],
    marks: &[(u16, u16)],
    required: usize,
    columns: u16,
    rows: u16,
) -> Vec<PlacedLabel> {
    place(requests, marks, required, columns, rows, 1)
}

/// As [`place_labels`], but a label that fits nowhere beside its point may also stand two or
/// three rows above or below it, before being numbered or left out: for a drawing that can join such a
/// label to its point with a leader line (the web's map). [`PlacedLabel::is_apart`] tells them.
pub fn place_labels_with_leaders(
    requests: &[LabelRequest],
    marks: &[(u16, u16)],
    required: usize,
    columns: u16,
    rows: u16,
) -> Vec<PlacedLabel> {
    place(requests, marks, required, columns, rows, 3)
}

fn place(
    requests: &[LabelRequest],
    marks: &[(u16, u16)],
    required: usize,
    columns: u16,
    rows: u16,
    distance: u16,
) -> Vec<PlacedLabel> {
    let mut placed: Vec<PlacedLabel> = Vec::new();
    if columns == 0 || rows == 0 {
        return placed;
    }
    // Free: touching no label placed, covering no point; `padded`: nor right beside one, so
    // that a name is not read as another dot's.
    let clear = |label: &PlacedLabel, placed: &[PlacedLabel], padded: bool| {
        placed.iter().all(|other| !label.collides(other))
            && requests
                .iter()
                .map(|point| (point.column, point.row))
                .chain(marks.iter().copied())
                .all(|(column, row)| {
                    !label.covers(column, row)
                        && !(padded
                            && (label.covers(column.saturating_add(1), row)
                                || label.covers(column.saturating_sub(1), row)))
                })
    };
    let free = |label: &PlacedLabel, placed: &[PlacedLabel]| clear(label, placed, false);
    let mut numbers = 0u8;
    for (index, request) in requests.iter().enumerate() {
        // The whole name only: a clipped name ("Swi…") reads as another place, so a scene's
        // own place is numbered for the legend instead and any other left unnamed. A name wider
        // than the whole grid is the exception, shortened to fit.
        let mut texts = std::iter::once(if cells(&request.text) < columns {
            (request.text.clone(), LabelKind::Full)
        } else {
            (
                shorten(&request.text, columns.saturating_sub(1).max(SHORTEST + 1)),
                LabelKind::Shortened,
            )
        });
        let found = texts.find_map(|(text, kind)| {
            let mut spots = candidates(request, cells(&text), columns, rows);
            spots.extend(farther(request, cells(&text), columns, rows, distance));
            let labels: Vec<PlacedLabel> = spots
                .into_iter()
                .map(|(column, row)| PlacedLabel {
                    request: index,
                    column,
                    row,
                    text: text.clone(),
                    kind,
                })
                .collect();
            let padded = labels.iter().find(|label| clear(label, &placed, true));
            padded
                .or_else(|| labels.iter().find(|label| free(label, &placed)))
                .cloned()
        });
        match found {
            Some(label) => placed.push(label),
            None if index < required => {
                numbers = numbers.saturating_add(1);
                let text = numbers.to_string();
                let mut spots = candidates(request, cells(&text), columns, rows);
                // On the point itself, as the point's own mark, when nothing around it is free.
                spots.push((request.column.min(columns - 1), request.row.min(rows - 1)));
                let spot = spots.into_iter().map(|(column, row)| PlacedLabel {
                    request: index,
                    column,
                    row,
                    text: text.clone(),
                    kind: LabelKind::Numbered(numbers),
                });
                let mut spot = spot.collect::<Vec<_>>();
                let last = spot.pop();
                if let Some(label) = spot
                    .into_iter()
                    .find(|label| free(label, &placed))
                    // On its own point it only needs the cell: the points were kept clear.
                    .or_else(|| {
                        last.filter(|label| {
                            placed
                                .iter()
                                .all(|other| !other.covers(label.column, label.row))
                        })
                    })
                {
                    placed.push(label);
                }
            }
            None => {}
        }
    }
    placed
}

/// Where a label `width` cells wide may start two rows or more above or below its point, up to
/// `distance` rows, nearest first: centred, then starting or ending at the point's column.
fn farther(
    request: &LabelRequest,
    width: u16,
    columns: u16,
    rows: u16,
    distance: u16,
) -> Vec<(u16, u16)> {
    if width == 0 || width > columns {
        return Vec::new();
    }
    let (x, y) = (i32::from(request.column), i32::from(request.row));
    let w = i32::from(width);
    (2..=i32::from(distance))
        .flat_map(|d| [-d, d])
        .flat_map(|dy| [(x - w / 2, y + dy), (x, y + dy), (x + 1 - w, y + dy)])
        .filter(|&(column, row)| {
            column >= 0 && row >= 0 && column + w <= i32::from(columns) && row < i32::from(rows)
        })
        .map(|(column, row)| (column as u16, row as u16))
        .collect()
}

/// Where a label `width` cells wide may start, best first: right of the point, left of it, the
/// four corners, then centred above and below; only places wholly inside the grid.
fn candidates(request: &LabelRequest, width: u16, columns: u16, rows: u16) -> Vec<(u16, u16)> {
    if width == 0 || width > columns {
        return Vec::new();
    }
    let (x, y) = (i32::from(request.column), i32::from(request.row));
    let w = i32::from(width);
    [
        (x + 2, y),
        (x - 1 - w, y),
        (x + 1, y - 1),
        (x + 1, y + 1),
        (x - w, y - 1),
        (x - w, y + 1),
        (x - w / 2, y - 1),
        (x - w / 2, y + 1),
    ]
    .into_iter()
    .filter(|&(column, row)| {
        column >= 0 && row >= 0 && column + w <= i32::from(columns) && row < i32::from(rows)
    })
    .map(|(column, row)| (column as u16, row as u16))
    .collect()
}

/// How many places visited before the current one get a label.
const RECENT_LABELS: usize = 4;

/// The places the story has passed through up to and including a scene, in order, without
/// repeating a place twice in a row.
pub fn stations_until(story: &Story, scene: SceneId) -> Vec<LocationId> {
    let mut stations: Vec<LocationId> = Vec::new();
    for id in story.scene_ids().take(scene.index() + 1) {
        for location in &story.scene(id).locations {
            if stations.last() != Some(location) {
                stations.push(*location);
            }
        }
    }
    stations
}

/// How many of the stations up to `scene` were reached before it: the legs from the one
/// before that index on are the ones the scene travels.
pub fn stations_before(story: &Story, scene: SceneId) -> usize {
    match scene.index().checked_sub(1) {
        Some(previous) => story
            .scene_ids()
            .nth(previous)
            .map_or(0, |previous| stations_until(story, previous).len()),
        None => 0,
    }
}

/// The control point of a leg drawn as a quadratic curve from `from` to `to` (x, y on a plane):
/// bowed to the left of the direction of travel by a fifth of the leg's length, so that a journey
/// out and back draws two arcs rather than one line twice, and legs that share a place fan out.
pub fn leg_control(from: (f64, f64), to: (f64, f64)) -> (f64, f64) {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let middle = ((from.0 + to.0) / 2.0, (from.1 + to.1) / 2.0);
    // With y growing downwards (SVG, rows), (dy, -dx) points to the left of travel.
    (middle.0 + dy * 0.2, middle.1 - dx * 0.2)
}

/// The places that get a label, most important first: the scene's own places, then the last
/// few visited, most recent first. Places ahead stay unlabelled so the map does not give the
/// story away, and none is named that the reader may not see.
pub fn labelled_places(story: &Story, scene: SceneId, reach: &Reach) -> Vec<LocationId> {
    let here = &story.scene(scene).locations;
    let mut order: Vec<LocationId> = here.clone();
    for id in stations_until(story, scene).iter().rev() {
        if order.len() >= here.len() + RECENT_LABELS {
            break;
        }
        if !order.contains(id) {
            order.push(*id);
        }
    }
    order.retain(|id| reach.may_show_place(*id));
    order
}

/// The world's land within `bounds`, in braille on a grid of `width` × `height` cells, from
/// ratatui's world map: the terminal map's ground, and the web map's (each dot a square there).
pub fn world(bounds: &Bounds, width: u16, height: u16, land: Color) -> Buffer {
    let mut world = Buffer::empty(Rect::new(0, 0, width, height));
    Canvas::default()
        .marker(Marker::Braille)
        .x_bounds([bounds.west, bounds.east])
        .y_bounds([bounds.south, bounds.north])
        .paint(|ctx| {
            ctx.draw(&Map {
                resolution: MapResolution::High,
                color: land,
            });
        })
        .render(world.area, &mut world);
    world
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(column: u16, row: u16, text: &str) -> LabelRequest {
        LabelRequest {
            column,
            row,
            text: text.into(),
        }
    }

    #[test]
    fn framing_keeps_every_point_inside_for_many_sizes() {
        let places = [
            (50.0755, 14.4378),
            (41.0082, 28.9784),
            (35.6762, 139.6503),
            (53.0452, 158.6483),
        ];
        for (columns, rows) in [(20, 8), (40, 12), (60, 20), (100, 30), (200, 60), (10, 40)] {
            let bounds = Bounds::framing(&places, columns, rows);
            for (lat, lon) in places {
                assert!(
                    bounds.cell(lat, lon, columns, rows).is_some(),
                    "{lat},{lon} outside {bounds:?} at {columns}x{rows}"
                );
            }
        }
    }

    #[test]
    fn cells_run_west_to_east_and_north_to_south() {
        let bounds = Bounds {
            west: 0.0,
            east: 100.0,
            south: 0.0,
            north: 50.0,
        };
        assert_eq!(bounds.cell(50.0, 0.0, 10, 5), Some((0, 0)));
        assert_eq!(bounds.cell(0.0, 100.0, 10, 5), Some((9, 4)));
        assert_eq!(bounds.cell(60.0, 50.0, 10, 5), None);
    }

    fn assert_apart_and_inside(placed: &[PlacedLabel], columns: u16, rows: u16) {
        for (i, a) in placed.iter().enumerate() {
            assert!(
                a.column + a.width() <= columns && a.row < rows,
                "{a:?} outside"
            );
            for b in &placed[i + 1..] {
                assert!(!a.collides(b), "{a:?} touches {b:?}");
            }
        }
    }

    #[test]
    fn labels_that_would_collide_are_moved_not_dropped() {
        let requests = [
            request(10, 5, "Moscow"),
            request(11, 5, "Tver"),
            request(12, 5, "Kalinin"),
        ];
        let placed = place_labels(&requests, &[], 3, 40, 10);
        assert_eq!(placed[0].text, "Moscow");
        assert_eq!(placed.len(), 3, "{placed:?}");
        assert!(placed.iter().all(|label| label.kind == LabelKind::Full));
        assert_apart_and_inside(&placed, 40, 10);
    }

    #[test]
    fn a_name_at_the_edge_goes_whole_to_a_corner_rather_than_being_cut() {
        // Right of the point runs off the frame, left of it is another place's label.
        let requests = [request(5, 4, "Sofia"), request(14, 4, "Switzerland")];
        let placed = place_labels(&requests, &[], 2, 24, 8);
        assert_eq!(placed.len(), 2);
        assert_eq!(placed[1].text, "Switzerland", "{placed:?}");
        assert_apart_and_inside(&placed, 24, 8);
    }

    #[test]
    fn cjk_names_are_measured_in_cells() {
        let requests = [
            request(2, 2, "哈尔滨"),
            request(8, 2, "東京"),
            request(3, 3, "Москва"),
        ];
        let placed = place_labels(&requests, &[], 3, 16, 6);
        assert_eq!(placed.len(), 3, "{placed:?}");
        assert_eq!(placed[0].width(), 6);
        assert_apart_and_inside(&placed, 16, 6);
        for label in &placed {
            for point in &requests {
                assert!(
                    !label.covers(point.column, point.row),
                    "{label:?} on a point"
                );
            }
        }
    }

    #[test]
    fn shortening_counts_cells_and_ends_in_an_ellipsis() {
        assert_eq!(shorten("Switzerland", 6), "Switz…");
        assert_eq!(shorten("哈尔滨市", 5), "哈尔…");
        assert_eq!(shorten("Oslo", 6), "Oslo");
    }

    #[test]
    fn a_scene_place_with_no_room_is_numbered() {
        let placed = place_labels(&[request(2, 0, "Blagoveshchensk")], &[], 1, 6, 1);
        assert_eq!(placed.len(), 1);
        assert_eq!(placed[0].kind, LabelKind::Numbered(1));
        assert_eq!(placed[0].text, "1");
    }

    #[test]
    fn a_place_not_of_the_scene_with_no_room_is_dropped() {
        let placed = place_labels(
            &[request(2, 0, "Oslo"), request(3, 0, "Blagoveshchensk")],
            &[],
            1,
            8,
            1,
        );
        assert!(placed.iter().all(|label| label.request == 0), "{placed:?}");
    }

    #[test]
    fn labels_keep_off_unlabelled_marks() {
        let placed = place_labels(&[request(4, 2, "Riga")], &[(7, 2)], 1, 20, 5);
        assert!(!placed[0].covers(7, 2), "{placed:?}");
    }
}
