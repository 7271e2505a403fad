//! The scene pane: the scene's text, wrapped and scrollable, with footnote and editor's-note
//! markers set apart.

use std::cell::RefCell;
use std::rc::Rc;

use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState, StatefulWidget, Widget,
};

use super::layout::titled_pane_block;
use super::theme::Theme;
use crate::app::{App, Geometry, Pane, Spot, TextBox};
use crate::search::occurrences;
use crate::story::text::Paragraph as TextParagraph;
use crate::story::{EditorNoteId, FootnoteId, Inline, SceneId, Story};
use crate::wrap::{TaggedLine, wrap_tagged};

/// The current scene's title and text.
pub struct ScenePane<'a> {
    pub app: &'a App,
    pub theme: &'a Theme,
}

/// The tag of a marker's span, by which `marker_spots` finds it after wrapping: odd for a
/// footnote, even for an editor's note (0 is plain text).
fn marker_tag(spot: Spot) -> u32 {
    let (index, kind) = match spot {
        Spot::Footnote(id) => (id.0, 1),
        Spot::EditorNote(id) => (id.0, 2),
        _ => return 0,
    };
    u32::try_from(index * 2 + kind).unwrap_or(0)
}

/// The marker a span's tag stands for, if any.
fn tagged_spot(tag: u32) -> Option<Spot> {
    let index = usize::try_from((tag.checked_sub(1)?) / 2).ok()?;
    Some(if tag % 2 == 1 {
        Spot::Footnote(FootnoteId(index))
    } else {
        Spot::EditorNote(EditorNoteId(index))
    })
}

/// The scene's paragraphs as styled spans, footnote markers tagged with their footnote, a blank
/// line between paragraphs; what the reader searched for is set apart.
fn scene_spans(
    story: &Story,
    id: SceneId,
    query: &str,
    theme: &Theme,
) -> Vec<Vec<(Span<'static>, u32)>> {
    let scene = story.scene(id);
    let mut lines = Vec::new();
    for (i, paragraph) in scene.paragraphs.iter().enumerate() {
        if i > 0 {
            lines.push(Vec::new());
        }
        let mut spans = Vec::new();
        for inline in paragraph {
            match inline {
                Inline::Text(text) => mark(&mut spans, text, theme.text, query, theme),
                // Set apart, so the reader knows `g` will explain it.
                Inline::Term(text, _) => mark(&mut spans, text, theme.term, query, theme),
                Inline::Footnote(footnote) => spans.push((
                    Span::styled(
                        format!("[{}]", story.footnote(*footnote).number),
                        theme.footnote_marker,
                    ),
                    marker_tag(Spot::Footnote(*footnote)),
                )),
                Inline::EditorNote(note) => spans.push((
                    Span::styled(story.editor_note(*note).marker(), theme.editor_marker),
                    marker_tag(Spot::EditorNote(*note)),
                )),
            }
        }
        lines.push(spans);
    }
    lines
}

