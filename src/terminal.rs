//! The only place that touches raw mode and the alternate screen: entering, the event loop, and
//! giving the terminal back on every way out (quit, Ctrl-C, panic, SIGTERM, SIGHUP).

use std::io::{self, stdout};
use std::time::{Duration, Instant};
use std::{panic, process};

use crossterm::cursor::Show;
use crossterm::event::{self, Event};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::DefaultTerminal;
use ratatui::prelude::CrosstermBackend;
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::app::{Action, App, Mode, keymap};
use crate::story::Story;
use crate::ui;

/// Runs the interactive reader until the reader quits.
pub fn run_reader(story: Story, mode: Mode) -> anyhow::Result<()> {
    restore_on_signals()?;
    let mut terminal = enter()?;
    let result = event_loop(&mut terminal, story, mode);
    restore();
    result
}

/// Raw mode and the alternate screen, with a panic hook that restores the terminal before the
/// panic message is printed, so the message is readable and the shell usable.
fn enter() -> io::Result<DefaultTerminal> {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen)?;
    ratatui::Terminal::new(CrosstermBackend::new(stdout()))
}

/// Gives the terminal back: raw mode off, main screen, cursor shown. Safe to call twice.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), LeaveAlternateScreen, Show);
}

fn event_loop(terminal: &mut DefaultTerminal, story: Story, mode: Mode) -> anyhow::Result<()> {
    let mut app = App::new(story, terminal.size()?);
    if mode == Mode::Presentation {
        app.update(Action::TogglePresentation);
    }
    let panic_key = test_panic_key();
    let mut redraw = true;
    while !app.should_quit() {
        if redraw {
            terminal.draw(|frame| ui::draw(frame, &app))?;
        }
        // Blocks until something happens: an idle reader costs nothing. Only a running timer
        // wakes the loop, once a second, to move its display on.
        if app.timer().is_running() && !event::poll(Duration::from_secs(1))? {
            redraw = app.update(Action::Tick(Instant::now()));
            continue;
        }
        redraw = match event::read()? {
            Event::Key(key) if panic_key.is_some_and(|c| key.code == event::KeyCode::Char(c)) => {
                panic!("panic requested by IZUMI_TEST_PANIC_KEY")
            }
            Event::Key(key) => {
                let action = if app.is_typing() {
                    keymap::action_while_typing(key)
                } else {
                    keymap::action_for(key)
                };
                action.is_some_and(|action| app.update(action))
            }
            Event::Resize(width, height) => {
                app.update(Action::Resize(width, height));
                true
            }
            _ => false,
        };
    }
    Ok(())
}

/// In debug builds only, the end-to-end tests name a key that panics, to check that a panic
/// gives the terminal back.
fn test_panic_key() -> Option<char> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var("IZUMI_TEST_PANIC_KEY").ok()?.chars().next()
}

/// On a terminating signal, gives the terminal back and exits with 128 + the signal's number,
/// as shells expect.
fn restore_on_signals() -> anyhow::Result<()> {
    let mut signals = Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                restore();
                process::exit(128 + signal);
            }
        })?;
    Ok(())
}
