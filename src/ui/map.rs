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
use crate::geo::{Bounds, LabelRequest, labelled_places, place_labels, stations_until, world};
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
        let here = &story.scene(self.app.scene()).locations;
        let stations = stations_until(story, self.app.scene());
        let coordinates = |id: &LocationId| {
            let location = story.location(*id);
            (location.lat, location.lon)
        };
        let all: Vec<(f64, f64)> = story.route.iter().map(coordinates).collect();
        let bounds = Bounds::framing(&all, area.width, area.height);

        let visited: Vec<(f64, f64)> = story
            .route
            .iter()
            .filter(|id| stations.contains(id) && !here.contains(id))
            .map(|id| (story.location(*id).lon, story.location(*id).lat))
            .collect();
        let ahead: Vec<(f64, f64)> = story
            .route
            .iter()
            .filter(|id| !stations.contains(id))
            .map(|id| (story.location(*id).lon, story.location(*id).lat))
            .collect();
        let route: Vec<(f64, f64)> = stations
            .iter()
            .map(|id| (story.location(*id).lon, story.location(*id).lat))
            .collect();

        draw_world(&bounds, area, colour(self.theme.map_land), buf);
        // Route and places over the world, on a canvas of their own: a canvas only sets the
        // cells it draws in, so the land around them stays.
        Canvas::default()
            .marker(Marker::Braille)
            .x_bounds([bounds.west, bounds.east])
            .y_bounds([bounds.south, bounds.north])
            .paint(|ctx| {
                for leg in route.windows(2) {
                    ctx.draw(&Line::new(
                        leg[0].0,
                        leg[0].1,
                        leg[1].0,
                        leg[1].1,
                        colour(self.theme.map_route),
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

        let order = labelled_places(story, self.app.scene(), &self.app.reach());
        let mut requests = Vec::new();
        let mut current = 0;
        for id in &order {
            let location = story.location(*id);
            if let Some((column, row)) =
                bounds.cell(location.lat, location.lon, area.width, area.height)
            {
                let is_here = here.contains(id);
                if is_here {
                    buf[(area.x + column, area.y + row)]
                        .set_symbol("◉")
                        .set_style(self.theme.current_place);
                    current += 1;
                } else {
                    buf[(area.x + column, area.y + row)]
                        .set_symbol("•")
                        .set_style(self.theme.map_visited);
                }
                requests.push(LabelRequest {
                    column,
                    row,
                    text: location.name.clone(),
                });
            }
        }
        for label in place_labels(&requests, area.width, area.height) {
            let style = if label.request < current {
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
    }
}
