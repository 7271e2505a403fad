//! The classroom's address, big: a QR code a phone can read from the back of the room, and the
//! addresses under it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Widget};

use super::theme::Theme;
use crate::invite;

pub struct Invitation<'a> {
    pub heading: &'a str,
    pub addresses: &'a [String],
    pub theme: &'a Theme,
}

impl Widget for Invitation<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        Clear.render(area, buf);
        // Addresses of this machine only: no code to scan, and a plain word on what to do.
        let others = invite::others_can_join(self.addresses);
        let warning = (!others).then(|| {
            [
                "Only this machine can open these; phones cannot reach them.".to_owned(),
                invite::TO_INVITE_OTHERS[0].to_owned(),
                invite::TO_INVITE_OTHERS[1].to_owned(),
            ]
        });
        let warning_rows = if warning.is_some() { 4 } else { 0 };
        let text_rows = 2 + warning_rows + u16::try_from(self.addresses.len()).unwrap_or(u16::MAX);
        let room = area.height.saturating_sub(text_rows);
        let code = invite::code_of(self.addresses).filter(|_| others);
        let size = code
            .as_ref()
            .map_or(0, |code| u16::try_from(code.size()).unwrap_or(u16::MAX));
        // A module two cells wide and one high (square, and as big as fits), else in half blocks.
        let drawn = match &code {
            Some(code) if size <= room && size * 2 <= area.width => Some(code.full_blocks()),
            Some(code) if size.div_ceil(2) <= room && size <= area.width => {
                Some(code.half_blocks())
            }
            _ => None,
        };
        let mut top = area.y;
        if let Some(rows) = drawn {
            // Scanners want dark on light whatever the terminal's colours: the code sets both,
            // light modules drawn as white blocks on black.
            let style = Style::default().fg(Color::White).bg(Color::Black);
            let height = u16::try_from(rows.len()).unwrap_or(u16::MAX);
            let width = u16::try_from(rows[0].chars().count()).unwrap_or(u16::MAX);
            let left = area.x + (area.width - width) / 2;
            top += (room - height) / 2;
            for (row, line) in rows.iter().enumerate() {
                let y = top + u16::try_from(row).unwrap_or(0);
                buf.set_string(left, y, line, style);
            }
            top += height;
        } else {
            top += room / 2;
        }
        let mut lines = match &warning {
            // The heading would tell people to scan a code that is not there.
            Some(_) => vec![Line::styled(
                "Not reachable from phones or other computers",
                self.theme.title,
            )],
            None => vec![Line::styled(self.heading, self.theme.title)],
        };
        lines.extend(
            self.addresses
                .iter()
                .map(|address| Line::styled(address.as_str(), self.theme.text)),
        );
        if let Some(warning) = warning {
            lines.push(Line::default());
            lines.extend(warning.map(|line| Line::styled(line, self.theme.title)));
        }
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
