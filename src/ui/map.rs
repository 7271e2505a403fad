//! The map: a braille world map framed on the story's places, the route travelled so far, every
//! place marked and the current one labelled.

use std::cell::RefCell;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::widgets::Widget;
use ratatui::widgets::canvas::{Canvas, Line, Points};

use super::theme::Theme;
use crate::app::App;
use crate::geo::{
    Bounds, LabelKind, LabelRequest, PlacedLabel, labelled_places, place_labels, shorten,
    stations_before, stations_until, world,
};
use crate::story::LocationId;

/// Below this many columns or rows the map says too little; the places list is shown instead.
pub const MIN_COLUMNS: u16 = 24;
pub const MIN_ROWS: u16 = 7;

/// The map of the story's places, drawn into the area it is given (no border of its own).
pub struct MapView<'a> {
    pub app: &'a App,
    pub theme: &'a Theme,
}

/// The land, drawn once per size, framing and colour and then copied: thousands of coastline points
/// need not be projected again on every frame when only the route and the markers change.
fn draw_world(bounds: &Bounds, area: Rect, land: Color, buf: &mut Buffer) {
    type Key = (u16, u16, [u64; 4], Color);
    thread_local! {
        static WORLD: RefCell<Option<(Key, Buffer)>> = const { RefCell::new(None) };
    }
    let key = (
        area.width,
        area.height,
        [bounds.west, bounds.east, bounds.south, bounds.north].map(f64::to_bits),
        land,
    );
    WORLD.with_borrow_mut(|cached| {
        if cached.as_ref().is_none_or(|(at, _)| *at != key) {
            *cached = Some((key, world(bounds, area.width, area.height, land)));
        }
        if let Some((_, world)) = cached.as_ref() {
            for y in 0..area.height {
                for x in 0..area.width {
                    if let Some(cell) = buf.cell_mut((area.x + x, area.y + y)) {
                        *cell = world[(x, y)].clone();
                    }
                }
            }
        }
    });
}

/// A canvas takes a colour, not a style: the style's, or the terminal's own.
fn colour(style: ratatui::style::Style) -> Color {
    style.fg.unwrap_or(Color::Reset)
}

impl Widget for MapView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let story = self.app.story();
        let scene = self.app.scene();
        let here = &story.scene(scene).locations;
        let stations = stations_until(story, scene);
        let coordinates = |id: &LocationId| {
            let location = story.location(*id);
            (location.lat, location.lon)
        };
        let all: Vec<(f64, f64)> = story.route.iter().map(coordinates).collect();
        let bounds = Bounds::framing(&all, area.width, area.height);
        let plane = |id: &LocationId| (story.location(*id).lon, story.location(*id).lat);

        let visited: Vec<(f64, f64)> = story
            .route
            .iter()
            .filter(|id| stations.contains(id) && !here.contains(id))
            .map(plane)
            .collect();
        // Places ahead are drawn only as far as the reader is told: a place the story has not
        // reached yet is neither drawn nor named.
        let told = self.app.reach();
        let ahead: Vec<(f64, f64)> = story
            .route
            .iter()
            .filter(|id| !stations.contains(id) && told.may_show_place(**id))
            .map(plane)
            .collect();
        let route: Vec<(f64, f64)> = stations.iter().map(plane).collect();
        // The legs this scene travels, drawn over the older ones in the colour of where it is.
        let now = stations_before(story, scene).saturating_sub(1);

        draw_world(&bounds, area, colour(self.theme.map_land), buf);
        // Route and places over the world, on a canvas of their own: a canvas only sets the
        // cells it draws in, so the land around them stays.
        Canvas::default()
            .marker(Marker::Braille)
            .x_bounds([bounds.west, bounds.east])
            .y_bounds([bounds.south, bounds.north])
            .paint(|ctx| {
                for (index, leg) in route.windows(2).enumerate() {
                    if index < now {
                        ctx.draw(&Line::new(
                            leg[0].0,
                            leg[0].1,
                            leg[1].0,
                            leg[1].1,
                            colour(self.theme.map_route),
                        ));
                    }
                }
                ctx.layer();
                for leg in route.windows(2).skip(now) {
                    ctx.draw(&Line::new(
                        leg[0].0,
                        leg[0].1,
                        leg[1].0,
                        leg[1].1,
                        colour(self.theme.current_place),
                    ));
                }
                ctx.layer();
                ctx.draw(&Points {
                    coords: &ahead,
                    color: colour(self.theme.unvisited_place),
                });
                ctx.draw(&Points {
                    coords: &visited,
                    color: colour(self.theme.map_visited),
                });
            })
            .render(area, buf);

        let order = labelled_places(story, scene, &told);
        let required = order.iter().take_while(|id| here.contains(id)).count();
        let cell = |id: &LocationId, rows: u16| {
            let location = story.location(*id);
            bounds.cell(location.lat, location.lon, area.width, rows)
        };
        let marks: Vec<(u16, u16)> = story
            .route
            .iter()
            .filter(|id| told.may_show_place(**id))
            .filter_map(|id| cell(id, area.height))
            .collect();
        let requests: Vec<(LocationId, LabelRequest)> = order
            .iter()
            .filter_map(|id| {
                let (column, row) = cell(id, area.height)?;
                Some((
                    *id,
                    LabelRequest {
                        column,
                        row,
                        text: story.location(*id).name.clone(),
                    },
                ))
            })
            .collect();
        let asks: Vec<LabelRequest> = requests.iter().map(|(_, r)| r.clone()).collect();
        let mut labels = place_labels(&asks, &marks, required, area.width, area.height);
        let numbered = |labels: &[PlacedLabel]| {
            labels
                .iter()
                .any(|label| matches!(label.kind, LabelKind::Numbered(_)))
        };
        // Numbers need a legend: the bottom row is kept for it, and the labels placed again
        // above it.
        let mut legend_row = None;
        if numbered(&labels) && area.height > 2 {
            let above = area.height - 1;
            labels = place_labels(&asks, &marks, required, area.width, above);
            legend_row = Some(area.y + above);
        }

        // A clear cell either side of each label, so that no name sits in the land's dots.
        for label in &labels {
            let start = label.column.saturating_sub(1);
            let end = (label.column + label.width() + 1).min(area.width);
            for column in start..end {
                buf[(area.x + column, area.y + label.row)].reset();
            }
        }
        // The scene's places last, so that a place passed before in the same cell does not hide
        // one of them.
        let mut marked: Vec<&(LocationId, LabelRequest)> = requests.iter().collect();
        marked.sort_by_key(|(id, _)| here.contains(id));
        for (id, request) in marked {
            let at = (area.x + request.column, area.y + request.row);
            if Some(at.1) == legend_row {
                continue;
            }
            if here.contains(id) {
                buf[at].set_symbol("◉").set_style(self.theme.current_place);
            } else {
                buf[at].set_symbol("•").set_style(self.theme.map_visited);
            }
        }
        for label in &labels {
            let style = if label.request < required {
                self.theme.current_place
            } else {
                self.theme.dim
            };
            buf.set_string(
                area.x + label.column,
                area.y + label.row,
                &label.text,
                style,
            );
        }
        if let Some(row) = legend_row {
            let legend: Vec<String> = labels
                .iter()
                .filter(|label| matches!(label.kind, LabelKind::Numbered(_)))
                .map(|label| format!("{} {}", label.text, requests[label.request].1.text))
                .collect();
            for column in 0..area.width {
                buf[(area.x + column, row)].reset();
            }
            buf.set_string(
                area.x,
                row,
                shorten(&legend.join(" · "), area.width),
                self.theme.current_place,
            );
        }
    }
}
