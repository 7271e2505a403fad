//! Drawing: reads the app and the story, never changes them.

mod entry;
mod footer;
mod header;
mod help;
pub mod layout;
mod map;
mod panes;
pub mod scene;
pub mod theme;
pub mod timeline;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Text};
use ratatui::widgets::{Block, Clear, Paragraph, Tabs, Widget, Wrap};

use crate::app::{App, Overlay, Pane};
use layout::Side;
use theme::THEME;

/// Draws the whole reader for the current state.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let layout = layout::reader(area);
    if layout.too_small {
        let notice = Paragraph::new("Terminal too small for izumi — make it larger")
            .style(THEME.dim)
            .wrap(Wrap { trim: true });
        frame.render_widget(notice, area);
        return;
    }
    let buffer = frame.buffer_mut();
    header::Header { app }.render(layout.header, buffer);
    scene::ScenePane { app }.render(layout.scene, buffer);
    match layout.side {
        Side::Stacked {
            characters,
            footnotes,
            locations,
        } => {
            panes::render(app, Pane::Characters, characters, buffer);
            panes::render(app, Pane::Footnotes, footnotes, buffer);
            panes::render(app, Pane::Locations, locations, buffer);
        }
        Side::Tabbed { tabs, pane } => {
            let shown = app.side_pane();
            let titles = Pane::SIDE.iter().map(|p| Line::from(p.title()));
            let index = Pane::SIDE.iter().position(|p| *p == shown).unwrap_or(0);
            Tabs::new(titles)
                .select(index)
                .style(THEME.dim)
                .highlight_style(THEME.tab_active)
                .render(tabs, buffer);
            panes::render(app, shown, pane, buffer);
        }
        Side::Hidden => {}
    }
    if let Some(strip) = layout.timeline {
        let block = Block::new()
            .borders(ratatui::widgets::Borders::TOP)
            .border_style(THEME.border)
            .title(Line::styled(" Timeline ", THEME.pane_title));
        let inner = block.inner(strip);
        block.render(strip, buffer);
        timeline::Timeline { app }.render(inner, buffer);
    }
    footer::Footer.render(layout.footer, buffer);

    if let Some(overlay) = app.overlay() {
        let (area, text, title) = overlay_content(app, overlay, area);
        Clear.render(area, buffer);
        Paragraph::new(text)
            .block(
                Block::bordered()
                    .border_style(THEME.border_focused)
                    .title(title)
                    .title_style(THEME.pane_title)
                    .padding(ratatui::widgets::Padding::horizontal(1)),
            )
            .wrap(Wrap { trim: false })
            .scroll((app.overlay_scroll(), 0))
            .render(area, buffer);
    }
}

/// Where an overlay goes, what it says, and its title. The box is as tall as its text needs,
/// up to nearly the whole screen.
fn overlay_content(app: &App, overlay: Overlay, area: Rect) -> (Rect, Text<'static>, String) {
    let (max_width, text, title) = match overlay {
        Overlay::Help => (72, help::text(), " Keys — ? or Esc to close ".to_owned()),
        Overlay::Entry(entry) => (
            84,
            entry::text(app.story(), entry),
            format!(" {} — Esc to close ", entry::title(app.story(), entry)),
        ),
    };
    let widest = layout::popup(area, max_width);
    let needed = wrapped_height(&text, layout::pane_block().inner(widest).width) + 2;
    let height = needed.min(widest.height);
    let popup = Rect {
        y: widest.y + (widest.height - height) / 2,
        height,
        ..widest
    };
    (popup, text, title)
}

fn wrapped_height(text: &Text<'static>, width: u16) -> u16 {
    let lines = Paragraph::new(text.clone())
        .wrap(Wrap { trim: false })
        .line_count(width);
    u16::try_from(lines).unwrap_or(u16::MAX)
}

/// How far an overlay can scroll before its last line reaches the bottom.
pub fn overlay_max_scroll(app: &App, overlay: Overlay, area: Rect) -> u16 {
    let (area, text, _) = overlay_content(app, overlay, area);
    let inner = layout::pane_block().inner(area);
    wrapped_height(&text, inner.width).saturating_sub(inner.height)
}

/// A one-line area split into what fits on the left and a right-aligned part.
fn split_right(area: Rect, right_width: usize) -> [Rect; 2] {
    let right = u16::try_from(right_width)
        .unwrap_or(u16::MAX)
        .min(area.width);
    ratatui::layout::Layout::horizontal([Constraint::Fill(1), Constraint::Length(right)])
        .areas(area)
}