/// Adds text as spans, cut where `query` occurs and the occurrences highlighted.
fn mark(
    spans: &mut Vec<(Span<'static>, u32)>,
    text: &str,
    style: ratatui::style::Style,
    query: &str,
    theme: &Theme,
) {
    let found = if query.trim().is_empty() {
        Vec::new()
    } else {
        occurrences(text, query)
    };
    let mut from = 0;
    for range in found {
        if range.start > from {
            spans.push((Span::styled(text[from..range.start].to_owned(), style), 0));
        }
        spans.push((
            Span::styled(
                text[range.clone()].to_owned(),
                style.patch(theme.search_hit),
            ),
            0,
        ));
        from = range.end;
    }
    if from < text.len() || text.is_empty() {
        spans.push((Span::styled(text[from..].to_owned(), style), 0));
    }
}

/// What a scene's wrapped text was made from: the story (by content), the scene's paragraphs
/// themselves (a story changed in place keeps its fingerprint), the query, the width and the
/// theme.
struct WrapKey {
    fingerprint: String,
    scene: SceneId,
    paragraphs: Vec<TextParagraph<FootnoteId>>,
    query: String,
    width: u16,
    theme: Theme,
}

impl WrapKey {
    fn new(story: &Story, id: SceneId, query: &str, width: u16, theme: &Theme) -> Self {
        Self {
            fingerprint: story.fingerprint.clone(),
            scene: id,
            paragraphs: story.scene(id).paragraphs.clone(),
            query: query.to_owned(),
            width,
            theme: *theme,
        }
    }

    /// Whether these are what the lines were made from, compared without copying anything.
    fn matches(&self, story: &Story, id: SceneId, query: &str, width: u16, theme: &Theme) -> bool {
        self.scene == id
            && self.width == width
            && self.query == query
            && self.theme == *theme
            && self.fingerprint == story.fingerprint
            && self.paragraphs == story.scene(id).paragraphs
    }
}

thread_local! {
    /// The last scene wrapped, kept so that scrolling and redrawing do not wrap it again: a
    /// scene of hundreds of kilobytes takes milliseconds to wrap, and a key press only moves it.
    static LAST_WRAPPED: RefCell<Option<(WrapKey, Rc<[TaggedLine]>)>> = const { RefCell::new(None) };
}

/// The scene's text wrapped to `width` columns, the query highlighted.
pub fn wrapped(
    story: &Story,
    id: SceneId,
    query: &str,
    width: u16,
    theme: &Theme,
) -> Rc<[TaggedLine]> {
    LAST_WRAPPED.with_borrow_mut(|last| {
        if let Some((key, lines)) = last.as_ref()
            && key.matches(story, id, query, width, theme)
        {
            return Rc::clone(lines);
        }
        let lines: Rc<[TaggedLine]> =
            wrap_tagged(&scene_spans(story, id, query, theme), width).into();
        *last = Some((
            WrapKey::new(story, id, query, width, theme),
            Rc::clone(&lines),
        ));
        lines
    })
}

/// Where the footnote and editor's-note markers of wrapped lines are, drawn from `area`'s top
/// scrolled by `scroll`.
pub fn marker_spots(lines: &[TaggedLine], area: Rect, scroll: u16, geometry: &mut Geometry) {
    let shown = lines
        .iter()
        .skip(usize::from(scroll))
        .take(usize::from(area.height));
    for (row, line) in (area.y..).zip(shown) {
        let mut x = area.x;
        for (span, tag) in line.spans.spans.iter().zip(&line.tags) {
            let width = u16::try_from(span.width()).unwrap_or(u16::MAX);
            if let Some(spot) = tagged_spot(*tag) {
                let at = Rect::new(x, row, width, 1).intersection(area);
                geometry.spots.push((at, spot));
            }
            x = x.saturating_add(width);
        }
    }
}

impl ScenePane<'_> {
    /// Draws the pane, notes where its markers went, and returns its text's box.
    pub fn draw(self, area: Rect, buf: &mut Buffer, geometry: &mut Geometry) -> TextBox {
        let app = self.app;
        let story = app.story();
        let id = app.scene();
        let focused = app.focus() == Pane::Scene;
        let title = super::layout::fit_title(&format!(" {} ", story.scene(id).title), area.width);
        let block = titled_pane_block(title, focused, self.theme);
        let inner = block.inner(area);
        let lines = wrapped(story, id, app.query(), inner.width, self.theme);
        let content = u16::try_from(lines.len()).unwrap_or(u16::MAX);
        let text = TextBox {
            area: inner,
            lines: content,
        };
        // Drawing clamps the scroll itself: the app learns the limit from this frame.
        let scroll = app.scene_scroll().min(text.max_scroll());
        marker_spots(&lines, inner, scroll, geometry);
        // Only the lines in view go to the paragraph: a scene of hundreds of kilobytes costs
        // a frame its wrapping, not a walk through every line above the fold as well.
        let shown: Vec<Line> = lines
            .iter()
            .skip(usize::from(scroll))
            .take(usize::from(inner.height))
            .map(|line| line.spans.clone())
            .collect();
        Paragraph::new(shown).block(block).render(area, buf);

        if content > inner.height {
            let mut state = ScrollbarState::new(usize::from(content - inner.height))
                .position(usize::from(scroll));
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .begin_symbol(None)
                .end_symbol(None)
                .style(self.theme.dim)
                .render(area.inner(Margin::new(0, 1)), buf, &mut state);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_tags_tell_footnotes_from_editor_notes_and_plain_text() {
        for spot in [
            Spot::Footnote(FootnoteId(0)),
            Spot::Footnote(FootnoteId(57)),
            Spot::EditorNote(EditorNoteId(0)),
            Spot::EditorNote(EditorNoteId(3)),
        ] {
            assert_ne!(marker_tag(spot), 0, "{spot:?}");
            assert_eq!(tagged_spot(marker_tag(spot)), Some(spot));
        }
        assert_eq!(tagged_spot(0), None);
    }
}
