//! One reader on one screen: the app, its look and keys, and the backend it draws on. A
//! [`Reader`] knows nothing of where its keys come from or where its frames go, so a test drives
//! one on a `TestBackend`, the terminal's event loop ([`crate::runtime`]) one on the terminal,
//! and the SSH door many in one process, each with its own theme and keys.

use std::time::Instant;

use crossterm::event::{Event, KeyEvent, MouseButton, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::layout::Rect;

use crate::app::{Action, App, Effect};
use crate::keymap::Keymap;
use crate::ui::{self, theme::Theme};

/// The largest screen drawn, columns and rows: far beyond any real terminal, and a bound on the
/// memory a size reported by a terminal (or a client over the network) can make izumi take.
pub const MAX_SIZE: (u16, u16) = (1000, 500);

/// The area drawn for a screen of this size.
pub fn fitting(width: u16, height: u16) -> Rect {
    Rect::new(0, 0, width.min(MAX_SIZE.0), height.min(MAX_SIZE.1))
}

/// One reader on one screen: its state, its look and keys, and the backend it draws on.
pub struct Reader<B: Backend> {
    app: App,
    terminal: Terminal<B>,
    theme: Theme,
    keys: Keymap,
}

impl<B: Backend> Reader<B> {
    pub fn new(app: App, terminal: Terminal<B>, theme: Theme, keys: Keymap) -> Self {
        Self {
            app,
            terminal,
            theme,
            keys,
        }
    }

    pub fn app(&self) -> &App {
        &self.app
    }

    pub fn terminal(&self) -> &Terminal<B> {
        &self.terminal
    }

    /// The first frame, and what the app has to say from the start (a presenter announces its
    /// scene).
    pub fn start(&mut self) -> Result<Vec<Effect>, B::Error> {
        self.draw()?;
        Ok(self.app.update(Action::Tick(Instant::now())).effects)
    }

    /// A key, the mouse or a resize, from the terminal or anything that speaks its events.
    pub fn event(&mut self, event: Event) -> Result<Vec<Effect>, B::Error> {
        if let Event::Resize(width, height) = event {
            self.resize(width, height)?;
            return Ok(Vec::new());
        }
        match self.action_of(&event) {
            Some(action) => self.act(action),
            None => Ok(Vec::new()),
        }
    }

    /// A key press, read with the keys of the mode the reader is in.
    pub fn key(&mut self, key: KeyEvent) -> Result<Vec<Effect>, B::Error> {
        self.event(Event::Key(key))
    }

    /// A key or the mouse handed to the app without drawing, for a front-end that takes a
    /// packet of keys at once and draws once ([`Reader::draw`]); resizes are not taken here.
    pub fn apply_event(&mut self, event: &Event) -> crate::app::Changes {
        match self.action_of(event) {
            Some(action) => self.apply(action),
            None => crate::app::Changes::default(),
        }
    }

    /// An action handed to the app without drawing: what changed, and what the app asks for.
    pub fn apply(&mut self, action: Action) -> crate::app::Changes {
        self.app.update(action)
    }

    /// What a key or the mouse asks of the app now: a key read with the keys of the mode the
    /// reader is in; a click or a turn of the wheel.
    fn action_of(&self, event: &Event) -> Option<Action> {
        match event {
            Event::Key(key) => self.keys.action(self.app.key_mode(), *key, Instant::now()),
            Event::Mouse(mouse) => {
                let (column, row) = (mouse.column, mouse.row);
                match mouse.kind {
                    MouseEventKind::Down(MouseButton::Left) => Some(Action::Click(column, row)),
                    MouseEventKind::ScrollUp => Some(Action::Wheel {
                        up: true,
                        column,
                        row,
                    }),
                    MouseEventKind::ScrollDown => Some(Action::Wheel {
                        up: false,
                        column,
                        row,
                    }),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The screen is now this size: drawn again to fit (within [`MAX_SIZE`]).
    pub fn resize(&mut self, width: u16, height: u16) -> Result<(), B::Error> {
        self.terminal.resize(fitting(width, height))?;
        self.draw()
    }

    /// Hands an action to the app, draws if anything visible changed, and returns what the
    /// app asks for.
    pub fn act(&mut self, action: Action) -> Result<Vec<Effect>, B::Error> {
        let changes = self.app.update(action);
        // A reader that is leaving draws no last frame: nobody would see it.
        if changes.redraw && !self.app.should_quit() {
            self.draw()?;
        }
        Ok(changes.effects)
    }

    /// Draws the app and tells it where everything went. Drawing clamps scrolling itself, so
    /// what the measure changes in the app is already on screen.
    pub fn draw(&mut self) -> Result<(), B::Error> {
        let Reader {
            app,
            terminal,
            theme,
            keys,
        } = self;
        let mut geometry = None;
        terminal.draw(|frame| geometry = Some(ui::draw(frame, app, theme, keys)))?;
        if let Some(geometry) = geometry {
            app.update(Action::Measured(geometry));
        }
        Ok(())
    }
}
