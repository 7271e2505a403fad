//! Drawing: reads the app, its theme and its keys, never changes them, and measures what it
//! drew (the scene's and overlay's text, where each list row and footnote marker went), for the
//! app to scroll and hit-test with.

mod away;
mod check;
mod class;
mod console;
mod entry;
mod footer;
mod header;
mod help;
mod invitation;
pub mod layout;
pub mod map;
mod overlay;
mod panes;
mod presentation;
pub mod question;
mod scene;
mod split;
pub mod theme;
pub mod timeline;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Tabs, Widget, Wrap};

use crate::app::{App, Geometry, Mode, Pane, Spot};
use crate::keymap::Keymap;
use layout::Side;
use theme::Theme;

/// Draws the whole screen for the current state and returns where everything went.
pub fn draw(frame: &mut ratatui::Frame, app: &App, theme: &Theme, keys: &Keymap) -> Geometry {
    let area = frame.area();
    Screen { app, theme, keys }.draw(area, frame.buffer_mut())
}

/// Everything on screen for the current state: the reader, a presentation or the console, with
/// any overlay on top.
#[derive(Clone, Copy)]
pub struct Screen<'a> {
    pub app: &'a App,
    pub theme: &'a Theme,
    pub keys: &'a Keymap,
}

impl Screen<'_> {
    /// Draws into `buffer` and returns where everything went.
    pub fn draw(self, area: Rect, buffer: &mut Buffer) -> Geometry {
        let mut geometry = Geometry::default();
        match self.app.mode() {
            Mode::Console => console::Console {
                app: self.app,
                theme: self.theme,
                keys: self.keys,
            }
            .render(area, buffer),
            Mode::Presentation => {
                geometry.scene = Some(
                    presentation::Presentation {
                        app: self.app,
                        theme: self.theme,
                    }
                    .draw(area, buffer),
                );
            }
            Mode::Reader => self.draw_reader(area, buffer, &mut geometry),
        }
        if let Some(overlay) = self.app.overlay() {
            overlay::draw(self, overlay, area, buffer, &mut geometry);
        }
        if let Some(addresses) = self.app.invitation_shown() {
            let heading = if self.app.mode() == Mode::Console {
                "The remote, for your phone: it can move the presentation, so keep it to yourself"
            } else {
                "Follow along: scan the code, or open the address in a browser"
            };
            invitation::Invitation {
                heading,
                addresses,
                theme: self.theme,
            }
            .render(area, buffer);
            geometry = Geometry::default();
        }
        geometry
    }

    fn draw_reader(self, area: Rect, buffer: &mut Buffer, geometry: &mut Geometry) {
        let Screen { app, theme, keys } = self;
        let layout = layout::reader(area, app.show_timeline());
        if layout.too_small {
            Paragraph::new("Terminal too small for izumi — make it larger")
                .style(theme.dim)
                .wrap(Wrap { trim: true })
                .render(area, buffer);
            return;
        }
        header::Header { app, theme }.render(layout.header, buffer);
        // A follower's question goes over the scene, taking what it needs of it (at most
        // two thirds, leaving the scene a few rows).
        let mut scene_area = layout.scene;
        if app.role() == crate::app::Role::Follower
            && let Some(poll) = &app.class().poll
        {
            let panel = class::FollowerPanel { app, poll, theme };
            let wanted = panel.height(scene_area.width);
            let height = wanted.min(scene_area.height.saturating_mul(2) / 3);
            let [top, rest] = split::rows(
                scene_area,
                [Constraint::Length(height), Constraint::Fill(1)],
            );
            panel.render(top, buffer);
            scene_area = rest;
        }
        // A follower reading elsewhere is told where the presenter is, and how to follow.
        if let Some(presenter) = app.away_from_presenter()
            && scene_area.height > 2
        {
            let [sign, rest] =
                split::rows(scene_area, [Constraint::Length(1), Constraint::Fill(1)]);
            away::AwaySign {
                story: app.story(),
                presenter,
                keys,
                theme,
            }
            .render(sign, buffer);
            scene_area = rest;
        }
        geometry.spots.push((scene_area, Spot::Pane(Pane::Scene)));
        geometry.scene = Some(scene::ScenePane { app, theme }.draw(scene_area, buffer, geometry));
        match layout.side {
            Side::Stacked {
                characters,
                footnotes,
                locations,
            } => {
                for (pane, area) in [
                    (Pane::Characters, characters),
                    (Pane::Footnotes, footnotes),
                    (Pane::Locations, locations),
                ] {
                    panes::SidePane { app, theme, pane }.draw(area, buffer, geometry);
                }
            }
            Side::Tabbed { tabs, pane } => {
                let shown = app.side_pane();
                let titles = Pane::SIDE.iter().map(|p| Line::from(p.title()));
                let index = Pane::SIDE.iter().position(|p| *p == shown).unwrap_or(0);
                Tabs::new(titles)
                    .select(index)
                    .style(theme.dim)
                    .highlight_style(theme.tab_active)
                    .render(tabs, buffer);
                // Tabs are drawn as " title " with a divider between.
                let mut x = tabs.x;
                for side in Pane::SIDE {
                    let width = u16::try_from(crate::wrap::cells(side.title())).unwrap_or(0) + 2;
                    let tab = Rect { x, width, ..tabs }.intersection(tabs);
                    geometry.spots.push((tab, Spot::Pane(side)));
                    x = x.saturating_add(width + 1);
                }
                panes::SidePane {
                    app,
                    theme,
                    pane: shown,
                }
                .draw(pane, buffer, geometry);
            }
            Side::Hidden => {}
        }
        if let Some(strip) = layout.timeline {
            let block = Block::new()
                .borders(ratatui::widgets::Borders::TOP)
                .border_style(theme.border)
                .title(Line::styled(" Timeline ", theme.pane_title));
            let inner = block.inner(strip);
            block.render(strip, buffer);
            timeline::Timeline { app, theme }.render(inner, buffer);
        }
        // With an entry or list open over the scene, the sign takes the footer's place.
        if let Some(presenter) = app.away_from_presenter()
            && app.overlay().is_some()
            && app.status().is_none()
        {
            away::AwaySign {
                story: app.story(),
                presenter,
                keys,
                theme,
            }
            .render(layout.footer, buffer);
            return;
        }
        let footer = footer::Footer {
            status: app.status(),
            hints: keys.footer_hints(app.screen_key_mode()),
            theme,
        };
        // A message longer than a line grows upwards over the panes' bottom, never over the
        // header, and is gone with the next key.
        let rows = footer.height(layout.footer.width, area.height);
        let grown = Rect {
            y: layout
                .footer
                .bottom()
                .saturating_sub(rows)
                .max(layout.scene.y),
            height: rows.min(layout.footer.bottom().saturating_sub(layout.scene.y)),
            ..layout.footer
        };
        footer.render(grown, buffer);
    }
}

/// A one-line area split into what fits on the left and a right-aligned part.
fn split_right(area: Rect, right_width: usize) -> [Rect; 2] {
    let right = u16::try_from(right_width)
        .unwrap_or(u16::MAX)
        .min(area.width);
    split::columns(area, [Constraint::Fill(1), Constraint::Length(right)])
}
