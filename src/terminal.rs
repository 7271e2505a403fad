//! The only place that touches raw mode and the alternate screen: entering, the event loop, and
//! giving the terminal back on every way out (quit, Ctrl-C, panic, SIGTERM, SIGHUP).

use std::process;

use crossterm::event::{self, Event};
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::app::{Action, App, keymap};
use crate::story::Story;
use crate::ui;

/// Runs the interactive reader until the reader quits.
pub fn run_reader(story: Story) -> anyhow::Result<()> {
    restore_on_signals()?;
    // `ratatui::init` enters raw mode and the alternate screen, and installs a panic hook that
    // restores the terminal before the panic message is printed.
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, story);
    ratatui::restore();
    result
}

fn event_loop(terminal: &mut ratatui::DefaultTerminal, story: Story) -> anyhow::Result<()> {
    let mut app = App::new(story, terminal.size()?);
    let mut redraw = true;
    while !app.should_quit() {
        if redraw {
            terminal.draw(|frame| ui::draw(frame, &app))?;
        }
        // Blocks until something happens: an idle reader costs nothing.
        redraw = match event::read()? {
            Event::Key(key) => keymap::action_for(key).is_some_and(|action| app.update(action)),
            Event::Resize(width, height) => {
                app.update(Action::Resize(width, height));
                true
            }
            _ => false,
        };
    }
    Ok(())
}

/// On a terminating signal, gives the terminal back and exits with 128 + the signal's number,
/// as shells expect.
fn restore_on_signals() -> anyhow::Result<()> {
    let mut signals = Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                ratatui::restore();
                process::exit(128 + signal);
            }
        })?;
    Ok(())
}
