//! The classroom's address, big: a QR code a phone can read from the back of the room, and the
//! addresses under it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Widget};

use super::theme::Theme;
use crate::web::invite;

pub struct Invitation<'a> {
    pub heading: &'a str,
    pub addresses: &'a [String],
    pub theme: &'a Theme,
}

impl Widget for Invitation<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        Clear.render(area, buf);
        let text_rows = 2 + u16::try_from(self.addresses.len()).unwrap_or(u16::MAX);
        let room = area.height.saturating_sub(text_rows);
        let modules = invite::code_of(self.addresses).unwrap_or_default();
        let size = u16::try_from(modules.len()).unwrap_or(u16::MAX);
        // Scanners want dark on light whatever the terminal's colours: the code sets both, light
        // modules drawn as white blocks on black.
        let code = Style::default().fg(Color::White).bg(Color::Black);
        let mut top = area.y;
        if size > 0 && size <= room && size * 2 <= area.width {
            // A module is two cells wide and one high: square, and as big as fits.
            let left = area.x + (area.width - size * 2) / 2;
            top += (room - size) / 2;
            for (row, dark) in modules.iter().enumerate() {
                let line: String = dark.iter().map(|d| if *d { "  " } else { "██" }).collect();
                let y = top + u16::try_from(row).unwrap_or(0);
                buf.set_string(left, y, line, code);
            }
            top += size;
        } else if size > 0 && size.div_ceil(2) <= room && size <= area.width {
            let lines = invite::half_blocks(&modules);
            let left = area.x + (area.width - size) / 2;
            top += (room - size.div_ceil(2)) / 2;
            for (row, line) in lines.iter().enumerate() {
                let y = top + u16::try_from(row).unwrap_or(0);
                buf.set_string(left, y, line, code);
            }
            top += size.div_ceil(2);
        } else {
            top += room / 2;
        }
        let mut lines = vec![Line::styled(self.heading, self.theme.title)];
        lines.extend(
            self.addresses
                .iter()
                .map(|address| Line::styled(address.as_str(), self.theme.text)),
        );
        for (offset, line) in lines.into_iter().enumerate() {
            let y = top + 1 + u16::try_from(offset).unwrap_or(0);
            if y >= area.bottom() {
                break;
            }
            let width = u16::try_from(line.width())
                .unwrap_or(u16::MAX)
                .min(area.width);
            let x = area.x + (area.width - width) / 2;
            buf.set_line(x, y, &line, width);
        }
    }
}
