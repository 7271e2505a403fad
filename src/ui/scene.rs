//! The scene pane: the scene's text, wrapped and scrollable, with footnote markers set apart.

use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{
    Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState, StatefulWidget, Widget,
};

use super::layout::titled_pane_block;
use super::theme::THEME;
use crate::app::{App, Pane};
use crate::search::occurrences;
use crate::story::{Inline, SceneId, Story};
use crate::wrap::wrap_lines;

/// The current scene's title and text.
pub struct ScenePane<'a> {
    pub app: &'a App,
}

/// The scene's paragraphs as styled text, a blank line between paragraphs.
pub fn scene_text(story: &Story, id: SceneId) -> Text<'static> {
    let scene = story.scene(id);
    let mut lines = Vec::new();
    for (i, paragraph) in scene.paragraphs.iter().enumerate() {
        if i > 0 {
            lines.push(Line::default());
        }
        let mut spans: Vec<Span> = Vec::new();
        for inline in paragraph {
            match inline {
                Inline::Text(text) => spans.push(Span::styled(text.clone(), THEME.text)),
                // Set apart, so the reader knows `g` will explain it.
                Inline::Term(text, _) => spans.push(Span::styled(text.clone(), THEME.term)),
                Inline::Footnote(id) => spans.push(Span::styled(
                    format!("[{}]", story.footnote(*id).number),
                    THEME.footnote_marker,
                )),
            }
        }
        lines.push(Line::from(spans));
    }
    Text::from(lines)
}

/// The scene's text wrapped to `width` columns.
pub fn wrapped_text(story: &Story, id: SceneId, width: u16) -> Vec<Line<'static>> {
    wrap_lines(&scene_text(story, id).lines, width)
}

/// The same, with what the reader searched for set apart.
fn wrapped_text_marking(story: &Story, id: SceneId, query: &str, width: u16) -> Vec<Line<'static>> {
    let mut text = scene_text(story, id);
    if !query.trim().is_empty() {
        for line in &mut text.lines {
            line.spans = std::mem::take(&mut line.spans)
                .into_iter()
                .flat_map(|span| mark(span, query))
                .collect();
        }
    }
    wrap_lines(&text.lines, width)
}

/// A span cut where `query` occurs, the occurrences highlighted.
fn mark(span: Span<'static>, query: &str) -> Vec<Span<'static>> {
    let found = occurrences(&span.content, query);
    if found.is_empty() {
        return vec![span];
    }
    let mut pieces = Vec::new();
    let mut from = 0;
    for range in found {
        if range.start > from {
            pieces.push(Span::styled(
                span.content[from..range.start].to_owned(),
                span.style,
            ));
        }
        pieces.push(Span::styled(
            span.content[range.clone()].to_owned(),
            span.style.patch(THEME.search_hit),
        ));
        from = range.end;
    }
    if from < span.content.len() {
        pieces.push(Span::styled(span.content[from..].to_owned(), span.style));
    }
    pieces
}

/// How many lines the scene's text takes when wrapped to `width` columns.
pub fn text_height(story: &Story, id: SceneId, width: u16) -> u16 {
    if width == 0 {
        return 0;
    }
    u16::try_from(wrapped_text(story, id, width).len()).unwrap_or(u16::MAX)
}

impl Widget for ScenePane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let story = self.app.story();
        let id = self.app.scene();
        let focused = self.app.focus() == Pane::Scene;
        let block = titled_pane_block(format!(" {} ", story.scene(id).title), focused);
        let inner = block.inner(area);
        let scroll = self.app.scene_scroll();
        let lines = wrapped_text_marking(story, id, self.app.query(), inner.width);
        let content = u16::try_from(lines.len()).unwrap_or(u16::MAX);
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll, 0))
            .render(area, buf);

        if content > inner.height {
            let mut state = ScrollbarState::new(usize::from(content - inner.height))
                .position(usize::from(scroll));
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .begin_symbol(None)
                .end_symbol(None)
                .style(THEME.dim)
                .render(area.inner(Margin::new(0, 1)), buf, &mut state);
        }
    }
}
