//! The only place that touches raw mode and the alternate screen: entering, reading the
//! terminal's events, and giving the terminal back on every way out (quit, Ctrl-C, panic,
//! SIGTERM, SIGHUP).

use std::io::{self, BufWriter, Stdout, stdout};
use std::sync::atomic::{AtomicBool, Ordering};

use std::{panic, process, thread};

use crossterm::cursor::Show;
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{execute, queue};
use ratatui::layout::Size;
use ratatui::prelude::CrosstermBackend;
use ratatui::{TerminalOptions, Viewport};
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::Signals;

/// Whether izumi takes the mouse (the reader's preference); read by `restore`, which runs from
/// the signal and panic handlers too.
static MOUSE: AtomicBool = AtomicBool::new(true);

/// What izumi draws on the terminal with.
pub type Backend = CrosstermBackend<BufWriter<Stdout>>;

/// The terminal izumi draws on.
pub type Screen = ratatui::Terminal<Backend>;

/// Raw mode and the alternate screen (and the mouse, if `mouse`), with a panic hook that
/// restores the terminal before the panic message is printed, so the message is readable and
/// the shell usable.
pub fn enter(mouse: bool) -> io::Result<(Screen, Size)> {
    MOUSE.store(mouse, Ordering::Relaxed);
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    // The size is read once here and then kept up to date from resize events, rather than asked
    // of the terminal before every frame.
    let (width, height) = crossterm::terminal::size()?;
    enable_raw_mode()?;
    // One write per frame rather than one per kilobyte (stdout's own buffer): less work for the
    // terminal, and no half-drawn frame on screen. The switch to the alternate screen goes out
    // with the first frame, so the terminal never shows an empty screen in between.
    let mut out = BufWriter::with_capacity(1 << 16, stdout());
    queue!(out, EnterAlternateScreen)?;
    if mouse {
        queue!(out, EnableMouseCapture)?;
    }
    let backend = CrosstermBackend::new(out);
    let screen = ratatui::Terminal::with_options(
        backend,
        TerminalOptions {
            viewport: Viewport::Fixed(crate::reader::fitting(width, height)),
        },
    )?;
    Ok((screen, Size::new(width, height)))
}

/// Gives the terminal back: raw mode off, main screen, cursor shown. Safe to call twice.
pub fn restore() {
    let _ = disable_raw_mode();
    if MOUSE.load(Ordering::Relaxed) {
        let _ = execute!(stdout(), DisableMouseCapture);
    }
    let _ = execute!(stdout(), LeaveAlternateScreen, Show);
}

/// Reads the terminal on its own thread, handing each event on (so that keys and network
/// messages can meet in one channel) until `forward` says no one listens; `None` once when the
/// terminal is gone.
pub fn forward_events(forward: impl Fn(Option<Event>) -> bool + Send + 'static) -> io::Result<()> {
    thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || {
            while let Ok(event) = event::read() {
                if !forward(Some(event)) {
                    return;
                }
            }
            // Reading failed: the terminal is gone. Say so once and stop, rather than spin.
            forward(None);
        })?;
    Ok(())
}

/// On a terminating signal, gives the terminal back and exits with 128 + the signal's number,
/// as shells expect.
pub fn restore_on_signals() -> io::Result<()> {
    let mut signals = Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT])?;
    thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                restore();
                process::exit(128 + signal);
            }
        })?;
    Ok(())
}
